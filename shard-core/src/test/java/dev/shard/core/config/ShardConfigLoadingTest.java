package dev.shard.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The happy paths: what a valid file turns into. Nothing here needs SlotMap to work. */
class ShardConfigLoadingTest {

    static final String EXAMPLE = """
            dataSources:
              ds0: { jdbcUrl: "jdbc:mysql://127.0.0.1:3306/shard0", username: root, password: "" }
              ds1: { jdbcUrl: "jdbc:mysql://127.0.0.1:3306/shard1", username: root, password: "${DB_PASSWORD}", weight: 2 }
            defaultDataSource: ds0
            tables:
              t_order:
                shardingColumn: user_id
                keyGenerator: { column: order_id, type: snowflake }
              t_order_item:
                shardingColumn: user_id
            broadcastTables: [t_region]
            settings:
              parseCacheSize: 500
              parseTimeoutMillis: 750
              workerId: 7
              maxClockBackwardMillis: 1000
              sequentialScatterBelowMicros: 250
            """;

    static ShardConfig load(String yaml, Map<String, String> env) {
        return ShardConfig.fromYaml(yaml, "shard.yaml", env::get);
    }

    static ShardConfig load(String yaml) {
        return load(yaml, Map.of());
    }

    @Test
    void loadsTheDocumentedExample() {
        ShardConfig config = load(EXAMPLE, Map.of("DB_PASSWORD", "pw1"));

        assertThat(config.dataSources()).extracting(DataSourceConfig::name).containsExactly("ds0", "ds1");
        DataSourceConfig ds1 = config.dataSource("ds1");
        assertThat(ds1.poolProperties()).containsExactly(
                entry("jdbcUrl", "jdbc:mysql://127.0.0.1:3306/shard1"),
                entry("username", "root"),
                entry("password", "pw1"));
        assertThat(ds1.weight()).isEqualTo(2.0);
        assertThat(ds1.jdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3306/shard1");
        assertThat(config.dataSource("ds0").weight()).isEqualTo(1.0);
        assertThat(config.dataSource("ds0").poolProperties()).containsEntry("password", "");
        assertThat(config.dataSource("ds9")).isNull();
        assertThat(config.dataSource(null)).isNull();

        assertThat(config.defaultDataSource()).isEqualTo("ds0");
        assertThat(config.tables()).containsOnlyKeys("t_order", "t_order_item");
        assertThat(config.tableRule("t_order")).isEqualTo(new TableRule("t_order", "user_id",
                TableRule.CONSISTENT_HASH, new KeyGeneratorRule("order_id", KeyGeneratorRule.Type.SNOWFLAKE)));
        assertThat(config.tableRule("t_order_item"))
                .isEqualTo(new TableRule("t_order_item", "user_id", TableRule.CONSISTENT_HASH));
        assertThat(config.tableRule("t_order_item").keyGenerator()).isNull();
        assertThat(config.broadcastTables()).containsExactly("t_region");
        assertThat(config.slots()).isEmpty();
        assertThat(config.settings()).isEqualTo(new Settings(500, 750, 7, 1000, 250));
    }

    @Test
    void defaultDataSourceDefaultsToTheFirstAndSettingsToTheirDefaults() {
        ShardConfig config = load("""
                dataSources:
                  b: { jdbcUrl: "jdbc:h2:mem:b" }
                  a: { jdbcUrl: "jdbc:h2:mem:a" }
                """);
        assertThat(config.defaultDataSource()).isEqualTo("b");
        assertThat(config.settings()).isEqualTo(Settings.defaults());
        assertThat(Settings.defaults()).isEqualTo(new Settings(10_000, 2_000))
                .isEqualTo(new Settings(10_000, 2_000, 0, 1_000, 100));
        assertThat(config.tables()).isEmpty();
        assertThat(config.broadcastTables()).isEmpty();
    }

    @Test
    void tableAndColumnNamesAreCaseInsensitiveAndMayBeQuoted() {
        ShardConfig config = load("""
                dataSources:
                  ds0: { jdbcUrl: "jdbc:h2:mem:a" }
                tables:
                  '`T_Order`': { shardingColumn: '"USER_ID"' }
                  T_ITEM: { shardingColumn: '`Order_Id`', algorithm: Consistent-Hash }
                broadcastTables: [T_Region, '"t_dict"']
                """);
        assertThat(config.tables()).containsOnlyKeys("t_order", "t_item");
        assertThat(config.tableRule("T_ORDER")).isEqualTo(new TableRule("t_order", "user_id", "consistent-hash"));
        assertThat(config.tableRule("`t_order`")).isSameAs(config.tableRule("t_order"));
        assertThat(config.tableRule("\"T_Order\"")).isSameAs(config.tableRule("t_order"));
        assertThat(config.tableRule("t_item").shardingColumn()).isEqualTo("order_id");
        assertThat(config.tableRule("t_nope")).isNull();
        assertThat(config.tableRule(null)).isNull();

        assertThat(config.broadcastTables()).containsExactly("t_region", "t_dict");
        assertThat(config.isBroadcast("T_REGION")).isTrue();
        assertThat(config.isBroadcast("`t_region`")).isTrue();
        assertThat(config.isBroadcast("\"T_DICT\"")).isTrue();
        assertThat(config.isBroadcast("t_order")).isFalse();
        assertThat(config.isBroadcast(null)).isFalse();
    }

    @Test
    void poolPropertiesAreStringsAsWrittenInDeclarationOrder() {
        ShardConfig config = load("""
                dataSources:
                  ds0:
                    jdbcUrl: jdbc:mysql://db:3306/s0
                    password: 0123          # YAML 1.1 would read this as octal 83
                    maximumPoolSize: 10
                    connectionTimeout: 2.5e3
                    autoCommit: yes         # YAML 1.1 boolean: HikariCP only understands true/false
                    readOnly: Off
                    catalog: '007'
                    dataSource:
                      cachePrepStmts: true
                      prepStmtCacheSize: 250
                    dataSource.useServerPrepStmts: true
                    customKey: anything goes
                """);
        assertThat(config.dataSource("ds0").poolProperties()).containsExactly(
                entry("jdbcUrl", "jdbc:mysql://db:3306/s0"),
                entry("password", "0123"),
                entry("maximumPoolSize", "10"),
                entry("connectionTimeout", "2.5e3"),
                entry("autoCommit", "true"),
                entry("readOnly", "false"),
                entry("catalog", "007"),
                entry("dataSource.cachePrepStmts", "true"),
                entry("dataSource.prepStmtCacheSize", "250"),
                entry("dataSource.useServerPrepStmts", "true"),
                entry("customKey", "anything goes"));
    }

    @Test
    void anchorsAndMergeKeysShareSettingsBetweenDataSources() {
        ShardConfig config = load("""
                dataSources:
                  ds0: &defaults
                    jdbcUrl: jdbc:mysql://db0:3306/s
                    username: app
                    maximumPoolSize: 5
                  ds1:
                    <<: *defaults
                    jdbcUrl: jdbc:mysql://db1:3306/s
                """);
        assertThat(config.dataSource("ds1").poolProperties())
                .containsEntry("jdbcUrl", "jdbc:mysql://db1:3306/s")
                .containsEntry("username", "app")
                .containsEntry("maximumPoolSize", "5")
                .hasSize(3);
    }

    @Test
    void weightsAreParsed() {
        ShardConfig config = load("""
                dataSources:
                  a: { jdbcUrl: "jdbc:h2:mem:a", weight: 0.5 }
                  b: { jdbcUrl: "jdbc:h2:mem:b", weight: "3" }
                  c: { jdbcUrl: "jdbc:h2:mem:c", weight: 1e1 }
                  d: { jdbcUrl: "jdbc:h2:mem:d" }
                """);
        assertThat(config.dataSources()).extracting(DataSourceConfig::weight).containsExactly(0.5, 3.0, 10.0, 1.0);
        assertThat(config.dataSources()).allSatisfy(ds -> assertThat(ds.poolProperties()).doesNotContainKey("weight"));
    }

    @Test
    void dataSourceClassNameMayReplaceJdbcUrl() {
        ShardConfig config = load("""
                dataSources:
                  ds0:
                    dataSourceClassName: org.h2.jdbcx.JdbcDataSource
                    dataSource.url: jdbc:h2:mem:x
                """);
        assertThat(config.dataSource("ds0").jdbcUrl()).isNull();
    }

    @Test
    void emptySectionsMeanNothingConfigured() {
        ShardConfig config = load("""
                dataSources:
                  ds0: { jdbcUrl: "jdbc:h2:mem:a" }
                defaultDataSource:
                tables:
                broadcastTables:
                slots:
                settings:
                """);
        assertThat(config).isEqualTo(ShardConfig.builder().dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a")).build());
    }

    @Test
    void builderAndYamlProduceEqualConfigs() {
        ShardConfig fromYaml = load(EXAMPLE, Map.of("DB_PASSWORD", "pw1"));
        Map<String, String> ds0 = new LinkedHashMap<>();
        ds0.put("jdbcUrl", "jdbc:mysql://127.0.0.1:3306/shard0");
        ds0.put("username", "root");
        ds0.put("password", "");
        Map<String, String> ds1 = new LinkedHashMap<>();
        ds1.put("jdbcUrl", "jdbc:mysql://127.0.0.1:3306/shard1");
        ds1.put("username", "root");
        ds1.put("password", "pw1");
        ShardConfig built = ShardConfig.builder()
                .dataSource("ds0", ds0)
                .dataSource("ds1", ds1, 2)
                .shardedTable("T_ORDER", "user_id")
                .shardedTable("t_order_item", "`user_id`")
                .keyGenerator("t_order", "ORDER_ID", "Snowflake")
                .broadcastTables("t_region")
                .parseCacheSize(500)
                .parseTimeoutMillis(750)
                .workerId(7)
                .sequentialScatterBelowMicros(250)
                .build();

        assertThat(built).isEqualTo(fromYaml).hasSameHashCodeAs(fromYaml);
        assertThat(built.toString()).isEqualTo(fromYaml.toString());

        // Weight as a property is the same as weight as an argument.
        ShardConfig weightAsProperty = ShardConfig.builder()
                .dataSource("ds0", ds0)
                .dataSource("ds1", Map.of("jdbcUrl", "jdbc:mysql://127.0.0.1:3306/shard1", "username", "root",
                        "password", "pw1", "weight", "2"))
                .shardedTable("t_order", "user_id")
                .shardedTable("t_order_item", "user_id")
                .keyGenerator("t_order", "order_id", "snowflake")
                .broadcastTables("t_region")
                .parseCacheSize(500)
                .parseTimeoutMillis(750)
                .workerId(7)
                .maxClockBackwardMillis(1000)
                .sequentialScatterBelowMicros(250)
                .build();
        assertThat(weightAsProperty).isEqualTo(fromYaml);

        assertThat(load(EXAMPLE, Map.of("DB_PASSWORD", "other"))).isNotEqualTo(fromYaml);
        assertThat(load(EXAMPLE.replace("parseCacheSize: 500", "parseCacheSize: 501"), Map.of("DB_PASSWORD", "pw1")))
                .isNotEqualTo(fromYaml);
    }

    @Test
    void declarationOrderOfDataSourcesMatters() {
        // It fixes shard indexes, so two configs listing the same data sources in another order are different.
        ShardConfig ab = ShardConfig.builder()
                .dataSource("a", Map.of("jdbcUrl", "jdbc:h2:mem:a")).dataSource("b", Map.of("jdbcUrl", "jdbc:h2:mem:b"))
                .defaultDataSource("a").build();
        ShardConfig ba = ShardConfig.builder()
                .dataSource("b", Map.of("jdbcUrl", "jdbc:h2:mem:b")).dataSource("a", Map.of("jdbcUrl", "jdbc:h2:mem:a"))
                .defaultDataSource("a").build();
        assertThat(ab).isNotEqualTo(ba);
    }

    @Test
    void resultIsImmutable() {
        Map<String, String> props = new LinkedHashMap<>(Map.of("jdbcUrl", "jdbc:h2:mem:a"));
        ShardConfig.Builder builder = ShardConfig.builder().dataSource("ds0", props).shardedTable("t", "c");
        ShardConfig config = builder.build();
        props.put("username", "changed");
        builder.broadcastTables("t_region");

        assertThat(config.dataSource("ds0").poolProperties()).doesNotContainKey("username");
        assertThat(config.broadcastTables()).isEmpty();
        assertThatThrownBy(() -> config.dataSource("ds0").poolProperties().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.dataSources().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.tables().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.broadcastTables().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.slots().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void fromYamlReadsAFileAndResolvesTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("shard.yaml");
        Files.writeString(file, "\uFEFF" + """
                dataSources:
                  ds0: { jdbcUrl: "jdbc:h2:mem:a", password: "${SHARD_CONFIG_TEST_SURELY_UNSET:fallback}" }
                """, StandardCharsets.UTF_8);
        ShardConfig config = ShardConfig.fromYaml(file);
        assertThat(config.dataSource("ds0").poolProperties()).containsEntry("password", "fallback");
    }

    @Test
    void fromYamlNamesTheFileInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "tabels: {}\n");
        assertThatThrownBy(() -> ShardConfig.fromYaml(file))
                .isInstanceOf(ShardConfigException.class)
                .hasMessageStartingWith(file + ": unknown key 'tabels' at top level");

        Files.write(file, new byte[] {'d', (byte) 0xC3, '\n'});
        assertThatThrownBy(() -> ShardConfig.fromYaml(file))
                .isInstanceOf(ShardConfigException.class)
                .hasMessage(file + ": not valid UTF-8");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ShardConfig.fromYaml(file))
                .isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("configuration file not found: " + file);
        assertThatThrownBy(() -> ShardConfig.fromYaml(Path.of("relative/nope.yaml")))
                .isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("configuration file not found: " + Path.of("relative/nope.yaml"))
                .hasMessageContaining(Path.of("relative/nope.yaml").toAbsolutePath().toString());
    }

    @Test
    void fromClasspathToleratesALeadingSlash() {
        ShardConfig config = ShardConfig.fromClasspath("config/shard.yaml");
        assertThat(ShardConfig.fromClasspath("/config/shard.yaml")).isEqualTo(config);
        assertThat(config.dataSources()).hasSize(2);
        assertThat(config.dataSource("ds1").weight()).isEqualTo(2.0);
        assertThat(config.dataSource("ds1").poolProperties()).containsEntry("password", "");
    }

    @Test
    void fromClasspathPrefersTheContextClassLoader(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/shard.yaml"), """
                dataSources:
                  only: { jdbcUrl: "jdbc:h2:mem:only" }
                """);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            thread.setContextClassLoader(loader);
            assertThat(ShardConfig.fromClasspath("config/shard.yaml").dataSources())
                    .extracting(DataSourceConfig::name).containsExactly("only");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void missingResourceIsNamed() {
        assertThatThrownBy(() -> ShardConfig.fromClasspath("/config/nope.yaml"))
                .isInstanceOf(ShardConfigException.class)
                .hasMessage("configuration resource not found on the classpath: config/nope.yaml");
    }

    @Test
    void toStringShowsTheConfiguration() {
        ShardConfig config = load(EXAMPLE, Map.of("DB_PASSWORD", "pw1"));
        assertThat(config.toString())
                .contains("name=ds0", "jdbcUrl=jdbc:mysql://127.0.0.1:3306/shard0", "username=root", "weight=2.0",
                        "defaultDataSource=ds0", "t_order_item", "broadcastTables=[t_region]", "password=****")
                .doesNotContain("pw1");
    }

    @Test
    void recordsKeepTheirValues() {
        DataSourceConfig ds = new DataSourceConfig("x", Map.of("jdbcUrl", "jdbc:h2:mem:x"), 1);
        assertThat(ds).isEqualTo(new DataSourceConfig("x", new LinkedHashMap<>(Map.of("jdbcUrl", "jdbc:h2:mem:x")), 1));
        assertThat(List.of(ds.jdbcUrl(), ds.name())).containsExactly("jdbc:h2:mem:x", "x");
    }
}
