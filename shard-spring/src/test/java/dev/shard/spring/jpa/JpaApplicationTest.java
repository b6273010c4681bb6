package dev.shard.spring.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.internal.keygen.SnowflakeGenerator;
import dev.shard.jdbc.ShardPools;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.spring.H2Shards;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;

/** Spring Data JPA with Hibernate 6 on four H2 shards. */
@SpringBootTest(classes = JpaApplicationTest.App.class, properties = {
        "spring.jpa.hibernate.ddl-auto=create",
        "spring.jpa.open-in-view=false",
        // MySQLDialect, as in production, on H2 in MySQL mode: H2Dialect pages with OFFSET ... FETCH FIRST, which
        // Shard does not merge across shards (it merges LIMIT/OFFSET; see docs/spring-boot.md).
        "spring.jpa.database-platform=org.hibernate.dialect.MySQLDialect",
        "spring.shard.settings.worker-id=9"})
class JpaApplicationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        OrderService orderService(OrderRepository orders) {
            return new OrderService(orders);
        }
    }

    public static class OrderService {

        private final OrderRepository orders;

        OrderService(OrderRepository orders) {
            this.orders = orders;
        }

        @Transactional
        public void saveAllThenFail(List<Order> batch) {
            orders.saveAll(batch);
            orders.flush();
            throw new IllegalStateException("boom");
        }
    }

    @DynamicPropertySource
    static void shards(DynamicPropertyRegistry registry) {
        H2Shards.register(registry);
    }

    @Autowired
    OrderRepository orders;
    @Autowired
    OrderService service;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactionManager;

    private ShardingDataSource sharding() {
        return (ShardingDataSource) dataSource;
    }

    private long rowsOnShard(String shard) {
        return new JdbcTemplate(ShardPools.of(sharding(), shard)).queryForObject("SELECT COUNT(*) FROM t_order",
                Long.class);
    }

    @BeforeEach
    void empty() {
        orders.deleteAllInBatch();
    }

    @Test
    void ddlAutoCreatedTheTableOnEveryShard() {
        for (String shard : sharding().shardNames()) {
            Long tables = new JdbcTemplate(ShardPools.of(sharding(), shard)).queryForObject(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = 't_order'", Long.class);
            assertThat(tables).as(shard).isEqualTo(1);
        }
        assertThat(transactionManager).isInstanceOf(JpaTransactionManager.class);
    }

    @Test
    void saveFindAndDerivedQueries() {
        List<Order> saved = new ArrayList<>();
        for (long user = 1; user <= 20; user++) {
            saved.add(orders.save(new Order(user, "NEW", BigDecimal.valueOf(user))));
            saved.add(orders.save(new Order(user, "PAID", BigDecimal.valueOf(100 + user))));
        }
        assertThat(saved).allSatisfy(o -> assertThat(o.getId()).isPositive());
        assertThat(saved.stream().map(Order::getId).distinct()).hasSize(40);
        // the Snowflake ids carry the configured worker id
        assertThat(SnowflakeGenerator.workerIdOf(saved.get(0).getId())).isEqualTo(9);
        long onShards = sharding().shardNames().stream().mapToLong(this::rowsOnShard).sum();
        assertThat(onShards).isEqualTo(40);

        Order one = saved.get(13);
        // findById: the id is not the shard key, so this is a scatter query
        Order found = orders.findById(one.getId()).orElseThrow();
        assertThat(found.getUserId()).isEqualTo(one.getUserId());
        assertThat(found.getAmount()).isEqualByComparingTo(one.getAmount());

        assertThat(orders.findByUserId(7)).extracting(Order::getStatus).containsExactlyInAnyOrder("NEW", "PAID");
        assertThat(orders.count()).isEqualTo(40);

        found.setStatus("SHIPPED");
        orders.save(found);
        assertThat(orders.findById(one.getId()).orElseThrow().getStatus()).isEqualTo("SHIPPED");
        orders.delete(found);
        assertThat(orders.findById(one.getId())).isEmpty();
    }

    @Test
    void pageableWithSortAcrossShards() {
        List<Order> paid = new ArrayList<>();
        for (long user = 1; user <= 23; user++) {
            paid.add(orders.save(new Order(user, "PAID", BigDecimal.valueOf(user * 7 % 23 + 0.25))));
            orders.save(new Order(user, "NEW", BigDecimal.valueOf(1000 + user)));
        }
        Page<Order> page = orders.findByStatus("PAID", PageRequest.of(1, 5, Sort.by("amount").descending()));
        List<BigDecimal> expected = paid.stream().map(Order::getAmount).sorted(Comparator.reverseOrder())
                .skip(5).limit(5).toList();
        assertThat(page.getContent()).extracting(Order::getAmount)
                .usingElementComparator(BigDecimal::compareTo).containsExactlyElementsOf(expected);
        assertThat(page.getTotalElements()).isEqualTo(23);
        assertThat(page.getTotalPages()).isEqualTo(5);
    }

    @Test
    void rollbackLeavesNoRowOnAnyShard() {
        List<Order> batch = new ArrayList<>();
        for (long user = 1; user <= 12; user++) {
            batch.add(new Order(user, "NEW", BigDecimal.ONE));
        }
        assertThatThrownBy(() -> service.saveAllThenFail(batch)).hasMessageContaining("boom");
        for (String shard : sharding().shardNames()) {
            assertThat(rowsOnShard(shard)).as(shard).isZero();
        }
    }
}
