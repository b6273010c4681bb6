package dev.shard.spring.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.jdbc.testing.MySqlServer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

/**
 * The JPA application on three databases of the MySQL-family test server, with the dialect Hibernate picks by
 * itself (MySQL or MariaDB: {@code limit ?,?} paging), {@code ddl-auto=create} and Snowflake ids.
 */
class JpaMariaDbIT {

    private static final int SHARDS = 3;
    private static MySqlServer server;
    private static final List<String> databases = new ArrayList<>();
    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() throws SQLException {
        server = MySqlServer.require();
        List<String> properties = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            String database = "spring_jpa_it_" + i + "_" + ProcessHandle.current().pid();
            server.recreateDatabase(database);
            databases.add(database);
            properties.add("spring.shard.data-sources.ds" + i + ".jdbc-url=" + server.jdbcUrl(database));
            properties.add("spring.shard.data-sources.ds" + i + ".username=" + server.user());
            properties.add("spring.shard.data-sources.ds" + i + ".password=" + server.password());
            properties.add("spring.shard.data-sources.ds" + i + ".maximum-pool-size=4");
        }
        properties.add("spring.shard.tables.t_order.sharding-column=user_id");
        properties.add("spring.jpa.hibernate.ddl-auto=create");
        properties.add("spring.jpa.open-in-view=false");
        context = new SpringApplicationBuilder(JpaApplicationTest.App.class)
                .properties(properties.toArray(String[]::new)).run();
    }

    @AfterAll
    static void stop() throws SQLException {
        if (context != null) {
            context.close();
        }
        for (String database : databases) {
            server.dropDatabase(database);
        }
    }

    private long rows(String database) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_order")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void jpaOnEveryShard() throws SQLException {
        OrderRepository orders = context.getBean(OrderRepository.class);
        // ddl-auto=create reached every shard
        for (String database : databases) {
            try (Connection c = server.connect(database);
                 ResultSet rs = c.getMetaData().getTables(database, null, "t_order", null)) {
                assertThat(rs.next()).as(database).isTrue();
            }
        }
        List<Order> paid = new ArrayList<>();
        for (long user = 1; user <= 23; user++) {
            paid.add(orders.save(new Order(user, "PAID", BigDecimal.valueOf(user * 7 % 23 + 0.5))));
            orders.save(new Order(user, "NEW", BigDecimal.valueOf(1000 + user)));
        }
        long total = 0;
        for (String database : databases) {
            long n = rows(database);
            assertThat(n).as(database).isPositive();
            total += n;
        }
        assertThat(total).isEqualTo(46);

        assertThat(orders.findByUserId(5)).hasSize(2);
        Order one = paid.get(4);
        assertThat(orders.findById(one.getId())).get().extracting(Order::getUserId).isEqualTo(5L);

        Page<Order> page = orders.findByStatus("PAID", PageRequest.of(1, 5, Sort.by("amount").descending()));
        List<BigDecimal> expected = paid.stream().map(Order::getAmount).sorted(Comparator.reverseOrder())
                .skip(5).limit(5).toList();
        assertThat(page.getContent()).extracting(Order::getAmount)
                .usingElementComparator(BigDecimal::compareTo).containsExactlyElementsOf(expected);
        assertThat(page.getTotalElements()).isEqualTo(23);

        Order loaded = orders.findById(one.getId()).orElseThrow();
        loaded.setStatus("SHIPPED");
        orders.save(loaded);
        assertThat(orders.findByUserId(5)).extracting(Order::getStatus).contains("SHIPPED");

        List<Order> batch = new ArrayList<>();
        for (long user = 100; user < 110; user++) {
            batch.add(new Order(user, "NEW", BigDecimal.ONE));
        }
        JpaApplicationTest.OrderService service = context.getBean(JpaApplicationTest.OrderService.class);
        assertThatThrownBy(() -> service.saveAllThenFail(batch)).hasMessageContaining("boom");
        total = 0;
        for (String database : databases) {
            total += rows(database);
        }
        assertThat(total).isEqualTo(46);
    }
}
