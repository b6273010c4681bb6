package dev.shard.spring;

import com.zaxxer.hikari.HikariConfig;
import dev.shard.core.config.ShardConfigException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Checks the {@code spring.shard.*} keys themselves, which Spring's binder does not: a misspelt key binds to nothing
 * and the table it meant to shard silently stays unsharded. Keys are compared in Spring's uniform form (lower case,
 * letters and digits only), so {@code sharding-column}, {@code shardingColumn} and the environment variable
 * {@code ..._SHARDINGCOLUMN} are the same key, exactly as the binder sees them.
 *
 * <p>Also refuses values whose {@code ${...}} placeholders cannot be resolved: the binder leaves those in place, so an
 * unset {@code ${DB_PASSWORD}} would otherwise be sent to the database as the password.
 */
final class ShardPropertyKeys {

    static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("spring.shard");

    private static final List<String> TOP = List.of("config", "data-sources", "default-data-source", "tables",
            "broadcast-tables", "slots", "settings");
    private static final List<String> TABLE = List.of("sharding-column", "algorithm", "key-generator");
    private static final List<String> KEY_GENERATOR = List.of("column", "type");
    private static final List<String> SETTINGS = List.of("parse-cache-size", "parse-timeout-millis", "worker-id",
            "max-clock-backward-millis", "sequential-scatter-below-micros", "store-slot-map", "metadata-data-source",
            "slot-map-poll-millis", "metadata-lease-millis", "reshard-write-hold-millis", "max-replica-lag-millis",
            "replica-check-millis", "reads-fall-back-to-primary", "read-your-writes", "read-your-writes-timeout-millis");
    /** Shard's own key among a data source's pool properties (DataSourceConfig takes it out). */
    static final String WEIGHT = "weight";
    /** HikariCP's prefix for properties handed to the driver, whose names HikariCP does not know. */
    static final String DRIVER_PREFIX = "dataSource";

    /** HikariCP's property names by uniform form: jdbcurl -> jdbcUrl. */
    private static final Map<String, String> HIKARI = hikariProperties();

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(:[^}]*)?}");

    private ShardPropertyKeys() {
    }

    /** @throws ShardConfigException naming every unknown key, or a value with a placeholder that does not resolve */
    static void check(Environment environment) {
        Map<ConfigurationPropertyName, ConfigurationProperty> properties = shardProperties(environment);
        List<String> problems = new ArrayList<>();
        properties.forEach((name, property) -> {
            String unknown = unknownKey(name);
            if (unknown != null) {
                problems.add(unknown + origin(property));
            }
        });
        if (!problems.isEmpty()) {
            throw new ShardConfigException("spring.shard properties: " + String.join("; ", problems));
        }
        properties.forEach((name, property) -> {
            if (property.getValue() instanceof String raw && raw.contains("${")) {
                String unresolved = unresolvedPlaceholders(raw, environment);
                if (unresolved != null) {
                    // Only the placeholder is named, never the value: it may be a password with a ${ in it.
                    problems.add("'" + written(name) + "'" + origin(property) + " uses " + unresolved
                            + ", which is not set (no environment variable, system property or application "
                            + "property of that name)");
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new ShardConfigException("spring.shard properties: " + String.join("; ", problems));
        }
    }

    /** Whether any spring.shard key is unknown: then Shard's auto-configuration runs so as to report it. */
    static boolean hasUnknownKeys(Environment environment) {
        return shardProperties(environment).keySet().stream().anyMatch(name -> unknownKey(name) != null);
    }

    /** HikariCP's name for a pool key in any relaxed form (jdbc-url, jdbcurl, JDBCURL), or null if it has none. */
    static String hikariName(String key) {
        return HIKARI.get(uniform(key));
    }

    /** The spring.shard properties in effect: for a key set in several places, the one that wins. */
    private static Map<ConfigurationPropertyName, ConfigurationProperty> shardProperties(Environment environment) {
        Map<ConfigurationPropertyName, ConfigurationProperty> properties = new TreeMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.filter(PREFIX::isAncestorOf).stream().forEach(name -> {
                    ConfigurationProperty property = iterable.getConfigurationProperty(name);
                    if (property != null) {
                        properties.putIfAbsent(name, property);
                    }
                });
            }
        }
        return properties;
    }

    /** A description of what is wrong with the key, or null if it is one Shard reads. */
    private static String unknownKey(ConfigurationPropertyName name) {
        int size = name.getNumberOfElements();
        int first = PREFIX.getNumberOfElements();
        String top = name.getElement(first, Form.UNIFORM);
        return switch (top) {
            case "config", "defaultdatasource" -> size == first + 1 ? null : unknown(name, first + 1, List.of());
            case "broadcasttables" -> size == first + 1 || (size == first + 2 && name.isNumericIndex(first + 1))
                    ? null : unknown(name, first + 1, List.of());
            case "slots" -> size == first + 2 || (size == first + 3 && name.isNumericIndex(first + 2))
                    ? null : malformed(name, "spring.shard.slots.<data source>=<slot ranges>");
            case "settings" -> size == first + 2 ? known(name, first + 1, SETTINGS) : unknown(name, first + 1, SETTINGS);
            case "tables" -> table(name, first + 2);
            case "datasources" -> size >= first + 3 ? poolKey(name, first + 2) : null;
            default -> unknown(name, first, TOP);
        };
    }

    /** spring.shard.tables.&lt;table&gt;.*: the rule's keys start at {@code at}. */
    private static String table(ConfigurationPropertyName name, int at) {
        int size = name.getNumberOfElements();
        if (size <= at) {
            return malformed(name, "spring.shard.tables.<table>.sharding-column=<column>");
        }
        if (!name.getElement(at, Form.UNIFORM).equals("keygenerator")) {
            return size == at + 1 ? known(name, at, TABLE) : unknown(name, at, TABLE);
        }
        return size == at + 2 ? known(name, at + 1, KEY_GENERATOR) : unknown(name, at + 1, KEY_GENERATOR);
    }

    /**
     * spring.shard.data-sources.&lt;name&gt;.*: a HikariCP property, weight, or data-source.* for the driver; or
     * replicas[i].* with the same keys for a replica (which ShardConfig refuses a weight).
     */
    private static String poolKey(ConfigurationPropertyName name, int at) {
        String first = name.getElement(at, Form.UNIFORM);
        if (first.equals("replicas") && name.getNumberOfElements() > at + 2 && name.isNumericIndex(at + 1)) {
            return poolKey(name, at + 2);
        }
        if (first.equals(uniform(DRIVER_PREFIX)) && name.getNumberOfElements() > at + 1) {
            return null;
        }
        if (name.getNumberOfElements() == at + 1 && (first.equals(WEIGHT) || HIKARI.containsKey(first))) {
            return null;
        }
        List<String> expected = new ArrayList<>(HIKARI.values());
        expected.add(WEIGHT);
        String guess = closest(first, expected);
        return "unknown pool setting '" + written(name) + "' (not a HikariCP property, weight or data-source.*)"
                + (guess == null ? "" : "; did you mean '" + kebab(guess) + "'?");
    }

    private static String known(ConfigurationPropertyName name, int at, List<String> expected) {
        return expected.stream().map(ShardPropertyKeys::uniform).anyMatch(name.getElement(at, Form.UNIFORM)::equals)
                ? null : unknown(name, at, expected);
    }

    private static String malformed(ConfigurationPropertyName name, String shape) {
        return "unknown key '" + written(name) + "' (expected " + shape + ")";
    }

    /** The element at {@code at} is not one of {@code expected} (empty: nothing may follow the element before). */
    private static String unknown(ConfigurationPropertyName name, int at, List<String> expected) {
        StringBuilder message = new StringBuilder("unknown key '").append(written(name)).append("'");
        if (expected.isEmpty()) {
            return message.append(" ('").append(written(name, at)).append("' takes a value, not keys below it)")
                    .toString();
        }
        message.append(": '").append(name.getElement(at, Form.ORIGINAL)).append("' is not one of ")
                .append(String.join(", ", expected));
        String guess = closest(name.getElement(at, Form.UNIFORM), expected);
        if (guess != null) {
            message.append("; did you mean '").append(written(name, at)).append('.').append(guess).append("'?");
        }
        return message.toString();
    }

    /** The candidate nearest to {@code key} if near enough to be a likely typo, else null; compared uniformly. */
    static String closest(String key, Collection<String> candidates) {
        String wanted = uniform(key);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(wanted, uniform(candidate));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, wanted.length() / 3) ? best : null;
    }

    /** Levenshtein distance, two rows at a time. */
    private static int editDistance(String a, String b) {
        int[] above = new int[b.length() + 1];
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            above[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = above[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                row[j] = Math.min(substitution, Math.min(row[j - 1], above[j]) + 1);
            }
            int[] swap = above;
            above = row;
            row = swap;
        }
        return above[b.length()];
    }

    /**
     * The placeholders in {@code raw} that have no default and resolve to nothing, as {@code ${NAME}}, or null when
     * all resolve. Nested or otherwise unusual placeholders the pattern does not take apart are left to Spring:
     * if it cannot resolve the whole value, the value is reported without naming the placeholder.
     */
    private static String unresolvedPlaceholders(String raw, Environment environment) {
        try {
            environment.resolveRequiredPlaceholders(raw);
            return null;
        } catch (IllegalArgumentException unresolvable) {
            List<String> missing = new ArrayList<>();
            Matcher m = PLACEHOLDER.matcher(raw);
            while (m.find()) {
                if (m.group(2) == null && !resolves(m.group(1).strip(), environment)) {
                    missing.add("${" + m.group(1).strip() + "}");
                }
            }
            return missing.isEmpty() ? "a placeholder" : String.join(", ", missing);
        }
    }

    private static boolean resolves(String key, Environment environment) {
        try {
            return environment.getProperty(key) != null;
        } catch (IllegalArgumentException nestedUnresolvable) {
            return false;
        }
    }

    private static String origin(ConfigurationProperty property) {
        return property.getOrigin() == null ? "" : " [" + property.getOrigin() + "]";
    }

    /**
     * The key as written, so far as Spring keeps it: ConfigurationPropertyName's own toString drops the underscore of
     * t_order.
     */
    private static String written(ConfigurationPropertyName name, int elements) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < elements; i++) {
            String element = name.getElement(i, Form.ORIGINAL);
            if (name.isNumericIndex(i)) {
                out.append('[').append(element).append(']');
            } else {
                out.append(out.isEmpty() ? "" : ".").append(element);
            }
        }
        return out.toString();
    }

    private static String written(ConfigurationPropertyName name) {
        return written(name, name.getNumberOfElements());
    }

    private static String uniform(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    private static String kebab(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * HikariConfig's settable properties, found the way HikariCP itself finds them from a Properties object: one
     * public setter per name. Read from the HikariCP on the class path, so a newer HikariCP's properties are known.
     */
    private static Map<String, String> hikariProperties() {
        Map<String, String> byUniform = new LinkedHashMap<>();
        for (Method method : HikariConfig.class.getMethods()) {
            String name = method.getName();
            if (name.length() > 3 && name.startsWith("set") && method.getParameterCount() == 1
                    && !Modifier.isStatic(method.getModifiers())) {
                String property = Character.toLowerCase(name.charAt(3)) + name.substring(4);
                byUniform.putIfAbsent(uniform(property), property);
            }
        }
        return byUniform;
    }
}
