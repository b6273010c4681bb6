package dev.shard.cli.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardMigrations;
import dev.shard.cli.reshard.ReshardState.Checkpoint;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.testing.MySqlServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resharding from two shards to three with Flyway locations (examples/db/migration, V1..V3): the prepare step
 * gives the new data source the migration history and tables of the others, and it does so while the new data
 * source still holds no sharded row; only the copy that follows writes them.
 */
class NewDataSourceMigrationIT {

    private static final List<String> OLD = List.of("ds0", "ds1");
    private static final List<String> ALL = List.of("ds0", "ds1", "ds2");
    private static final SlotMap TWO = SlotMap.consistent(OLD, null);
    private static final SlotMap THREE = SlotMap.consistent(ALL, null);
    private static final String LOCATION = "filesystem:" + Path.of("..", "examples", "db", "migration")
            .toAbsolutePath().normalize();

    private final MySqlServer server = MySqlServer.require();
    private ShardPools pools;
    private final ReshardPlan plan = ReshardPlan.of(1, TWO, THREE);
    private ShardConfig config;

    private String database(String name) {
        return "shard_it_mig_new_ds_" + name + "_" + ProcessHandle.current().pid();
    }

    private ShardConfig config(List<String> names) {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (String name : names) {
            builder.dataSource(name, Map.of("jdbcUrl", server.jdbcUrl(database(name)), "username", server.user(),
                    "password", server.password()));
        }
        return builder.shardedTable("t_user", "user_id").shardedTable("t_order", "user_id")
                .shardedTable("t_order_note", "user_id").broadcastTables("t_region").defaultDataSource("ds0")
                .build();
    }

    @BeforeEach
    void migrateOldShards() throws SQLException {
        pools = new ShardPools(server, this::database, ALL);
        try (ShardMigrations migrations = ShardMigrations.open(config(OLD), List.of(LOCATION))) {
            assertThat(migrations.migrate().complete()).isTrue();
        }
        for (long id = 1; id <= 200; id++) {
            execute(OLD.get(TWO.shardIndexOf(id)), "INSERT INTO t_user (user_id, name) VALUES (" + id + ", 'u" + id
                    + "')");
        }
        config = config(ALL);
    }

    @AfterEach
    void dropDatabases() throws SQLException {
        pools.close();
    }

    @Test
    void prepareMigratesTheNewDataSourceBeforeAnyShardedRowIsCopied() throws Exception {
        JdbcMovement movement = new JdbcMovement(config, pools::get,
                ReshardOptions.defaults().withLocations(List.of(LOCATION)));
        assertThat(tables("ds2")).isEmpty();

        movement.prepare(plan);

        // Flyway's own history, not a SHOW CREATE TABLE copy: the same latest version as on the existing shards.
        assertThat(latestVersion("ds2")).isEqualTo("3").isEqualTo(latestVersion("ds0"))
                .isEqualTo(latestVersion("ds1"));
        assertThat(tables("ds2")).contains("t_user", "t_order", "t_order_note", "t_region");
        assertThat(rows("ds2", "SELECT COUNT(*) FROM t_user")).containsExactly("0");

        for (String source : plan.sources()) {
            for (String table : movement.tables()) {
                movement.copy(plan, new Checkpoint(source, table, null, 0, false), (reached, read, moved) -> { });
            }
        }
        for (String table : movement.broadcastTables()) {
            movement.copy(plan, new Checkpoint(plan.broadcastSource(), table, null, 0, false),
                    (reached, read, moved) -> { });
        }
        assertThat(rows("ds2", "SELECT name FROM t_region ORDER BY region_id"))
                .isEqualTo(rows("ds0", "SELECT name FROM t_region ORDER BY region_id")).isNotEmpty();
        assertThat(Long.parseLong(rows("ds2", "SELECT COUNT(*) FROM t_user").get(0))).isPositive();
        assertThat(movement.verify(plan, null)).isEmpty();
        assertThat(rows("ds2", "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1"))
                .isEqualTo(rows("ds0", "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1"));
    }

    private String latestVersion(String name) throws SQLException {
        return rows(name, "SELECT version FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL"
                + " ORDER BY installed_rank DESC LIMIT 1").get(0);
    }

    private List<String> tables(String name) throws SQLException {
        return rows(name, "SHOW TABLES");
    }

    private List<String> rows(String name, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = pools.get(name).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private void execute(String name, String sql) throws SQLException {
        pools.execute(name, sql);
    }
}
