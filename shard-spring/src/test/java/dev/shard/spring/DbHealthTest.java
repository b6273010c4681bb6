package dev.shard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.ShardPools;
import dev.shard.jdbc.ShardingDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** Spring's "db" health component agrees with the "shard" one when the ShardingDataSource is the DataSource. */
class DbHealthTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {
            "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
            "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration"})
    static class App {
    }

    /** The application makes the ShardingDataSource itself, next to a DataSource of its own. */
    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {
            "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
            "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration"})
    static class AppWithTwoDataSources {

        @Bean(destroyMethod = "close")
        ShardingDataSource shards(ShardConfig config) {
            return new ShardingDataSource(config);
        }

        @Bean
        DataSource reporting() {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:reporting_" + UUID.randomUUID().toString().replace("-", ""));
            return h2;
        }
    }

    private static String[] properties() {
        String prefix = "db_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        List<String> properties = new ArrayList<>(H2Shards.dataSourceProperties(prefix, 2));
        properties.add("spring.shard.tables.t_order.sharding-column=user_id");
        properties.add("management.endpoint.health.show-details=always");
        return properties.toArray(String[]::new);
    }

    @Test
    void dbIsDownWhenAShardIsDown() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE).properties(properties()).run()) {
            HealthEndpoint health = context.getBean(HealthEndpoint.class);
            assertThat(health.healthForPath("db").getStatus()).isEqualTo(Status.UP);
            assertThat(health.healthForPath("shard").getStatus()).isEqualTo(Status.UP);

            // ds1's pool closed: it hands out no connection, while ds0 (where Spring's own check would borrow one)
            // still works.
            ShardingDataSource shards = context.getBean(ShardingDataSource.class);
            ShardPools.of(shards, "ds1").close();

            HealthComponent db = health.healthForPath("db");
            assertThat(db.getStatus()).isEqualTo(Status.DOWN);
            assertThat(db.toString()).contains("ds1").doesNotContain(H2Shards.PASSWORD).doesNotContain("jdbc:");
            assertThat(health.healthForPath("shard").getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        }
    }

    @Test
    void springsDbIndicatorStaysWhenThereAreOtherDataSources() {
        // Flyway (on the test class path for FlywayMariaDbIT) cannot choose between two DataSources without a
        // @Primary, as in any Boot application; this one has no migrations.
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AppWithTwoDataSources.class)
                .web(WebApplicationType.NONE).properties(properties()).properties("spring.flyway.enabled=false")
                .run()) {
            assertThat(context.getBeansOfType(DataSource.class)).hasSize(2);
            Object db = context.getBean("dbHealthContributor");
            assertThat(db).isNotInstanceOf(ShardHealthIndicator.class);
            assertThat(context.getBean("shardHealthIndicator", HealthIndicator.class))
                    .isInstanceOf(ShardHealthIndicator.class);
        }
    }

    @Test
    void dbIndicatorCanBeSwitchedOff() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE).properties(properties())
                .properties("management.health.db.enabled=false").run()) {
            assertThat(context.containsBean("dbHealthContributor")).isFalse();
            assertThat(context.containsBean("shardHealthIndicator")).isTrue();
        }
    }
}
