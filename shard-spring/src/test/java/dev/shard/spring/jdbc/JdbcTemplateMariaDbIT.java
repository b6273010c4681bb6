package dev.shard.spring.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.spring.MariaDbShards;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** The JdbcTemplate application on three databases of the MySQL-family test server. */
class JdbcTemplateMariaDbIT {

    private static MariaDbShards shards;
    private static ConfigurableApplicationContext context;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() throws SQLException {
        shards = new MariaDbShards("spring_jdbc_it", 3);
        List<String> properties = new ArrayList<>(shards.properties());
        properties.add("spring.shard.tables.t_order.sharding-column=user_id");
        properties.add("spring.autoconfigure.exclude="
                + "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration,"
                + "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration");
        context = new SpringApplicationBuilder(JdbcTemplateApplicationTest.App.class)
                .properties(properties.toArray(String[]::new)).run();
        jdbc = context.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() throws SQLException {
        if (context != null) {
            context.close();
        }
        if (shards != null) {
            shards.drop();
        }
    }

    @BeforeEach
    void table() {
        jdbc.execute("DROP TABLE IF EXISTS t_order");
        jdbc.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, "
                + "status VARCHAR(16) NOT NULL, amount DECIMAL(10,2) NOT NULL) ENGINE=InnoDB");
    }

    private long rowsEverywhere() throws SQLException {
        long total = 0;
        for (String database : shards.databases()) {
            try (Connection c = shards.server().connect(database); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_order")) {
                rs.next();
                total += rs.getLong(1);
            }
        }
        return total;
    }

    @Test
    void crudScatterAndBatch() throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (long user = 1; user <= 30; user++) {
            rows.add(new Object[] {user, user, user % 2 == 0 ? "PAID" : "NEW", BigDecimal.valueOf(user * 3 % 31)});
        }
        assertThat(jdbc.batchUpdate("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (?, ?, ?, ?)",
                rows)).hasSize(30);
        assertThat(rowsEverywhere()).isEqualTo(30);
        assertThat(jdbc.update("UPDATE t_order SET status = 'PAID' WHERE user_id = ?", 3L)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT status FROM t_order WHERE user_id = ?", String.class, 3L))
                .isEqualTo("PAID");
        List<Long> top = jdbc.queryForList(
                "SELECT user_id FROM t_order WHERE status = ? ORDER BY amount DESC, user_id LIMIT 2, 4",
                Long.class, "PAID");
        List<Long> expected = new ArrayList<>();
        for (long user = 1; user <= 30; user++) {
            if (user % 2 == 0 || user == 3) {
                expected.add(user);
            }
        }
        expected.sort((a, b) -> {
            int byAmount = Long.compare(b * 3 % 31, a * 3 % 31);
            return byAmount != 0 ? byAmount : Long.compare(a, b);
        });
        assertThat(top).containsExactlyElementsOf(expected.subList(2, 6));
        assertThat(jdbc.update("DELETE FROM t_order WHERE user_id = ?", 3L)).isEqualTo(1);
        assertThat(rowsEverywhere()).isEqualTo(29);
    }

    @Test
    void transactionalCommitAndRollback() throws SQLException {
        JdbcTemplateApplicationTest.OrderService service = context.getBean(JdbcTemplateApplicationTest.OrderService.class);
        service.insertAll(List.of(1L, 2L, 3L, 4L, 5L, 6L));
        assertThat(rowsEverywhere()).isEqualTo(6);
        assertThatThrownBy(() -> service.insertAllThenFail(List.of(11L, 12L, 13L, 14L, 15L, 16L)))
                .hasMessageContaining("boom");
        assertThat(rowsEverywhere()).isEqualTo(6);
    }
}
