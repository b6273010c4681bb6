package dev.shard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.jdbc.ShardPools;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.Readiness;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The "shard" health indicator with one shard on a server the test stops. */
class ShardHealthIT {

    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {
            "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
            "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration"})
    static class App {
    }

    private final String database = "spring_health_it_" + ProcessHandle.current().pid();
    private MySqlServer server;
    private ExtraMariaDb extra;
    private ConfigurableApplicationContext context;

    @AfterEach
    void cleanUp() throws SQLException {
        if (context != null) {
            context.close();
        }
        if (extra != null) {
            extra.close();
        }
        if (server != null) {
            server.dropDatabase(database);
        }
    }

    @Test
    void aStoppedShardReportsDown() throws SQLException {
        server = MySqlServer.require();
        server.recreateDatabase(database);
        extra = ExtraMariaDb.start();
        extra.createDatabase(database);
        context = new SpringApplicationBuilder(App.class).properties(
                "spring.shard.data-sources.ds0.jdbc-url=" + server.jdbcUrl(database),
                "spring.shard.data-sources.ds0.username=" + server.user(),
                "spring.shard.data-sources.ds0.password=" + server.password(),
                "spring.shard.data-sources.ds1.jdbc-url=" + extra.jdbcUrl(database),
                "spring.shard.data-sources.ds1.username=" + extra.user(),
                "spring.shard.data-sources.ds1.password=" + extra.password(),
                "spring.shard.data-sources.ds1.connection-timeout=1000",
                "spring.shard.tables.t_order.sharding-column=user_id",
                "management.endpoint.health.show-details=always").run();

        // Up means each pool hands out a connection that answers; wait for that rather than race the pools' start
        // against ds1's 1 s connectionTimeout (kept short for the check while its server is down).
        ShardingDataSource shards = context.getBean(ShardingDataSource.class);
        for (String shard : shards.shardNames()) {
            Readiness.awaitConnection(ShardPools.of(shards, shard), "Shard " + shard + "'s pool");
        }
        HealthIndicator indicator = context.getBean("shardHealthIndicator", HealthIndicator.class);
        Health up = indicator.health();
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(up.getDetails()).isEqualTo(Map.of("ds0", Map.of("status", "UP"), "ds1", Map.of("status", "UP")));

        extra.stop();
        long started = System.nanoTime();
        Health down = indicator.health();
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails().get("ds0")).isEqualTo(Map.of("status", "UP"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ds1 = (Map<String, Object>) down.getDetails().get("ds1");
        assertThat(ds1).containsEntry("status", "DOWN").containsKey("error");
        assertThat(ds1.get("error").toString()).doesNotContain("jdbc:");
        assertThat(millis).as("the check answers within its timeout").isLessThan(5_000);
        // and the overall health of the application is DOWN
        assertThat(context.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.DOWN);
        System.out.println("shard health with ds1 stopped: " + down);
    }
}
