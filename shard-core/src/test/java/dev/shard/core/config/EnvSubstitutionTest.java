package dev.shard.core.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static dev.shard.core.config.ShardConfigValidationTest.error;
import static org.assertj.core.api.Assertions.assertThat;

class EnvSubstitutionTest {

    private static String substitute(String value, Map<String, String> env) {
        return EnvSubstitution.substitute(value, env::get, "shard.yaml", "some.key");
    }

    @Test
    void replacesWholeValuesAndPartsOfValues() {
        Map<String, String> env = Map.of("HOST", "db1", "PORT", "3307", "PW", "p");
        assertThat(substitute("${PW}", env)).isEqualTo("p");
        assertThat(substitute("jdbc:mysql://${HOST}:${PORT}/db", env)).isEqualTo("jdbc:mysql://db1:3307/db");
        assertThat(substitute("no variables, $ and $$ and {} stay", env)).isEqualTo("no variables, $ and $$ and {} stay");
        assertThat(substitute("", env)).isEmpty();
        assertThat(substitute(null, env)).isNull();
    }

    @Test
    void defaultsApplyOnlyWhenUnset() {
        Map<String, String> env = Map.of("SET", "value", "EMPTY", "");
        assertThat(substitute("${SET:other}", env)).isEqualTo("value");
        assertThat(substitute("${UNSET:fallback}", env)).isEqualTo("fallback");
        assertThat(substitute("${UNSET:}", env)).isEmpty();
        assertThat(substitute("${UNSET:jdbc:h2:mem:x}", env)).isEqualTo("jdbc:h2:mem:x");
        // Set to the empty string is set: the default is for absent variables.
        assertThat(substitute("${EMPTY:fallback}", env)).isEmpty();
    }

    @Test
    void doubleDollarEscapesALiteral() {
        assertThat(substitute("$${HOST}", Map.of("HOST", "x"))).isEqualTo("${HOST}");
        assertThat(substitute("a$${b}${HOST}", Map.of("HOST", "x"))).isEqualTo("a${b}x");
    }

    @Test
    void resolvedValuesAreNotSubstitutedAgain() {
        assertThat(substitute("${A}", Map.of("A", "${B}", "B", "no"))).isEqualTo("${B}");
    }

    @Test
    void unsetVariableNamesTheVariableAndTheKey() {
        assertThat(error("""
                dataSources:
                  ds0: { jdbcUrl: "jdbc:h2:mem:a" }
                  ds1: { jdbcUrl: "jdbc:h2:mem:b", password: "${DB_PASSWORD}" }
                """)).isEqualTo("shard.yaml: environment variable 'DB_PASSWORD' is not set (used in"
                + " dataSources.ds1.password); set it, or give a default with ${DB_PASSWORD:default}");
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: \"jdbc:mysql://${HOST}:3306/db\" }\n"))
                .contains("environment variable 'HOST' is not set (used in dataSources.ds0.jdbcUrl)");
    }

    @Test
    void malformedReferences() {
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: \"jdbc:h2:${X\" }\n")).isEqualTo("shard.yaml: unterminated"
                + " '${' in the value of dataSources.ds0.jdbcUrl; close it with '}' or write '$${' for a literal '${'");
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: \"${:x}\" }\n"))
                .isEqualTo("shard.yaml: empty variable name in '${...}' in the value of dataSources.ds0.jdbcUrl");
    }

    @Test
    void appliesToEveryValueButNotToKeys() {
        Map<String, String> env = new HashMap<>(Map.of("URL", "jdbc:h2:mem:a", "DS", "ds0", "COL", "user_id",
                "T", "t_region", "N", "42", "W", "3", "R", "0-65535"));
        Function<String, String> strict = name -> {
            String v = env.get(name);
            if (v == null) {
                throw new AssertionError("unexpected lookup of " + name);
            }
            return v;
        };
        ShardConfig config = ShardConfig.fromYaml("""
                dataSources:
                  ds0: { jdbcUrl: "${URL}", weight: "${W}" }
                  "${KEY}": { jdbcUrl: "${URL}" }
                defaultDataSource: ${DS}
                tables:
                  t_order: { shardingColumn: "${COL}" }
                broadcastTables: ["${T}"]
                settings:
                  parseCacheSize: ${N}
                """, "shard.yaml", strict);
        assertThat(config.dataSources()).extracting(DataSourceConfig::name).containsExactly("ds0", "${KEY}");
        assertThat(config.dataSource("ds0").jdbcUrl()).isEqualTo("jdbc:h2:mem:a");
        assertThat(config.dataSource("ds0").weight()).isEqualTo(3.0);
        assertThat(config.defaultDataSource()).isEqualTo("ds0");
        assertThat(config.tableRule("t_order").shardingColumn()).isEqualTo("user_id");
        assertThat(config.isBroadcast("t_region")).isTrue();
        assertThat(config.settings().parseCacheSize()).isEqualTo(42);
    }
}
