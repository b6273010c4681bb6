package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.shard.jdbc.testing.H2Shards;

/**
 * A new topology (a fifth data source and a slot map that places keys on it) takes effect for statements and
 * transactions that start after it is installed, without a restart; a transaction already open keeps the one it
 * started with.
 */
class TopologyChangeTest {

    private final H2Shards shards = new H2Shards("topology_" + System.nanoTime());
    private ShardingDataSource ds;
    private ShardRuntime runtime;
    /** The same data sources plus ds4, for its data source configuration and its slot map. */
    private ShardConfig grown;

    private String url(int shard) {
        return shards.url(shard);
    }

    private ShardConfig config(int count) {
        return shards.config(count).build();
    }

    @BeforeEach
    void start() throws SQLException {
        ds = new ShardingDataSource(config(4));
        grown = config(5);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            runtime = c.unwrap(LogicalConnection.class).runtime();
            s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
        }
        // The new shard gets the table the way an operator's migration would give it.
        directly(4, "CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
    }

    @AfterEach
    void stop() {
        ds.close();
    }

    private void directly(int shard, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(shard), "sa", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long rowsOn(int shard, long user) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(shard), "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_order WHERE user_id = " + user)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A user the grown map places on ds4 (the original map places it on one of ds0..ds3). */
    private long userMovingToDs4() {
        SlotMap before = runtime.topology().slotMap();
        for (long user = 1; ; user++) {
            if (SlotMap.of(grown).shardIndexOf(user) == 4) {
                assertThat(before.shardIndexOf(user)).isBetween(0, 3);
                return user;
            }
        }
    }

    private Topology grow() {
        return runtime.install(SlotMap.of(grown), List.of(grown.dataSource("ds4")));
    }

    @Test
    void statementsAfterTheChangeRouteByTheNewSlotMap() throws SQLException {
        long user = userMovingToDs4();
        int oldShard = runtime.topology().shardOf(user);
        try (Connection c = ds.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO t_order (order_id, user_id) VALUES (?, ?)")) {
            insert.setLong(1, 1);
            insert.setLong(2, user);
            insert.executeUpdate();
            assertThat(rowsOn(oldShard, user)).isEqualTo(1);

            Topology next = grow();
            assertThat(next.version()).isEqualTo(2);
            assertThat(ds.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards()).containsExactly("ds4");

            // The same prepared statement and connection: the next execution routes by the new map.
            insert.setLong(1, 2);
            insert.executeUpdate();
            assertThat(rowsOn(4, user)).isEqualTo(1);
            assertThat(rowsOn(oldShard, user)).isEqualTo(1);

            // The connection still reaches the shards it held before the change, now at their new indexes,
            // and a query on every shard sees both rows.
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_order")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2);
            }
        }
        assertThat(ds.shardNames()).containsExactly("ds0", "ds1", "ds2", "ds3", "ds4");
    }

    @Test
    void anOpenTransactionKeepsTheTopologyItStartedWith() throws SQLException {
        long user = userMovingToDs4();
        int oldShard = runtime.topology().shardOf(user);
        try (Connection c = ds.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO t_order (order_id, user_id) VALUES (?, ?)")) {
            c.setAutoCommit(false);
            insert.setLong(1, 1);
            insert.setLong(2, user);
            insert.executeUpdate();

            grow();
            insert.setLong(1, 2);
            insert.executeUpdate(); // same transaction: still the old map
            c.commit();
            assertThat(rowsOn(oldShard, user)).isEqualTo(2);
            assertThat(rowsOn(4, user)).isZero();

            // The next transaction starts on the new topology.
            insert.setLong(1, 3);
            insert.executeUpdate();
            c.commit();
            assertThat(rowsOn(4, user)).isEqualTo(1);
        }
    }

    @Test
    void aSlotMapNamingAnUnknownDataSourceIsRefusedAndChangesNothing() {
        Topology before = runtime.topology();
        assertThatThrownBy(() -> runtime.install(SlotMap.of(grown), List.of()))
                .isInstanceOf(ShardConfigException.class).hasMessageContaining("ds4");
        assertThat(runtime.topology()).isSameAs(before);
    }
}
