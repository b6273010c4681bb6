package dev.shard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.ShardingDataSource;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build check that stands in for a module descriptor in this module: shard-spring's main code may use only what
 * shard-core and shard-jdbc export to everyone, exactly as their {@code module-info.java} say. (A descriptor of its
 * own would put Spring, Hibernate and the test applications on the module path, where their reflection and proxies
 * need opens for every package they touch.) It reads the sources, so it fails on imports, static imports and
 * qualified names in code alike, and names the file, line and reference.
 */
class PublicApiUseTest {

    private static final String THIS_MODULE = "dev.shard.spring";
    private static final Pattern SHARD_NAME = Pattern.compile("\\bdev\\.shard(?:\\s*\\.\\s*(?:\\w+|\\*))+");

    @Test
    void mainCodeUsesOnlyThePublicApiOfShardCoreAndShardJdbc() throws IOException {
        Set<String> allowed = new TreeSet<>();
        allowed.addAll(packagesExportedTo(THIS_MODULE, ShardConfig.class));
        allowed.addAll(packagesExportedTo(THIS_MODULE, ShardingDataSource.class));
        assertThat(allowed).as("read from the module descriptors")
                .contains("dev.shard.core", "dev.shard.core.config", "dev.shard.jdbc")
                .doesNotContain("dev.shard.jdbc.internal", "dev.shard.core.internal.keygen");
        // shard-cli is a tool without a module descriptor; its one package holds ShardMigrations (public) and
        // package-private commands and helpers, which the compiler already keeps out of reach.
        allowed.add("dev.shard.cli");

        Path sources = Path.of("src/main/java");
        assertThat(sources).as("run from the shard-spring directory, as Maven does").isDirectory();
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String relative = sources.relativize(file).toString();
                violations.addAll(violations(relative, Files.readString(file, StandardCharsets.UTF_8), allowed));
            }
        }
        assertThat(violations).as("shard-spring may use only these packages of shard-core and shard-jdbc: %s",
                allowed).isEmpty();
    }

    @Test
    void theCheckFindsImportsStaticImportsAndQualifiedNamesButNotCommentsOrStrings() {
        Set<String> allowed = Set.of("dev.shard.core.config", "dev.shard.jdbc");
        String source = """
                package dev.shard.spring.sample;

                import dev.shard.core.config.ShardConfig;
                import dev.shard.core.internal.keygen.SnowflakeGenerator;
                import static dev.shard.jdbc.internal.Redaction.MASK;
                import dev.shard.jdbc.internal.*;
                import dev.shard.spring.ShardProperties;

                /** Links {@link dev.shard.core.internal.route.SqlRouter}, which is only a comment. */
                class Sample {
                    String key = "dev.shard.snowflake.worker-id"; // dev.shard.core.internal.hash.SlotMap
                    Object runtime = dev.shard.jdbc.internal.ShardRuntime.class;
                    Object config = dev.shard.core.config.ShardConfig.builder();
                }
                """;
        assertThat(violations("Sample.java", source, allowed)).containsExactly(
                "Sample.java:4: dev.shard.core.internal.keygen.SnowflakeGenerator",
                "Sample.java:5: dev.shard.jdbc.internal.Redaction.MASK",
                "Sample.java:6: dev.shard.jdbc.internal.*",
                "Sample.java:12: dev.shard.jdbc.internal.ShardRuntime.class");
    }

    /** The packages {@code module} may use of the module holding {@code type}: exports to all and to it. */
    private static Set<String> packagesExportedTo(String module, Class<?> type) {
        Path location;
        try {
            location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Set<ModuleReference> found = ModuleFinder.of(location).findAll();
        assertThat(found).as("the module at %s", location).hasSize(1);
        ModuleDescriptor descriptor = found.iterator().next().descriptor();
        assertThat(descriptor.isAutomatic()).as("%s has a module-info", location).isFalse();
        Set<String> packages = new TreeSet<>();
        for (ModuleDescriptor.Exports exports : descriptor.exports()) {
            if (!exports.isQualified() || exports.targets().contains(module)) {
                packages.add(exports.source());
            }
        }
        return packages;
    }

    /** "File:line: reference" for every name of a package of another Shard module that {@code allowed} lacks. */
    static List<String> violations(String file, String source, Set<String> allowed) {
        String code = withoutCommentsAndLiterals(source);
        List<String> found = new ArrayList<>();
        Matcher name = SHARD_NAME.matcher(code);
        while (name.find()) {
            String reference = name.group().replaceAll("\\s", "");
            String pkg = packageOf(reference);
            boolean own = pkg.equals(THIS_MODULE) || pkg.startsWith(THIS_MODULE + ".");
            if (!own && !allowed.contains(pkg)) {
                int line = 1 + (int) code.substring(0, name.start()).chars().filter(c -> c == '\n').count();
                found.add(file + ":" + line + ": " + reference);
            }
        }
        return found;
    }

    /** The leading lower-case segments: a package, by the Java naming conventions this project follows. */
    private static String packageOf(String reference) {
        List<String> segments = new ArrayList<>();
        for (String segment : reference.split("\\.")) {
            if (segment.equals("*") || Character.isUpperCase(segment.charAt(0))) {
                break;
            }
            segments.add(segment);
        }
        return String.join(".", segments);
    }

    /**
     * The source with comments, string and character literals (text blocks included) blanked out, line breaks
     * kept so that line numbers stay right: a string such as a property name may look like a package.
     */
    private static String withoutCommentsAndLiterals(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            int end;
            if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? source.length() : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = closing(source, i + 3, "\"\"\"");
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                end = closing(source, i + 1, String.valueOf(source.charAt(i)));
            } else {
                code.append(source.charAt(i++));
                continue;
            }
            for (int j = i; j < end; j++) {
                code.append(source.charAt(j) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return code.toString();
    }

    /** Just past the {@code quote} that closes a literal opened before {@code from}, skipping escapes. */
    private static int closing(String source, int from, String quote) {
        int i = from;
        while (i < source.length()) {
            if (source.charAt(i) == '\\') {
                i += 2;
            } else if (source.startsWith(quote, i)) {
                return i + quote.length();
            } else {
                i++;
            }
        }
        return source.length();
    }
}
