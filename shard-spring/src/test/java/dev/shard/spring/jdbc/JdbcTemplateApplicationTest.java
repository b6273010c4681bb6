package dev.shard.spring.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.jdbc.ShardPools;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.spring.H2Shards;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;

/** A JdbcTemplate application on four H2 shards, configured only by spring.shard.* properties. */
// JPA is on the test classpath for the JPA test; left out here so that the transaction manager is Spring Boot's
// DataSourceTransactionManager, as in a JdbcTemplate-only application.
@SpringBootTest(classes = JdbcTemplateApplicationTest.App.class, properties = "spring.autoconfigure.exclude="
        + "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration,"
        + "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration")
class JdbcTemplateApplicationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        OrderService orderService(JdbcTemplate jdbc) {
            return new OrderService(jdbc);
        }
    }

    /** Writes on several shards in one Spring transaction. */
    public static class OrderService {

        private final JdbcTemplate jdbc;

        OrderService(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Transactional
        public void insertAll(List<Long> users) {
            for (long user : users) {
                jdbc.update("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (?, ?, ?, ?)",
                        user * 100, user, "NEW", BigDecimal.ONE);
            }
        }

        @Transactional
        public void insertAllThenFail(List<Long> users) {
            insertAll(users);
            throw new IllegalStateException("boom after " + users.size() + " inserts");
        }
    }

    @DynamicPropertySource
    static void shards(DynamicPropertyRegistry registry) {
        H2Shards.register(registry);
    }

    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    OrderService service;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    MeterRegistry meters;
    @Autowired
    Map<String, HealthIndicator> healthIndicators;

    @BeforeEach
    void tables() {
        jdbc.execute("DROP TABLE IF EXISTS t_order");
        jdbc.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, "
                + "status VARCHAR(16) NOT NULL, amount DECIMAL(10,2) NOT NULL)");
    }

    private ShardingDataSource sharding() {
        return (ShardingDataSource) dataSource;
    }

    private long rowsOnShard(String shard) {
        return new JdbcTemplate(ShardPools.of(sharding(), shard)).queryForObject("SELECT COUNT(*) FROM t_order",
                Long.class);
    }

    private long rowsOnAllShards() {
        return sharding().shardNames().stream().mapToLong(this::rowsOnShard).sum();
    }

    @Test
    void theDataSourceIsShardsAndTheTransactionManagerUsesIt() {
        assertThat(dataSource).isInstanceOf(ShardingDataSource.class);
        assertThat(sharding().shardNames()).containsExactly("ds0", "ds1", "ds2", "ds3");
        assertThat(transactionManager).isInstanceOf(DataSourceTransactionManager.class);
        assertThat(((DataSourceTransactionManager) transactionManager).getDataSource()).isSameAs(dataSource);
    }

    @Test
    void crudByShardKey() {
        for (long user = 1; user <= 40; user++) {
            assertThat(jdbc.update("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (?, ?, ?, ?)",
                    user * 10, user, "NEW", new BigDecimal(user + ".50"))).isEqualTo(1);
        }
        assertThat(rowsOnAllShards()).isEqualTo(40);
        // 40 users spread over 4 shards: every shard holds some
        for (String shard : sharding().shardNames()) {
            assertThat(rowsOnShard(shard)).as(shard).isPositive();
        }
        Map<String, Object> row = jdbc.queryForMap("SELECT order_id, status, amount FROM t_order WHERE user_id = ?", 7L);
        assertThat(((Number) row.get("order_id")).longValue()).isEqualTo(70);
        assertThat(jdbc.update("UPDATE t_order SET status = ? WHERE user_id = ?", "PAID", 7L)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT status FROM t_order WHERE user_id = ?", String.class, 7L))
                .isEqualTo("PAID");
        assertThat(jdbc.update("DELETE FROM t_order WHERE user_id = ?", 7L)).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT * FROM t_order WHERE user_id = ?", 7L)).isEmpty();
        assertThat(rowsOnAllShards()).isEqualTo(39);
    }

    @Test
    void scatterQueryWithOrderByAndLimit() {
        for (long user = 1; user <= 30; user++) {
            jdbc.update("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (?, ?, ?, ?)",
                    user, user, user % 2 == 0 ? "PAID" : "NEW", BigDecimal.valueOf(user * 3 % 31));
        }
        List<Long> top = jdbc.queryForList(
                "SELECT user_id FROM t_order WHERE status = ? ORDER BY amount DESC, user_id LIMIT 5 OFFSET 2",
                Long.class, "PAID");
        List<Long> expected = new ArrayList<>();
        for (long user = 2; user <= 30; user += 2) {
            expected.add(user);
        }
        expected.sort((a, b) -> {
            int byAmount = Long.compare(b * 3 % 31, a * 3 % 31);
            return byAmount != 0 ? byAmount : Long.compare(a, b);
        });
        assertThat(top).containsExactlyElementsOf(expected.subList(2, 7));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM t_order", Long.class)).isEqualTo(30);
    }

    @Test
    void batchUpdate() {
        List<Object[]> rows = new ArrayList<>();
        for (long user = 1; user <= 50; user++) {
            rows.add(new Object[] {user, user, "NEW", BigDecimal.TEN});
        }
        int[] counts = jdbc.batchUpdate("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (?, ?, ?, ?)",
                rows);
        assertThat(counts).hasSize(50).containsOnly(1);
        assertThat(rowsOnAllShards()).isEqualTo(50);
        assertThat(jdbc.queryForObject("SELECT SUM(amount) FROM t_order", BigDecimal.class))
                .isEqualByComparingTo("500");
    }

    @Test
    void transactionalCommitAcrossShards() {
        List<Long> users = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        service.insertAll(users);
        assertThat(rowsOnAllShards()).isEqualTo(10);
        assertThat(sharding().shardNames().stream().filter(s -> rowsOnShard(s) > 0).count()).isGreaterThan(1);
    }

    @Test
    void transactionalRollbackAcrossShardsLeavesNoRowAnywhere() {
        List<Long> users = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThatThrownBy(() -> service.insertAllThenFail(users)).hasMessageContaining("boom");
        for (String shard : sharding().shardNames()) {
            assertThat(rowsOnShard(shard)).as(shard).isZero();
        }
    }

    @Test
    void metricsCountRoutes() {
        jdbc.update("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (1, 1, 'NEW', 1)");
        double single = meters.get("shard.statements").tag("route", "SINGLE_SHARD").counter().count();
        double scatter = meters.get("shard.statements.scatter").counter().count();
        long shardSummaries = meters.get("shard.statement.shards").summary().count();
        long merged = meters.get("shard.merged.rows").summary().count();
        jdbc.queryForList("SELECT * FROM t_order WHERE user_id = 1");
        jdbc.queryForList("SELECT * FROM t_order ORDER BY order_id");
        assertThat(meters.get("shard.statements").tag("route", "SINGLE_SHARD").counter().count())
                .isEqualTo(single + 1);
        assertThat(meters.get("shard.statements").tag("route", "SCATTER").counter().count()).isPositive();
        assertThat(meters.get("shard.statements.scatter").counter().count()).isEqualTo(scatter + 1);
        assertThat(meters.get("shard.statement.shards").summary().count()).isEqualTo(shardSummaries + 2);
        assertThat(meters.get("shard.merged.rows").summary().count()).isEqualTo(merged + 1);
        double refused = meters.get("shard.statements.refused").counter().count();
        assertThatThrownBy(() -> jdbc.queryForList("SELECT * FROM t_order a JOIN t_order b ON a.order_id = b.order_id"));
        assertThat(meters.get("shard.statements.refused").counter().count()).isEqualTo(refused + 1);
    }

    @Test
    void metricsGaugeEveryShardsPool() throws SQLException {
        assertThat(meters.find("shard.pool.connections.max").gauges()).hasSize(H2Shards.SHARDS);
        assertThat(meters.get("shard.pool.connections.max").tag("shard", "ds3").gauge().value()).isEqualTo(4);
        assertThat(active("ds0")).isZero();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT 1").close(); // on the default data source, ds0, which it now holds
            assertThat(active("ds0")).isEqualTo(1);
            assertThat(active("ds1")).isZero();
            assertThat(meters.get("shard.pool.connections.total").tag("shard", "ds0").gauge().value())
                    .isBetween(1.0, 4.0);
        }
        assertThat(active("ds0")).isZero();
    }

    private double active(String shard) {
        return meters.get("shard.pool.connections.active").tag("shard", shard).gauge().value();
    }

    @Test
    void healthReportsEveryShardUpWithoutCredentials() {
        HealthIndicator indicator = healthIndicators.get("shardHealthIndicator");
        assertThat(indicator).isNotNull();
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsOnlyKeys("ds0", "ds1", "ds2", "ds3");
        assertThat(health.getDetails().get("ds2")).isEqualTo(Map.of("status", "UP"));
        assertThat(health.toString()).doesNotContain(H2Shards.PASSWORD).doesNotContain("jdbc:");
    }
}
