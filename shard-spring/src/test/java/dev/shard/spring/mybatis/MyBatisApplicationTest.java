package dev.shard.spring.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.spring.H2Shards;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A MyBatis mapper on four H2 shards. */
@SpringBootTest(classes = MyBatisApplicationTest.App.class, properties = "spring.autoconfigure.exclude="
        + "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration,"
        + "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration")
class MyBatisApplicationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void shards(DynamicPropertyRegistry registry) {
        H2Shards.register(registry);
    }

    @Autowired
    OrderMapper mapper;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void tables() {
        jdbc.execute("DROP TABLE IF EXISTS t_order");
        jdbc.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, "
                + "status VARCHAR(16) NOT NULL, amount DECIMAL(10,2) NOT NULL)");
    }

    @Test
    void insertsSelectsAndUpdates() {
        for (long user = 1; user <= 20; user++) {
            assertThat(mapper.insert(user * 10, user, "NEW", BigDecimal.valueOf(user))).isEqualTo(1);
            assertThat(mapper.insert(user * 10 + 1, user, "PAID", BigDecimal.valueOf(50 + user))).isEqualTo(1);
        }
        List<Map<String, Object>> user7 = mapper.findByUser(7);
        assertThat(user7).hasSize(2);
        assertThat(value(user7.get(0), "status"))
                .isEqualTo("NEW");

        assertThat(mapper.updateStatus(7, 70, "PAID")).isEqualTo(1);
        assertThat(mapper.topByAmount("PAID", 3)).containsExactly(201L, 191L, 181L);

        List<Map<String, Object>> totals = mapper.totalsByStatus();
        assertThat(totals).hasSize(2);
        Map<String, Object> paid = totals.get(1);
        assertThat(((Number) value(paid, "n")).longValue()).isEqualTo(21);
        assertThat(new BigDecimal(value(paid, "total").toString()))
                .isEqualByComparingTo(BigDecimal.valueOf(20 * 50 + 210 + 7));
    }

    private static Object value(Map<String, Object> row, String column) {
        return row.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(column)).findFirst().orElseThrow()
                .getValue();
    }
}
