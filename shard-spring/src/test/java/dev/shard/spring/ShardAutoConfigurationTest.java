package dev.shard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import dev.shard.jdbc.ShardPools;
import dev.shard.jdbc.ShardingDataSource;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ShardAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ShardAutoConfiguration.class, DataSourceAutoConfiguration.class));

    private static String[] twoShards() {
        String prefix = "auto_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        List<String> properties = new ArrayList<>(H2Shards.dataSourceProperties(prefix, 2));
        properties.add("spring.shard.tables.t_order.sharding-column=user_id");
        return properties.toArray(String[]::new);
    }

    @Test
    void staysOutOfTheWayWithoutShardProperties() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(ShardingDataSource.class);
            assertThat(context).doesNotHaveBean(ShardConfig.class);
        });
    }

    @Test
    void propertiesBecomeAShardingDataSourceThatClosesWithTheContext() {
        ShardingDataSource[] seen = new ShardingDataSource[1];
        runner.withPropertyValues(twoShards())
                .withPropertyValues("spring.shard.data-sources.ds0.maximum-pool-size=3",
                        "spring.shard.data-sources.ds0.data-source.cache-prep-stmts=true",
                        "spring.shard.data-sources.ds1.weight=2",
                        "spring.shard.default-data-source=ds1",
                        "spring.shard.tables.t_order.key-generator.column=order_id",
                        "spring.shard.tables.t_order.key-generator.type=snowflake",
                        "spring.shard.broadcast-tables=t_region,t_currency",
                        "spring.shard.settings.parse-cache-size=123",
                        "spring.shard.settings.parse-timeout-millis=456",
                        "spring.shard.settings.worker-id=7",
                        "spring.shard.settings.max-clock-backward-millis=10",
                        "spring.shard.settings.sequential-scatter-below-micros=0",
                        "spring.shard.settings.metadata-data-source=ds0",
                        "spring.shard.settings.slot-map-poll-millis=250",
                        "spring.shard.settings.metadata-lease-millis=2500",
                        "spring.shard.settings.reshard-write-hold-millis=1500")
                .run(context -> {
                    assertThat(context).hasSingleBean(DataSource.class);
                    ShardingDataSource dataSource = context.getBean(ShardingDataSource.class);
                    seen[0] = dataSource;
                    ShardConfig config = dataSource.config();
                    assertThat(dataSource.shardNames()).containsExactly("ds0", "ds1");
                    assertThat(config.defaultDataSource()).isEqualTo("ds1");
                    assertThat(config.dataSource("ds1").weight()).isEqualTo(2.0);
                    assertThat(config.tableRule("t_order").shardingColumn()).isEqualTo("user_id");
                    assertThat(config.tableRule("t_order").keyGenerator().column()).isEqualTo("order_id");
                    assertThat(config.broadcastTables()).containsExactlyInAnyOrder("t_region", "t_currency");
                    assertThat(config.settings().parseCacheSize()).isEqualTo(123);
                    assertThat(config.settings().parseTimeoutMillis()).isEqualTo(456);
                    assertThat(config.settings().workerId()).isEqualTo(7);
                    assertThat(config.settings().maxClockBackwardMillis()).isEqualTo(10);
                    assertThat(config.settings().sequentialScatterBelowMicros()).isZero();
                    assertThat(config.settings().storeSlotMap()).isTrue();
                    assertThat(config.settings().metadataDataSource()).isEqualTo("ds0");
                    assertThat(config.settings().slotMapPollMillis()).isEqualTo(250);
                    assertThat(config.settings().metadataLeaseMillis()).isEqualTo(2500);
                    assertThat(config.settings().reshardWriteHoldMillis()).isEqualTo(1500);
                    HikariDataSource pool = ShardPools.of(dataSource, "ds0");
                    assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
                    assertThat(pool.getDataSourceProperties()).containsEntry("cachePrepStmts", "true");
                    assertThat(pool.getJdbcUrl()).startsWith("jdbc:h2:mem:");
                });
        assertThat(seen[0].isClosed()).isTrue();
    }

    @Test
    void backsOffWhenTheApplicationDefinesADataSource() {
        runner.withPropertyValues(twoShards()).withUserConfiguration(OwnDataSource.class).run(context -> {
            assertThat(context).hasSingleBean(DataSource.class);
            assertThat(context).doesNotHaveBean(ShardingDataSource.class);
            assertThat(context.getBean(DataSource.class)).isInstanceOf(JdbcDataSource.class);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDataSource {
        @Bean
        DataSource ownDataSource() {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:own");
            return h2;
        }
    }

    @Test
    void yamlFileInsteadOfProperties() {
        System.setProperty("SHARD_TEST_YAML_PASSWORD", "yaml-Secret");
        try {
            runner.withPropertyValues("spring.shard.config=classpath:shard-test.yaml").run(context -> {
                ShardingDataSource dataSource = context.getBean(ShardingDataSource.class);
                assertThat(dataSource.shardNames()).containsExactly("ds0", "ds1");
                assertThat(dataSource.config().settings().workerId()).isEqualTo(5);
                assertThat(ShardPools.of(dataSource, "ds1").getPassword()).isEqualTo("yaml-Secret");
            });
        } finally {
            System.clearProperty("SHARD_TEST_YAML_PASSWORD");
        }
    }

    @Test
    void yamlAndPropertiesTogetherIsAnError() {
        runner.withPropertyValues(twoShards()).withPropertyValues("spring.shard.config=classpath:shard-test.yaml")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(ShardConfigException.class)
                        .hasMessageContaining("spring.shard.config").hasMessageContaining("both set"));
    }

    @Test
    void missingYamlIsAClearError() {
        runner.withPropertyValues("spring.shard.config=classpath:no-such-shard.yaml")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(ShardConfigException.class).hasMessageContaining("no-such-shard.yaml"));
    }

    @Test
    void replicasBindUnderTheirDataSourceWithTheirOwnPools() {
        runner.withPropertyValues(twoShards())
                .withPropertyValues(
                        "spring.shard.data-sources.ds0.replicas[0].jdbc-url=" + H2Shards.url("replica", 0),
                        "spring.shard.data-sources.ds0.replicas[0].username=sa",
                        "spring.shard.data-sources.ds0.replicas[0].password=" + H2Shards.PASSWORD,
                        "spring.shard.data-sources.ds0.replicas[0].maximum-pool-size=2",
                        "spring.shard.data-sources.ds0.replicas[1].jdbc-url=" + H2Shards.url("replica", 1),
                        "spring.shard.data-sources.ds0.replicas[1].username=sa",
                        "spring.shard.data-sources.ds0.replicas[1].password=" + H2Shards.PASSWORD,
                        "spring.shard.settings.max-replica-lag-millis=2500",
                        "spring.shard.settings.replica-check-millis=50",
                        "spring.shard.settings.reads-fall-back-to-primary=false",
                        "spring.shard.settings.read-your-writes=true",
                        "spring.shard.settings.read-your-writes-timeout-millis=300")
                .run(context -> {
                    ShardingDataSource dataSource = context.getBean(ShardingDataSource.class);
                    ShardConfig config = dataSource.config();
                    assertThat(config.dataSource("ds0").replicas()).extracting(DataSourceConfig::name)
                            .containsExactly("ds0-replica0", "ds0-replica1");
                    assertThat(config.dataSource("ds0").poolProperties()).doesNotContainKey("replicas");
                    assertThat(config.dataSource("ds1").replicas()).isEmpty();
                    assertThat(config.toString()).doesNotContain(H2Shards.PASSWORD);
                    HikariDataSource replica = ShardPools.of(dataSource, "ds0-replica0");
                    assertThat(replica.getMaximumPoolSize()).isEqualTo(2);
                    assertThat(replica.getJdbcUrl()).isEqualTo(H2Shards.url("replica", 0));
                    assertThat(ShardPools.of(dataSource, "ds0-replica1").getJdbcUrl())
                            .isEqualTo(H2Shards.url("replica", 1));
                    assertThat(config.settings().replicas()).isEqualTo(
                            new dev.shard.core.config.ReplicaSettings(2500, 50, false, true, 300));
                    replicasAreVisible(dataSource);
                });
    }

    @Test
    void invalidConfigurationFailsStartUpWithoutShowingThePassword() {
        runner.withPropertyValues(twoShards())
                .withPropertyValues("spring.shard.data-sources.ds1.jdbc-url=jdbc:h2 mem://u:" + H2Shards.PASSWORD + "@x",
                        "spring.shard.default-data-source=ds9")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable first = context.getStartupFailure();
                    while (!(first instanceof ShardConfigException)) {
                        first = first.getCause();
                    }
                    assertThat(first).hasMessageStartingWith("spring.shard properties: data source 'ds1' has a "
                            + "malformed jdbcUrl");
                    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(H2Shards.PASSWORD);
                    }
                });
        runner.withPropertyValues(twoShards()).withPropertyValues("spring.shard.default-data-source=ds9")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("defaultDataSource 'ds9' is not a configured data source"));
        runner.withPropertyValues(twoShards()).withPropertyValues("spring.shard.settings.worker-id=5000")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("settings.workerId must be between 0 and 1023"));
    }

    @Test
    void kebabCaseBecomesHikariCamelCase() {
        assertThat(ShardConfigFactory.camelCase("jdbc-url")).isEqualTo("jdbcUrl");
        assertThat(ShardConfigFactory.camelCase("maximum-pool-size")).isEqualTo("maximumPoolSize");
        assertThat(ShardConfigFactory.camelCase("data-source.cache-prep-stmts")).isEqualTo("dataSource.cachePrepStmts");
        assertThat(ShardConfigFactory.camelCase("dataSource.prepStmtCacheSize")).isEqualTo("dataSource.prepStmtCacheSize");
        assertThat(ShardConfigFactory.camelCase("weight")).isEqualTo("weight");
    }

    @Test
    void configurationMetadataListsTheProperties() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            JsonNode metadata = new ObjectMapper().readTree(in);
            List<String> names = new ArrayList<>();
            metadata.get("properties").forEach(p -> names.add(p.get("name").asText()));
            assertThat(names).contains("spring.shard.data-sources", "spring.shard.tables", "spring.shard.config",
                    "spring.shard.default-data-source", "spring.shard.broadcast-tables",
                    "spring.shard.settings.worker-id", "spring.shard.settings.parse-cache-size");
        }
    }

    /** The replicas' state and lag in the health indicator's details and in Micrometer gauges. */
    @SuppressWarnings("unchecked")
    private static void replicasAreVisible(ShardingDataSource dataSource) {
        for (String replica : List.of("ds0-replica0", "ds0-replica1")) {
            dev.shard.jdbc.testing.Readiness.await(() -> dataSource.replicaStatuses().stream()
                    .filter(s -> s.name().equals(replica)).findFirst().orElseThrow(),
                    s -> s.state() == dev.shard.jdbc.ReplicaStatus.State.UP, replica + " checked");
        }
        org.springframework.boot.actuate.health.Health health =
                new ShardHealthIndicator(dataSource, java.time.Duration.ofSeconds(5)).health();
        assertThat(health.getStatus().getCode()).isEqualTo("UP");
        Map<String, Object> ds0 = (Map<String, Object>) health.getDetails().get("ds0");
        Map<String, Object> replicas = (Map<String, Object>) ds0.get("replicas");
        assertThat(replicas).containsOnlyKeys("ds0-replica0", "ds0-replica1");
        assertThat((Map<String, Object>) replicas.get("ds0-replica0")).containsEntry("state", "UP")
                .containsEntry("inRotation", true).containsEntry("lagMillis", -1L).containsKeys("since", "detail");
        assertThat(health.getDetails().get("ds1")).isEqualTo(Map.of("status", "UP"));
        assertThat(health.toString()).doesNotContain(H2Shards.PASSWORD);

        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        new ShardMetrics(dataSource, registry);
        assertThat(registry.get("shard.replica.in.rotation").tag("replica", "ds0-replica1").tag("shard", "ds0")
                .gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("shard.replica.lag").tag("replica", "ds0-replica0").gauge().value()).isNaN();
        assertThat(registry.get("shard.pool.connections.max").tag("shard", "ds0-replica0").gauge().value())
                .isEqualTo(2.0);
    }
}
