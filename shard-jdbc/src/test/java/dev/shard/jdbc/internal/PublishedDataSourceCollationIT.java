package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.Readiness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A data source that a published slot map brings into use is checked like the sharding it joins: its string
 * sharding columns must have the collation keys are hashed by (the default data source's), else the running instance
 * refuses that version, naming the data source and the column, and keeps routing by the one it has.
 */
class PublishedDataSourceCollationIT {

    private DifferentialDatabases databases;
    private ShardingDataSource running;

    @BeforeEach
    void create() throws SQLException {
        databases = DifferentialDatabases.create(MySqlServer.require(), "slotmap_coll", 3);
    }

    @AfterEach
    void drop() throws SQLException {
        if (running != null) {
            running.close();
        }
        databases.close();
    }

    private ShardConfig config(int count) {
        return SlotMapStoreIT.dataSources(databases, count).shardedTable("t_order", "user_id")
                .shardedTable("t_user", "name").storeSlotMap(true).build();
    }

    private static void run(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Test
    void aPublishedDataSourceWithAnotherKeyCollationIsRefusedAndRoutingStaysOnTheOldVersion() throws Exception {
        for (int i = 0; i < 3; i++) {
            // ds2, which the published map will bring in, compares names by code point where the others fold case.
            String collation = i == 2 ? "utf8mb4_bin" : "utf8mb4_general_ci";
            run(databases.shards().get(i),
                    "CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)",
                    "CREATE TABLE t_user (name VARCHAR(40) COLLATE " + collation + " PRIMARY KEY)");
        }
        ShardConfig two = config(2);
        ShardConfig three = config(3);
        new ShardingDataSource(two).close(); // version 1: the two-way map
        running = new ShardingDataSource(three);
        ShardRuntime runtime = SlotMapStoreTest.runtime(running);
        long user = SlotMapStoreTest.userMovingTo(2, two, three);
        String before = "ds" + SlotMap.of(two).shardIndexOf(user);
        assertThat(running.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards())
                .containsExactly(before);

        assertThat(runtime.slotMapStore().publish(1, SlotMap.of(three))).isEqualTo(2);
        String refusal = Readiness.await(() -> writeToMovingSlot(user), message -> message != null,
                "a write to a slot that version 2 moves to ds2 refused");
        assertThat(refusal).contains("cannot route by version 2 of the slot map")
                .contains("Data source ds2 cannot take slots: sharding column t_user.name has collation utf8mb4_bin "
                        + "there, but its keys are hashed by utf8mb4_general_ci");
        assertThat(runtime.topology().version()).as("still routing by the old version").isEqualTo(1);
        assertThat(running.shardNames()).containsExactly("ds0", "ds1");
        assertThat(running.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards())
                .containsExactly(before);
        try (Connection c = running.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_user")) {
            assertThat(rs.next()).as("reads go on").isTrue();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    /** Null while the write goes through (the instance has not polled yet), else the refusal's message. */
    private String writeToMovingSlot(long user) {
        try (Connection c = running.getConnection();
             PreparedStatement write = c.prepareStatement("UPDATE t_order SET order_id = order_id WHERE user_id = ?")) {
            write.setLong(1, user);
            write.executeUpdate();
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }
}
