package dev.shard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.ShardConfigException;
import dev.shard.jdbc.ShardPools;
import dev.shard.jdbc.ShardingDataSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** What Spring's binder lets through on its own: unknown keys, environment variables, unresolved placeholders. */
class SpringShardKeysTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ShardAutoConfiguration.class, DataSourceAutoConfiguration.class));

    private static List<String> twoShards() {
        String prefix = "keys_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        List<String> properties = new ArrayList<>(H2Shards.dataSourceProperties(prefix, 2));
        return properties;
    }

    private static String[] twoShardsAnd(String... more) {
        List<String> properties = twoShards();
        properties.addAll(List.of(more));
        return properties.toArray(String[]::new);
    }

    private static ShardConfigException shardFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable t = context.getStartupFailure();
        while (t != null && !(t instanceof ShardConfigException)) {
            t = t.getCause();
        }
        assertThat(t).as("a ShardConfigException in the start-up failure").isNotNull();
        return (ShardConfigException) t;
    }

    @Test
    void misspeltTopLevelKeyFailsStartUpWithASuggestion() {
        runner.withPropertyValues(twoShardsAnd("spring.shard.tabels.t_order.sharding-column=user_id"))
                .run(context -> assertThat(shardFailure(context)).hasMessageContaining(
                                "unknown key 'spring.shard.tabels.t_order.sharding-column'")
                        .hasMessageContaining("did you mean 'spring.shard.tables'?"));
    }

    @Test
    void misspeltTableKeyFailsStartUpWithASuggestion() {
        runner.withPropertyValues(twoShardsAnd("spring.shard.tables.t_order.sharding-colum=user_id"))
                .run(context -> assertThat(shardFailure(context))
                        .hasMessageContaining("unknown key 'spring.shard.tables.t_order.sharding-colum'")
                        .hasMessageContaining("did you mean 'spring.shard.tables.t_order.sharding-column'?"));
        runner.withPropertyValues(twoShardsAnd("spring.shard.tables.t_order.sharding-column=user_id",
                        "spring.shard.tables.t_order.key-generator.colum=order_id"))
                .run(context -> assertThat(shardFailure(context))
                        .hasMessageContaining("did you mean 'spring.shard.tables.t_order.key-generator.column'?"));
    }

    @Test
    void misspeltSettingsFailStartUpWithASuggestion() {
        runner.withPropertyValues(twoShardsAnd("spring.shard.setings.worker-id=3"))
                .run(context -> assertThat(shardFailure(context))
                        .hasMessageContaining("unknown key 'spring.shard.setings.worker-id'")
                        .hasMessageContaining("did you mean 'spring.shard.settings'?"));
        runner.withPropertyValues(twoShardsAnd("spring.shard.settings.workr-id=3"))
                .run(context -> assertThat(shardFailure(context))
                        .hasMessageContaining("did you mean 'spring.shard.settings.worker-id'?"));
    }

    @Test
    void misspeltPoolSettingFailsStartUpWithASuggestion() {
        runner.withPropertyValues(twoShardsAnd("spring.shard.data-sources.ds1.maximum-pool-sise=3"))
                .run(context -> assertThat(shardFailure(context))
                        .hasMessageContaining("'spring.shard.data-sources.ds1.maximum-pool-sise'")
                        .hasMessageContaining("did you mean 'maximum-pool-size'?"));
    }

    @Test
    void misspeltDataSourcesStillStartsShardToReportIt() {
        // Without data-sources the auto-configuration used to stay out silently and Boot's own DataSource took over.
        runner.withPropertyValues("spring.shard.data-sourcs.ds0.jdbc-url=jdbc:h2:mem:x")
                .run(context -> assertThat(shardFailure(context))
                        .hasMessageContaining("did you mean 'spring.shard.data-sources'?"));
    }

    @Test
    void relaxedFormsOfKnownKeysAreAccepted() {
        runner.withPropertyValues(twoShardsAnd("spring.shard.tables.t_order.shardingColumn=user_id",
                        "spring.shard.settings.workerId=9", "spring.shard.broadcast-tables[0]=t_region",
                        "spring.shard.data-sources.ds0.maximumPoolSize=2"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ShardingDataSource dataSource = context.getBean(ShardingDataSource.class);
                    assertThat(dataSource.config().tableRule("t_order").shardingColumn()).isEqualTo("user_id");
                    assertThat(dataSource.config().settings().workerId()).isEqualTo(9);
                    assertThat(dataSource.config().broadcastTables()).containsExactly("t_region");
                    assertThat(ShardPools.of(dataSource, "ds0").getMaximumPoolSize()).isEqualTo(2);
                });
    }

    @Test
    void environmentVariablesForMultiWordPoolSettingsReachHikari() {
        String prefix = "env_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Map<String, Object> variables = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            String ds = "SPRING_SHARD_DATASOURCES_DS" + i + "_";
            variables.put(ds + "JDBCURL", H2Shards.url(prefix, i));
            variables.put(ds + "USERNAME", "sa");
            variables.put(ds + "PASSWORD", H2Shards.PASSWORD);
            variables.put(ds + "MAXIMUMPOOLSIZE", "3");
            variables.put(ds + "CONNECTIONTIMEOUT", "4000");
        }
        variables.put("SPRING_SHARD_DATASOURCES_DS1_WEIGHT", "2");
        variables.put("SPRING_SHARD_SETTINGS_WORKERID", "11");
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource(
                                "test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)))
                .withPropertyValues("spring.shard.tables.t_order.sharding-column=user_id")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ShardingDataSource dataSource = context.getBean(ShardingDataSource.class);
                    assertThat(dataSource.shardNames()).containsExactly("ds0", "ds1");
                    for (String shard : dataSource.shardNames()) {
                        HikariDataSource pool = ShardPools.of(dataSource, shard);
                        assertThat(pool.getJdbcUrl()).startsWith("jdbc:h2:mem:" + prefix);
                        assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
                        assertThat(pool.getConnectionTimeout()).isEqualTo(4000);
                    }
                    assertThat(dataSource.config().dataSource("ds1").weight()).isEqualTo(2.0);
                    assertThat(dataSource.config().settings().workerId()).isEqualTo(11);
                });
    }

    @Test
    void poolKeysInAnyRelaxedFormBecomeHikariNames() {
        // Kebab case is covered by ShardAutoConfigurationTest; these are the forms environment variables produce.
        assertThat(ShardConfigFactory.hikariName("jdbcurl")).isEqualTo("jdbcUrl");
        assertThat(ShardConfigFactory.hikariName("MAXIMUMPOOLSIZE")).isEqualTo("maximumPoolSize");
        assertThat(ShardConfigFactory.hikariName("datasource.socketTimeout")).isEqualTo("dataSource.socketTimeout");
        assertThat(ShardConfigFactory.hikariName("no-such-setting")).isEqualTo("noSuchSetting");
    }

    @Test
    void unsetPlaceholderFailsStartUpNamingItWithoutThePassword() {
        String variable = "SHARD_TEST_UNSET_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        runner.withPropertyValues(twoShardsAnd("spring.shard.tables.t_order.sharding-column=user_id",
                        "spring.shard.data-sources.ds1.password=" + H2Shards.PASSWORD + "${" + variable + "}"))
                .run(context -> {
                    assertThat(shardFailure(context)).hasMessageContaining("spring.shard.data-sources.ds1.password")
                            .hasMessageContaining("${" + variable + "}").hasMessageContaining("not set");
                    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(H2Shards.PASSWORD);
                    }
                });
    }

    @Test
    void placeholdersThatResolveOrHaveADefaultAreUsed() {
        String variable = "SHARD_TEST_SET_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        runner.withPropertyValues(twoShardsAnd("spring.shard.tables.t_order.sharding-column=user_id",
                        variable + "=" + H2Shards.PASSWORD,
                        "spring.shard.data-sources.ds1.password=${" + variable + "}",
                        "spring.shard.data-sources.ds1.username=${SHARD_TEST_NEVER_SET_USER:sa}"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    HikariDataSource pool = ShardPools.of(context.getBean(ShardingDataSource.class), "ds1");
                    assertThat(pool.getPassword()).isEqualTo(H2Shards.PASSWORD);
                    assertThat(pool.getUsername()).isEqualTo("sa");
                });
    }
}
