package dev.shard.spring.flyway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.spring.MariaDbShards;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A Spring Boot application with Flyway on the class path and {@code spring.flyway.locations} set, on four shards and
 * a default database of the MySQL-family test server: every one of them is migrated at start-up, with its own
 * history, before the application uses the DataSource.
 */
class FlywayMariaDbIT {

    private static final String MIGRATIONS = "filesystem:"
            + Path.of("../examples/db/migration").toAbsolutePath().normalize();

    @SpringBootApplication
    static class App {
    }

    private MariaDbShards databases;

    @BeforeEach
    void create() throws SQLException {
        databases = new MariaDbShards("spring_flyway_it", 5);
    }

    @AfterEach
    void drop() throws SQLException {
        databases.drop();
    }

    /** ds0..ds3 hold the sharded rows; ds4 is the default data source and holds none. */
    private List<String> properties() {
        List<String> properties = new ArrayList<>(databases.properties());
        properties.add("spring.shard.default-data-source=ds4");
        properties.add("spring.shard.tables.t_user.sharding-column=user_id");
        properties.add("spring.shard.tables.t_order.sharding-column=user_id");
        properties.add("spring.shard.tables.t_order_note.sharding-column=user_id");
        properties.add("spring.shard.broadcast-tables=t_region");
        properties.add("spring.shard.slots.ds0=0-65535");
        properties.add("spring.shard.slots.ds1=65536-131071");
        properties.add("spring.shard.slots.ds2=131072-196607");
        properties.add("spring.shard.slots.ds3=196608-262143");
        properties.add("spring.flyway.locations=" + MIGRATIONS);
        properties.add("spring.autoconfigure.exclude="
                + "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration,"
                + "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration");
        return properties;
    }

    /** The highest version applied successfully; null without a history. */
    private String version(String database) throws SQLException {
        try (Connection c = databases.server().connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                     + "DATABASE() AND TABLE_NAME = 'flyway_schema_history'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return null;
            }
        }
        try (Connection c = databases.server().connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(version) FROM flyway_schema_history WHERE success = 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void everyShardAndTheDefaultAreMigratedAtStartUpEachWithItsOwnHistory() throws SQLException {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .properties(properties().toArray(String[]::new)).run()) {
            for (String database : databases.databases()) {
                assertThat(version(database)).as(database).isEqualTo("3");
            }
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.update("INSERT INTO t_order_note (order_id, user_id, note) VALUES (1, 42, 'migrated')");
            assertThat(jdbc.queryForObject("SELECT note FROM t_order_note WHERE user_id = 42", String.class))
                    .isEqualTo("migrated");
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM t_region", Long.class)).isEqualTo(4L);
        }
    }

    @Test
    void aShardThatFailsStopsTheApplicationWithTheReport() throws SQLException {
        try (Connection c = databases.server().connect(databases.databases().get(1)); Statement s = c.createStatement()) {
            // Flyway refuses a non-empty database without a history: ds1 fails at its first version.
            s.execute("CREATE TABLE stray (id INT)");
        }
        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
                .properties(properties().toArray(String[]::new)).run())
                .rootCause().hasMessageContaining("Shard: migrations incomplete")
                .hasMessageContaining("failed: ds1 at version 1");
        // Version by version: whichever data sources came before ds1 got version 1, none got further.
        for (String database : databases.databases()) {
            assertThat(version(database)).as(database).isIn(null, "1");
        }
    }
}
