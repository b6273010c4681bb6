package dev.shard.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static dev.shard.core.config.ShardConfigValidationTest.builderError;
import static dev.shard.core.config.ShardConfigValidationTest.error;
import static dev.shard.core.config.ShardConfigValidationTest.validBuilder;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code tables.<t>.keyGenerator}, {@code settings.workerId} and {@code settings.maxClockBackwardMillis}. */
class KeyGeneratorConfigTest {

    /** Three lines; "tables:" follows on line 4. */
    private static final String DS = """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a" }
              ds1: { jdbcUrl: "jdbc:h2:mem:b" }
            """;

    private static ShardConfig load(String yaml) {
        return load(yaml, Map.of());
    }

    private static ShardConfig load(String yaml, Map<String, String> env) {
        return ShardConfig.fromYaml(yaml, "shard.yaml", env::get);
    }

    /** A t_order table whose keyGenerator mapping is {@code keyGenerator}, on line 7 at column 5. */
    private static String orderTable(String keyGenerator) {
        return DS + "tables:\n  t_order:\n    shardingColumn: user_id\n    keyGenerator: " + keyGenerator + "\n";
    }

    // ---- loading -------------------------------------------------------------------------------------------------------

    @Test
    void loadsKeyGeneratorsOfBothTypes() {
        ShardConfig config = load(DS + """
                tables:
                  t_order:
                    shardingColumn: user_id
                    keyGenerator: { column: order_id, type: snowflake }
                  t_session:
                    shardingColumn: session_id
                    keyGenerator:
                      column: '`Session_ID`'
                      type: " UUID "
                  t_plain:
                    shardingColumn: user_id
                """);
        assertThat(config.tableRule("t_order").keyGenerator())
                .isEqualTo(new KeyGeneratorRule("order_id", KeyGeneratorRule.Type.SNOWFLAKE));
        // The key may be the sharding column: it is generated before routing.
        assertThat(config.tableRule("t_session")).isEqualTo(new TableRule("t_session", "session_id",
                TableRule.CONSISTENT_HASH, new KeyGeneratorRule("session_id", KeyGeneratorRule.Type.UUID)));
        assertThat(config.tableRule("t_plain").keyGenerator()).isNull();
        assertThat(config.tables()).containsOnlyKeys("t_order", "t_session", "t_plain");
        assertThat(config.tables().keySet()).containsExactly("t_order", "t_session", "t_plain");
    }

    @Test
    void keyGeneratorWithoutValueIsAbsent() {
        assertThat(load(orderTable("")).tableRule("t_order").keyGenerator()).isNull();
        assertThat(load(orderTable("~")).tableRule("t_order").keyGenerator()).isNull();
    }

    @Test
    void keyGeneratorTypesAndTheirConfigNames() {
        assertThat(KeyGeneratorRule.Type.configNames()).containsExactly("snowflake", "uuid");
        assertThat(KeyGeneratorRule.Type.fromConfigName("SnowFlake")).isEqualTo(KeyGeneratorRule.Type.SNOWFLAKE);
        assertThat(KeyGeneratorRule.Type.fromConfigName("uuid4")).isNull();
        assertThat(KeyGeneratorRule.Type.fromConfigName(null)).isNull();
    }

    @Test
    void builderAndYamlAgree() {
        ShardConfig fromYaml = load(DS + """
                tables:
                  t_order: { shardingColumn: user_id, keyGenerator: { column: order_id, type: snowflake } }
                  t_item: { shardingColumn: user_id, keyGenerator: { column: item_id, type: uuid } }
                settings:
                  workerId: 7
                  maxClockBackwardMillis: 250
                """);
        ShardConfig built = ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a"))
                .dataSource("ds1", Map.of("jdbcUrl", "jdbc:h2:mem:b"))
                .shardedTable("t_order", "user_id")
                .shardedTable("T_ITEM", "user_id")
                .keyGenerator("`T_Item`", "Item_Id", "UUID")   // any order, case and quoting
                .keyGenerator("t_order", "order_id", "snowflake")
                .workerId(7)
                .maxClockBackwardMillis(250)
                .build();
        assertThat(built).isEqualTo(fromYaml).hasSameHashCodeAs(fromYaml);
        assertThat(built.tables().keySet()).containsExactly("t_order", "t_item");
        assertThat(built.toString()).isEqualTo(fromYaml.toString())
                .contains("keyGenerator=KeyGeneratorRule[column=order_id, type=SNOWFLAKE]", "workerId=7");

        ShardConfig otherType = ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a"))
                .dataSource("ds1", Map.of("jdbcUrl", "jdbc:h2:mem:b"))
                .shardedTable("t_order", "user_id")
                .shardedTable("t_item", "user_id")
                .keyGenerator("t_item", "item_id", "snowflake")
                .keyGenerator("t_order", "order_id", "snowflake")
                .workerId(7)
                .maxClockBackwardMillis(250)
                .build();
        assertThat(otherType).isNotEqualTo(fromYaml);
    }

    @Test
    void settingsDefaultsAndValues() {
        Settings defaults = load(DS).settings();
        assertThat(defaults.workerId()).isZero();
        assertThat(defaults.maxClockBackwardMillis()).isEqualTo(1000);
        assertThat(defaults).isEqualTo(Settings.defaults());

        Settings settings = load(DS + "settings:\n  workerId: 1023\n  maxClockBackwardMillis: 0\n").settings();
        assertThat(settings).isEqualTo(new Settings(10_000, 2_000, 1023, 0, 100));
        assertThat(load(DS + "settings:\n  workerId: 3\n")).isNotEqualTo(load(DS + "settings:\n  workerId: 4\n"));
    }

    @Test
    void workerIdMayComeFromTheEnvironment() {
        String yaml = DS + "settings:\n  workerId: ${SHARD_WORKER_ID}\n";
        assertThat(load(yaml, Map.of("SHARD_WORKER_ID", "12")).settings().workerId()).isEqualTo(12);
        assertThat(load(DS + "settings:\n  workerId: ${SHARD_WORKER_ID:5}\n").settings().workerId()).isEqualTo(5);
        assertThat(error(yaml)).isEqualTo("shard.yaml: environment variable 'SHARD_WORKER_ID' is not set (used in"
                + " settings.workerId); set it, or give a default with ${SHARD_WORKER_ID:default}");
        assertThat(error(yaml, Map.of("SHARD_WORKER_ID", "web-3"))).isEqualTo(
                "shard.yaml: 'settings.workerId' must be a whole number, got 'web-3' (line 5, column 13)");
        assertThat(error(yaml, Map.of("SHARD_WORKER_ID", "1024")))
                .isEqualTo("shard.yaml: settings.workerId must be between 0 and 1023, got 1024");
    }

    // ---- errors: keyGenerator ----------------------------------------------------------------------------------------

    @Test
    void unknownKeyInsideKeyGenerator() {
        assertThat(error(orderTable("{ colum: order_id, type: snowflake }"))).isEqualTo(
                "shard.yaml: unknown key 'colum' in tables.t_order.keyGenerator; expected one of column, type;"
                        + " did you mean 'column'? (line 7, column 21)");
        assertThat(error(orderTable("{ column: order_id, type: snowflake, start: 1000 }"))).isEqualTo(
                "shard.yaml: unknown key 'start' in tables.t_order.keyGenerator; expected one of column, type"
                        + " (line 7, column 56)");
    }

    @Test
    void misspeltKeyGeneratorKeyInATable() {
        assertThat(error(DS + "tables:\n  t_order:\n    shardingColumn: user_id\n    keygenerator: {}\n")).isEqualTo(
                "shard.yaml: unknown key 'keygenerator' in tables.t_order; expected one of shardingColumn, algorithm,"
                        + " keyGenerator; did you mean 'keyGenerator'? (line 7, column 5)");
    }

    @Test
    void missingColumn() {
        String expected = "shard.yaml: table 't_order' has no keyGenerator.column";
        assertThat(error(orderTable("{ type: snowflake }"))).isEqualTo(expected);
        assertThat(error(orderTable("{}"))).isEqualTo(expected);
        assertThat(error(orderTable("{ column: , type: uuid }"))).isEqualTo(expected);
        assertThat(builderError(validBuilder().shardedTable("t_order", "user_id")
                .keyGenerator("t_order", null, "uuid")))
                .isEqualTo("ShardConfig.builder(): table 't_order' has no keyGenerator.column");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\" \"", "'``'", "'\"\"'"})
    void emptyColumn(String column) {
        assertThat(error(orderTable("{ column: " + column + ", type: snowflake }")))
                .isEqualTo("shard.yaml: table 't_order' has an empty keyGenerator.column");
    }

    @Test
    void builderEmptyColumn() {
        assertThat(builderError(validBuilder().shardedTable("t_order", "user_id")
                .keyGenerator("t_order", "  ", "snowflake")))
                .isEqualTo("ShardConfig.builder(): table 't_order' has an empty keyGenerator.column");
    }

    @Test
    void unknownType() {
        assertThat(error(orderTable("{ column: order_id, type: auto_increment }"))).isEqualTo(
                "shard.yaml: table 't_order' has unknown keyGenerator.type 'auto_increment'; accepted: snowflake, uuid");
        assertThat(builderError(validBuilder().shardedTable("t_order", "user_id")
                .keyGenerator("t_order", "order_id", "uuid4")))
                .isEqualTo("ShardConfig.builder(): table 't_order' has unknown keyGenerator.type 'uuid4';"
                        + " accepted: snowflake, uuid");
    }

    @Test
    void missingType() {
        String expected = "shard.yaml: table 't_order' has no keyGenerator.type; accepted: snowflake, uuid";
        assertThat(error(orderTable("{ column: order_id }"))).isEqualTo(expected);
        assertThat(error(orderTable("{ column: order_id, type: \"\" }"))).isEqualTo(expected);
        assertThat(builderError(validBuilder().shardedTable("t_order", "user_id")
                .keyGenerator("t_order", "order_id", null)))
                .isEqualTo("ShardConfig.builder(): table 't_order' has no keyGenerator.type; accepted: snowflake, uuid");
    }

    @Test
    void wrongShapes() {
        assertThat(error(orderTable("order_id"))).isEqualTo("shard.yaml: 'tables.t_order.keyGenerator' must be a"
                + " mapping with column and type, but is a single value (line 7, column 19)");
        assertThat(error(orderTable("[order_id, snowflake]")))
                .contains("'tables.t_order.keyGenerator' must be a mapping with column and type, but is a list");
        assertThat(error(orderTable("{ column: [a, b], type: uuid }")))
                .contains("'tables.t_order.keyGenerator.column' must be a single value, but is a list");
        assertThat(error(orderTable("{ column: a, type: { name: uuid } }")))
                .contains("'tables.t_order.keyGenerator.type' must be a single value, but is a mapping");
        assertThat(error(orderTable("{ column: a, column: b }")))
                .contains("duplicate key 'column' in 'tables.t_order.keyGenerator'");
    }

    @Test
    void aKeyGeneratorDoesNotExcuseAMissingShardingColumn() {
        assertThat(error(DS + "tables:\n  t_order:\n    keyGenerator: { column: order_id, type: snowflake }\n"))
                .isEqualTo("shard.yaml: table 't_order' has no shardingColumn");
    }

    @Test
    void keyGeneratorOnABroadcastTable() {
        // In YAML a broadcast table has no place for a keyGenerator; listing it under 'tables' too is refused first.
        assertThat(error(orderTable("{ column: order_id, type: snowflake }") + "broadcastTables: [t_order]\n"))
                .isEqualTo("shard.yaml: table 't_order' is both sharded (under 'tables') and broadcast"
                        + " (under 'broadcastTables'); a table must be one or the other");
        assertThat(builderError(validBuilder().broadcastTables("t_region").keyGenerator("T_REGION", "id", "uuid")))
                .isEqualTo("ShardConfig.builder(): table 't_region' is a broadcast table; a keyGenerator needs a"
                        + " sharded table (under 'tables')");
    }

    @Test
    void keyGeneratorOnATableThatIsNotSharded() {
        assertThat(builderError(validBuilder().shardedTable("t_order", "user_id").shardedTable("t_item", "user_id")
                .keyGenerator("t_ordr", "order_id", "snowflake")))
                .isEqualTo("ShardConfig.builder(): keyGenerator given for table 't_ordr', which is not a sharded table"
                        + " (under 'tables'); sharded tables: t_order, t_item");
        assertThat(builderError(validBuilder().keyGenerator("t_order", "order_id", "snowflake")))
                .isEqualTo("ShardConfig.builder(): keyGenerator given for table 't_order', which is not a sharded"
                        + " table (under 'tables'); sharded tables: none");
        assertThat(builderError(validBuilder().keyGenerator(null, "order_id", "snowflake")))
                .isEqualTo("ShardConfig.builder(): a keyGenerator is given for a table with an empty name");
    }

    @Test
    void twoKeyGeneratorsForOneTable() {
        assertThat(builderError(validBuilder().shardedTable("t_order", "user_id")
                .keyGenerator("t_order", "order_id", "snowflake").keyGenerator("`T_ORDER`", "id", "uuid")))
                .isEqualTo("ShardConfig.builder(): table 't_order' has more than one keyGenerator");
    }

    // ---- errors: settings --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1024", "99999999999"})
    void workerIdOutOfRange(String workerId) {
        assertThat(error(DS + "settings:\n  workerId: " + workerId + "\n"))
                .isEqualTo("shard.yaml: settings.workerId must be between 0 and 1023, got " + workerId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.5", "seven", "1e3", "true", "0x10"})
    void workerIdMustBeAWholeNumber(String workerId) {
        assertThat(error(DS + "settings:\n  workerId: " + workerId + "\n"))
                .isEqualTo("shard.yaml: 'settings.workerId' must be a whole number, got '" + workerId
                        + "' (line 5, column 13)");
    }

    @Test
    void workerIdErrorsFromTheBuilder() {
        assertThat(builderError(validBuilder().workerId(1024)))
                .isEqualTo("ShardConfig.builder(): settings.workerId must be between 0 and 1023, got 1024");
        assertThat(builderError(validBuilder().workerId(-3)))
                .isEqualTo("ShardConfig.builder(): settings.workerId must be between 0 and 1023, got -3");
        assertThat(error(DS + "settings:\n  workerId:\n")).contains("'settings.workerId' has no value");
    }

    @Test
    void maxClockBackwardMillisMustNotBeNegative() {
        assertThat(error(DS + "settings:\n  maxClockBackwardMillis: -1\n"))
                .isEqualTo("shard.yaml: settings.maxClockBackwardMillis must be 0 (never wait) or more, got -1");
        assertThat(error(DS + "settings:\n  maxClockBackwardMillis: 1s\n")).isEqualTo(
                "shard.yaml: 'settings.maxClockBackwardMillis' must be a whole number, got '1s' (line 5, column 27)");
        assertThat(builderError(validBuilder().maxClockBackwardMillis(-5)))
                .isEqualTo("ShardConfig.builder(): settings.maxClockBackwardMillis must be 0 (never wait) or more,"
                        + " got -5");
    }
}
