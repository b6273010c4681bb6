package dev.shard.cli;

import static dev.shard.cli.ShardDatabases.EXAMPLE_MIGRATIONS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardDatabases.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, as an operator runs it: {@code java -jar shard-cli/target/shard-cli.jar ...} in a process of its
 * own, with nothing on the class path but the jar (Failsafe runs after packaging; the POM passes the jar's path).
 */
class ShardCliJarIT {

    @TempDir
    Path directory;

    @Test
    void theSelfContainedJarMigratesEveryDataSourceAndFindsDrift() throws Exception {
        try (ShardDatabases databases = ShardDatabases.create("cli_jar", directory)) {
            Run run = java("migrate", "--config", databases.yaml().toString(),
                    "--locations", "filesystem:" + EXAMPLE_MIGRATIONS);
            assertThat(run.exitCode()).as(run.all()).isZero();
            assertThat(run.out()).contains("OK: every data source is at version 3");
            assertThat(run.all()).doesNotContain(databases.password());
            assertThat(databases.schemaVersions()).containsOnly("3");

            String config = databases.yaml().toString();
            assertThat(java("diff", "--config", config).exitCode()).isZero();
            databases.execute("ds3", "ALTER TABLE t_user MODIFY name VARCHAR(200) NOT NULL");
            Run drift = java("diff", "--config", config);
            assertThat(drift.exitCode()).as(drift.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
            assertThat(drift.out()).startsWith("ds3 t_user column name: varchar(200) NOT NULL COLLATE "
                    + "utf8mb4_general_ci; expected varchar(100) NOT NULL COLLATE utf8mb4_general_ci (as on ds0, ds1, "
                    + "ds2, main)" + System.lineSeparator() + "DRIFT: 1 difference");
            Run error = java("diff", "--config", directory.resolve("missing.yaml").toString());
            assertThat(error.exitCode()).isEqualTo(ShardCli.EXIT_ERROR);
            assertThat(error.err()).contains("configuration file not found");
        }
    }

    private Run java(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("shard.cli.jar", "target/shard-cli.jar"));
        assertThat(jar).as("the packaged jar; run with mvn verify").isRegularFile();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1"); // a short run: the client compiler alone starts it sooner
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Path out = directory.resolve("out.txt");
        Path err = directory.resolve("err.txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // A generous bound: the run takes seconds; a hung one fails the test instead of the build.
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("shard-cli.jar did not finish within 5 minutes: " + command);
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
