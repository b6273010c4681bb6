package dev.shard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.PostgresServer;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code spring.shard.*} over PostgreSQL databases: the dialect follows from the URLs, and JdbcTemplate's scatter
 * queries answer as one plain PostgreSQL database does.
 */
class PostgresSpringIT {

    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {
            "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
            "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration",
            "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
            "dev.shard.spring.ShardFlywayAutoConfiguration"})
    static class App {
    }

    @Test
    void jdbcTemplateOnPostgresShardsAnswersAsOneDatabase() throws Exception {
        try (DifferentialDatabases databases = DifferentialDatabases.create(PostgresServer.require(),
                "spring_pg_it", 2)) {
            List<String> properties = new java.util.ArrayList<>(List.of(
                    "spring.shard.tables.t_order.sharding-column=user_id"));
            for (var source : databases.config(2).build().dataSources()) {
                String prefix = "spring.shard.data-sources." + source.name() + ".";
                properties.add(prefix + "jdbc-url=" + source.jdbcUrl());
                properties.add(prefix + "username=" + source.poolProperties().get("username"));
            }
            String ddl = "CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, note TEXT,"
                    + " qty INT)";
            try (Statement s = databases.reference().createStatement()) {
                s.execute(ddl);
            }
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                    .properties(properties.toArray(String[]::new)).run()) {
                JdbcTemplate sharded = context.getBean(JdbcTemplate.class);
                sharded.execute(ddl);
                JdbcTemplate reference = new JdbcTemplate(
                        new org.springframework.jdbc.datasource.SingleConnectionDataSource(databases.reference(), true));
                for (JdbcTemplate target : List.of(sharded, reference)) {
                    for (long id = 1; id <= 60; id++) {
                        target.update("INSERT INTO t_order (order_id, user_id, note, qty) VALUES (?, ?, ?, ?)", id,
                                id % 13, id % 4 == 0 ? null : (id % 3 == 0 ? "B" : "a") + id, (int) (id % 7));
                    }
                }
                for (String sql : List.of("SELECT order_id, note FROM t_order ORDER BY note, order_id",
                        "SELECT user_id, AVG(qty), SUM(qty), COUNT(*) FROM t_order GROUP BY user_id ORDER BY user_id",
                        "SELECT note FROM t_order ORDER BY note DESC NULLS LAST, order_id LIMIT 5")) {
                    List<Map<String, Object>> expected = reference.queryForList(sql);
                    assertThat(sharded.queryForList(sql)).as(sql).isEqualTo(expected);
                }
                HealthIndicator health = context.getBean("shardHealthIndicator", HealthIndicator.class);
                assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            }
        }
    }
}
