package dev.shard.spring.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.spring.MariaDbShards;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** The MyBatis mapper on three databases of the MySQL-family test server. */
class MyBatisMariaDbIT {

    private static MariaDbShards shards;
    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() throws SQLException {
        shards = new MariaDbShards("spring_mybatis_it", 3);
        List<String> properties = new ArrayList<>(shards.properties());
        properties.add("spring.shard.tables.t_order.sharding-column=user_id");
        properties.add("spring.autoconfigure.exclude="
                + "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration,"
                + "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration");
        context = new SpringApplicationBuilder(MyBatisApplicationTest.App.class)
                .properties(properties.toArray(String[]::new)).run();
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

    @Test
    void mapperSelectsInsertsAndUpdates() {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        jdbc.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, "
                + "status VARCHAR(16) NOT NULL, amount DECIMAL(10,2) NOT NULL)");
        OrderMapper mapper = context.getBean(OrderMapper.class);
        for (long user = 1; user <= 20; user++) {
            assertThat(mapper.insert(user * 10, user, "NEW", BigDecimal.valueOf(user))).isEqualTo(1);
            assertThat(mapper.insert(user * 10 + 1, user, "PAID", BigDecimal.valueOf(50 + user))).isEqualTo(1);
        }
        assertThat(mapper.findByUser(7)).hasSize(2);
        assertThat(mapper.updateStatus(7, 70, "PAID")).isEqualTo(1);
        assertThat(mapper.topByAmount("PAID", 3)).containsExactly(201L, 191L, 181L);
        assertThat(mapper.totalsByStatus()).hasSize(2);
    }
}
