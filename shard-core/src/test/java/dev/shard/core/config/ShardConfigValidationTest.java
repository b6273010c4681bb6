package dev.shard.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up errors: each must be a ShardConfigException whose message names the source and the offending key, table or
 * data source. None of these needs SlotMap to work.
 */
class ShardConfigValidationTest {

    private static final String DS = """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a" }
              ds1: { jdbcUrl: "jdbc:h2:mem:b" }
            """;

    static String error(String yaml) {
        return error(yaml, Map.of());
    }

    static String error(String yaml, Map<String, String> env) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> ShardConfig.fromYaml(yaml, "shard.yaml", env::get));
        assertThat(thrown).isInstanceOf(ShardConfigException.class);
        assertThat(thrown.getMessage()).startsWith("shard.yaml");
        return thrown.getMessage();
    }

    static String builderError(ShardConfig.Builder builder) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(builder::build);
        assertThat(thrown).isInstanceOf(ShardConfigException.class);
        assertThat(thrown.getMessage()).startsWith("ShardConfig.builder(): ");
        return thrown.getMessage();
    }

    static ShardConfig.Builder validBuilder() {
        return ShardConfig.builder().dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a"));
    }

    // ---- unknown keys ----------------------------------------------------------------------------------------------

    @Test
    void unknownTopLevelKeySuggestsTheClosest() {
        assertThat(error(DS + "tabels:\n  t: { shardingColumn: c }\n")).isEqualTo(
                "shard.yaml: unknown key 'tabels' at top level; expected one of dataSources, defaultDataSource, tables,"
                        + " broadcastTables, slots, settings; did you mean 'tables'? (line 4, column 1)");
        assertThat(error("DataSources: {}\n")).contains("unknown key 'DataSources'", "did you mean 'dataSources'?");
    }

    @Test
    void unknownKeyFarFromAnyValidOneGetsNoSuggestion() {
        assertThat(error(DS + "frobnicate: 1\n"))
                .contains("unknown key 'frobnicate' at top level; expected one of dataSources,")
                .doesNotContain("did you mean");
    }

    @Test
    void unknownKeyInsideATable() {
        assertThat(error(DS + "tables:\n  t_order: { shardingColumns: user_id }\n")).isEqualTo(
                "shard.yaml: unknown key 'shardingColumns' in tables.t_order; expected one of shardingColumn, algorithm,"
                        + " keyGenerator; did you mean 'shardingColumn'? (line 5, column 14)");
    }

    @Test
    void unknownKeyInsideSettings() {
        assertThat(error(DS + "settings:\n  parseCacheSise: 10\n")).contains(
                "unknown key 'parseCacheSise' in settings; expected one of parseCacheSize, parseTimeoutMillis,"
                        + " workerId, maxClockBackwardMillis, sequentialScatterBelowMicros, storeSlotMap,"
                        + " metadataDataSource, slotMapPollMillis, metadataLeaseMillis, reshardWriteHoldMillis,"
                        + " maxReplicaLagMillis, replicaCheckMillis, readsFallBackToPrimary, readYourWrites,"
                        + " readYourWritesTimeoutMillis; did you mean 'parseCacheSize'?");
    }

    @Test
    void slotMapSettingsAreChecked() {
        assertThat(error(DS + "settings:\n  metadataDataSource: nope\n")).contains(
                "settings.metadataDataSource 'nope' is not a configured data source");
        assertThat(error(DS + "settings:\n  slotMapPollMillis: 0\n")).contains(
                "settings.slotMapPollMillis must be positive, got 0");
        assertThat(error(DS + "settings:\n  storeSlotMap: maybe\n")).contains(
                "'settings.storeSlotMap' must be true or false, got 'maybe'");
        assertThat(error(DS + "settings:\n  slotMapPollMillis: 3000\n  metadataLeaseMillis: 5000\n")).contains(
                "settings.metadataLeaseMillis must be more than twice settings.slotMapPollMillis (3000)");
        assertThat(error(DS + "settings:\n  reshardWriteHoldMillis: 0\n")).contains(
                "settings.reshardWriteHoldMillis must be positive, got 0");
    }

    @Test
    void theLeaseIsTenPollsAndAtLeastFiveSeconds() {
        assertThat(ShardConfig.builder().dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:x")).build()
                .settings()).extracting(Settings::storeSlotMap, Settings::metadataLeaseMillis,
                Settings::reshardWriteHoldMillis).containsExactly(true, 10_000L, 10_000L);
        assertThat(ShardConfig.builder().dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:x"))
                .slotMapPollMillis(100).build().settings().metadataLeaseMillis()).isEqualTo(5_000);
    }

    @Test
    void anyKeyIsAcceptedInsideADataSource() {
        ShardConfig config = ShardConfig.fromYaml("""
                dataSources:
                  ds0: { jdbcUrl: "jdbc:h2:mem:a", notAHikariProperty: x }
                """, "shard.yaml", k -> null);
        assertThat(config.dataSource("ds0").poolProperties()).containsEntry("notAHikariProperty", "x");
    }

    // ---- data sources ------------------------------------------------------------------------------------------------

    @Test
    void noDataSources() {
        String expected = "shard.yaml: no data sources configured; define at least one under 'dataSources'";
        assertThat(error("tables: {}\n")).isEqualTo(expected);
        assertThat(error("dataSources:\n")).isEqualTo(expected);
        assertThat(error("dataSources: {}\n")).isEqualTo(expected);
        assertThat(builderError(ShardConfig.builder()))
                .isEqualTo("ShardConfig.builder(): no data sources configured; define at least one under 'dataSources'");
    }

    @Test
    void emptyDocument() {
        assertThat(error("")).isEqualTo("shard.yaml: the configuration is empty; expected at least 'dataSources'");
        assertThat(error("# only a comment\n")).contains("the configuration is empty");
        assertThat(error("~\n")).contains("the configuration is empty");
    }

    @Test
    void unknownDefaultDataSource() {
        assertThat(error(DS + "defaultDataSource: ds9\n")).isEqualTo(
                "shard.yaml: defaultDataSource 'ds9' is not a configured data source; known data sources: ds0, ds1");
        assertThat(builderError(validBuilder().defaultDataSource("DS0")))
                .contains("defaultDataSource 'DS0' is not a configured data source; known data sources: ds0");
    }

    @Test
    void unknownDataSourceInSlots() {
        assertThat(error(DS + "slots:\n  ds0: [\"0-131071\"]\n  ds9: [\"131072-262143\"]\n")).isEqualTo(
                "shard.yaml: slots name data source 'ds9', which is not configured; known data sources: ds0, ds1");
        assertThat(builderError(validBuilder().slots("nope", "0-262143")))
                .contains("slots name data source 'nope', which is not configured; known data sources: ds0");
    }

    @Test
    void emptySlotsMapping() {
        assertThat(error(DS + "slots: {}\n")).isEqualTo("shard.yaml: 'slots' is empty; assign every slot (0-262143)"
                + " to a data source, or remove 'slots' to use consistent hashing");
    }

    @Test
    void duplicateDataSource() {
        assertThat(builderError(validBuilder().dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:b"))))
                .contains("data source 'ds0' is defined more than once");
        assertThat(error(DS + "  ds0: { jdbcUrl: \"jdbc:h2:mem:c\" }\n"))
                .isEqualTo("shard.yaml: duplicate key 'ds0' in 'dataSources' (line 4, column 3)");
        assertThat(builderError(ShardConfig.builder().dataSource(" ", Map.of("jdbcUrl", "jdbc:h2:mem:b"))))
                .contains("a data source has an empty name");
    }

    @Test
    void missingJdbcUrl() {
        assertThat(error("dataSources:\n  ds0: { username: root }\n"))
                .isEqualTo("shard.yaml: data source 'ds0' has no jdbcUrl (and no dataSourceClassName)");
        assertThat(error("dataSources:\n  ds0:\n"))
                .isEqualTo("shard.yaml: data source 'ds0' has no jdbcUrl (and no dataSourceClassName)");
        assertThat(error("dataSources:\n  ds0: { url: \"jdbc:h2:mem:a\" }\n"))
                .contains("data source 'ds0' has no jdbcUrl", "found 'url', but the property is spelt 'jdbcUrl'");
        assertThat(error("dataSources:\n  ds0: { dataSourceClassName: \"\" }\n"))
                .contains("data source 'ds0' has no jdbcUrl (and no dataSourceClassName)");
    }

    @Test
    void emptyJdbcUrl() {
        assertThat(error("dataSources:\n  ds1: { jdbcUrl: \"\" }\n"))
                .isEqualTo("shard.yaml: data source 'ds1' has an empty jdbcUrl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql://127.0.0.1:3306/shard0", "jdbc:mysql", "jdbc:mysql:", "jdbc::x", "jdbc:1db:x",
            " jdbc:h2:mem:a", "jdbc:h2:mem:a ", "JDBC-mysql://x"})
    void malformedJdbcUrl(String url) {
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: \"" + url + "\" }\n")).isEqualTo("shard.yaml: data source"
                + " 'ds0' has a malformed jdbcUrl '" + url + "'; expected jdbc:<subprotocol>:<rest>,"
                + " e.g. jdbc:mysql://127.0.0.1:3306/shard0");
    }

    @Test
    void malformedJdbcUrlIsShownWithCredentialsMasked() {
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: \"mysql://root:pw@db/s?user=root&password=pw\" }\n"))
                .contains("data source 'ds0' has a malformed jdbcUrl 'mysql://root:****@db/s?user=root&password=****'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "two", ".inf", "NaN", "Infinity", "1d", "0x10", "\"\""})
    void weightMustBeAPositiveNumber(String weight) {
        String shown = weight.equals("\"\"") ? "" : weight;
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: \"jdbc:h2:mem:a\", weight: " + weight + " }\n"))
                .isEqualTo("shard.yaml: data source 'ds0': weight must be a positive number, or 0 to drain it, got '"
                        + shown + "'");
    }

    @Test
    void builderWeightIsValidatedToo() {
        assertThat(builderError(ShardConfig.builder().dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a"), -1)))
                .contains("data source 'ds0': weight must be a positive number, or 0 to drain it, got '-1.0'");
        assertThat(builderError(ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a"), Double.POSITIVE_INFINITY)))
                .contains("weight must be a positive number");
        assertThat(builderError(ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a", "weight", "2"), 2)))
                .contains("data source 'ds0': weight is given both as a pool property and as an argument");
    }

    @Test
    void nullPropertyValues() {
        assertThat(error("dataSources:\n  ds0:\n    jdbcUrl: jdbc:h2:mem:a\n    password:\n")).isEqualTo(
                "shard.yaml: 'dataSources.ds0.password' has no value; write \"\" for an empty string (line 4, column 14)");
        Map<String, String> props = new HashMap<>();
        props.put("jdbcUrl", "jdbc:h2:mem:a");
        props.put("password", null);
        assertThat(builderError(ShardConfig.builder().dataSource("ds0", props)))
                .contains("data source 'ds0': property 'password' has no value");
        props.remove("password");
        props.put(null, "x");
        assertThat(builderError(ShardConfig.builder().dataSource("ds0", props)))
                .contains("data source 'ds0' has a property with an empty name");
    }

    // ---- tables --------------------------------------------------------------------------------------------------------

    @Test
    void tableWithoutShardingColumn() {
        assertThat(error(DS + "tables:\n  t_order: {}\n"))
                .isEqualTo("shard.yaml: table 't_order' has no shardingColumn");
        assertThat(error(DS + "tables:\n  t_order:\n")).isEqualTo("shard.yaml: table 't_order' has no shardingColumn");
        assertThat(error(DS + "tables:\n  t_order: { algorithm: consistent-hash }\n"))
                .isEqualTo("shard.yaml: table 't_order' has no shardingColumn");
        assertThat(builderError(validBuilder().shardedTable("T_Order", null)))
                .isEqualTo("ShardConfig.builder(): table 't_order' has no shardingColumn");
    }

    @Test
    void tableWithEmptyShardingColumn() {
        assertThat(error(DS + "tables:\n  t_order: { shardingColumn: \"\" }\n"))
                .isEqualTo("shard.yaml: table 't_order' has an empty shardingColumn");
        assertThat(error(DS + "tables:\n  t_order: { shardingColumn: \" `` \" }\n"))
                .isEqualTo("shard.yaml: table 't_order' has an empty shardingColumn");
        assertThat(builderError(validBuilder().shardedTable("t_order", "  ")))
                .contains("table 't_order' has an empty shardingColumn");
    }

    @Test
    void emptyTableName() {
        assertThat(error(DS + "tables:\n  '\"\"': { shardingColumn: c }\n"))
                .isEqualTo("shard.yaml: a table under 'tables' has an empty name");
        assertThat(builderError(validBuilder().broadcastTables((String) null)))
                .contains("broadcastTables contains an empty table name");
    }

    @Test
    void unknownAlgorithmListsTheAcceptedOne() {
        assertThat(error(DS + "tables:\n  t_order: { shardingColumn: user_id, algorithm: mod }\n"))
                .isEqualTo("shard.yaml: table 't_order' has unknown algorithm 'mod'; accepted: consistent-hash");
        assertThat(builderError(validBuilder().shardedTable("t", "c", "range")))
                .contains("table 't' has unknown algorithm 'range'; accepted: consistent-hash");
    }

    @Test
    void tableConfiguredTwiceInDifferentCase() {
        assertThat(error(DS + "tables:\n  t_order: { shardingColumn: a }\n  T_ORDER: { shardingColumn: b }\n"))
                .isEqualTo("shard.yaml: table 't_order' is configured more than once under 'tables'"
                        + " (names compare case-insensitively)");
    }

    @Test
    void tableBothShardedAndBroadcast() {
        assertThat(error(DS + "tables:\n  t_order: { shardingColumn: user_id }\nbroadcastTables: [t_region, T_ORDER]\n"))
                .isEqualTo("shard.yaml: table 't_order' is both sharded (under 'tables') and broadcast"
                        + " (under 'broadcastTables'); a table must be one or the other");
        assertThat(builderError(validBuilder().shardedTable("`t_x`", "id").broadcastTables("t_X")))
                .contains("table 't_x' is both sharded");
    }

    // ---- settings ------------------------------------------------------------------------------------------------------

    @Test
    void settingsRanges() {
        assertThat(error(DS + "settings:\n  parseCacheSize: -1\n"))
                .isEqualTo("shard.yaml: settings.parseCacheSize must be 0 (no cache) or more, got -1");
        assertThat(error(DS + "settings:\n  parseTimeoutMillis: 0\n"))
                .isEqualTo("shard.yaml: settings.parseTimeoutMillis must be positive, got 0");
        assertThat(error(DS + "settings:\n  parseCacheSize: lots\n"))
                .isEqualTo("shard.yaml: 'settings.parseCacheSize' must be a whole number, got 'lots' (line 5, column 19)");
        assertThat(error(DS + "settings:\n  parseCacheSize: 1.5\n")).contains("must be a whole number, got '1.5'");
        assertThat(error(DS + "settings:\n  parseCacheSize: 99999999999\n"))
                .contains("'settings.parseCacheSize' is out of range, got 99999999999");
        assertThat(error(DS + "settings:\n  parseCacheSize:\n")).contains("'settings.parseCacheSize' has no value");
        assertThat(builderError(validBuilder().parseTimeoutMillis(-5)))
                .contains("settings.parseTimeoutMillis must be positive, got -5");
        assertThat(error(DS + "settings:\n  sequentialScatterBelowMicros: -1\n")).isEqualTo(
                "shard.yaml: settings.sequentialScatterBelowMicros must be 0 (always parallel) or more, got -1");
        assertThat(builderError(validBuilder().sequentialScatterBelowMicros(-2)))
                .contains("settings.sequentialScatterBelowMicros must be 0 (always parallel) or more, got -2");
        assertThat(ShardConfig.fromYaml(DS + "settings:\n  sequentialScatterBelowMicros: 0\n", "shard.yaml", k -> null)
                .settings().sequentialScatterBelowMicros()).isZero();
        assertThat(ShardConfig.fromYaml(DS + "settings:\n  parseCacheSize: 0\n  parseTimeoutMillis: 1_000\n",
                "shard.yaml", k -> null).settings()).isEqualTo(new Settings(0, 1000));
    }

    // ---- YAML types ----------------------------------------------------------------------------------------------------

    @Test
    void wrongTypesGiveClearMessages() {
        assertThat(error("- a\n- b\n")).isEqualTo("shard.yaml: the top level must be a mapping, but is a list (line 1, column 1)");
        assertThat(error("just text\n")).contains("the top level must be a mapping, but is a single value");
        assertThat(error("dataSources: [ds0, ds1]\n")).isEqualTo("shard.yaml: 'dataSources' must be a mapping of data"
                + " source name to pool settings, but is a list (line 1, column 14)");
        assertThat(error("dataSources:\n  ds0: jdbc:h2:mem:a\n")).contains("'dataSources.ds0' must be a mapping of pool"
                + " properties (jdbcUrl, username, password, ...), but is a single value (line 2, column 8)");
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: [a, b] }\n"))
                .contains("'dataSources.ds0.jdbcUrl' must be a single value, but is a list");
        assertThat(error(DS + "tables: [t_order]\n"))
                .contains("'tables' must be a mapping of table name to its rule, but is a list");
        assertThat(error(DS + "tables:\n  t_order: [user_id]\n"))
                .contains("'tables.t_order' must be a mapping with shardingColumn, but is a list");
        assertThat(error(DS + "tables:\n  t_order: user_id\n"))
                .contains("'tables.t_order' must be a mapping with shardingColumn, but is a single value");
        assertThat(error(DS + "tables:\n  t_order: { shardingColumn: [a, b] }\n"))
                .contains("'tables.t_order.shardingColumn' must be a single value, but is a list");
        assertThat(error(DS + "broadcastTables: t_region\n"))
                .contains("'broadcastTables' must be a list of table names, but is a single value");
        assertThat(error(DS + "broadcastTables: [{a: b}]\n"))
                .contains("'broadcastTables[0]' must be a single value, but is a mapping");
        assertThat(error(DS + "broadcastTables: [t_region, ~]\n")).contains("'broadcastTables[1]' is empty");
        assertThat(error(DS + "defaultDataSource: [ds0]\n"))
                .contains("'defaultDataSource' must be a single value, but is a list");
        assertThat(error(DS + "slots: [\"0-262143\"]\n"))
                .contains("'slots' must be a mapping of data source name to a list of slot ranges, but is a list");
        assertThat(error(DS + "slots:\n  ds0: \"0-262143\"\n"))
                .contains("'slots.ds0' must be a list of slot ranges such as [\"0-131071\"], but is a single value");
        assertThat(error(DS + "settings: [1]\n")).contains("'settings' must be a mapping, but is a list");
        assertThat(error(DS + "settings:\n  parseCacheSize: { a: 1 }\n"))
                .contains("'settings.parseCacheSize' must be a single value, but is a mapping");
        assertThat(error("dataSources:\n  [a, b]: { jdbcUrl: x }\n"))
                .contains("keys in 'dataSources' must be names, but one is a list");
        assertThat(error("dataSources:\n  ~: { jdbcUrl: x }\n"))
                .contains("keys in 'dataSources' must be names, but one is empty");
    }

    @Test
    void tagsOtherThanPlainDataAreRefused() {
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: !!binary aGVsbG8= }\n"))
                .contains("'dataSources.ds0.jdbcUrl' has unsupported YAML tag tag:yaml.org,2002:binary");
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: !local x }\n")).contains("unsupported YAML tag !local");
        assertThat(error("dataSources: !!set { ds0 }\n")).contains("'dataSources' must be a mapping of data source"
                + " name to pool settings, but is a mapping tagged tag:yaml.org,2002:set");
        // SnakeYAML refuses global Java tags before any of our code sees them.
        assertThat(error("dataSources:\n  ds0: !!java.net.URL [\"http://x\"]\n")).contains("invalid YAML");
    }

    @Test
    void malformedYamlCarriesLineAndColumn() {
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: \"jdbc:h2:mem:a\"\n  ds1: {}\n"))
                .startsWith("shard.yaml: invalid YAML at line 3, column 3:")
                .contains("while parsing a flow mapping at line 2, column 8");
        assertThat(error("dataSources:\n\tds0: {}\n")).startsWith("shard.yaml: invalid YAML at line 2, column 1:");
        assertThat(error("a: b: c\n")).startsWith("shard.yaml: invalid YAML at line 1, column 5:")
                .contains("mapping values are not allowed here");
        assertThat(error("dataSources: {}\n---\ntables: {}\n")).startsWith("shard.yaml: invalid YAML at line 2");
    }

    @Test
    void duplicateKeys() {
        assertThat(error(DS + "tables: {}\ntables: {}\n"))
                .isEqualTo("shard.yaml: duplicate key 'tables' in the top level (line 5, column 1)");
        assertThat(error("dataSources:\n  ds0: { jdbcUrl: a, jdbcUrl: b }\n"))
                .contains("duplicate key 'jdbcUrl' in 'dataSources.ds0'");
        assertThat(error("dataSources:\n  ds0:\n    jdbcUrl: jdbc:h2:mem:a\n    dataSource.x: 1\n    dataSource: { x: 2 }\n"))
                .contains("'dataSources.ds0.dataSource.x' is given more than once");
    }

    @Test
    void recursiveAliasesAreBounded() {
        assertThat(error("dataSources:\n  ds0: &a { jdbcUrl: jdbc:h2:mem:a, nested: *a }\n"))
                .contains("'dataSources.ds0.nested.nested.nested.nested.nested.nested.nested.nested.nested'"
                        + " is nested too deeply");
    }
}
