package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.Readiness;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An application instance that cannot read the stored slot map for longer than its lease, with no reshard known to
 * it (docs/resharding.md, "The lease"): a reshard it has not seen may be moving any slot or adding a data source, so
 * it refuses writes to sharded tables and to broadcast tables (a broadcast write let through would miss a data
 * source added without it), and takes them again once the metadata can be read. The metadata data source is on an
 * {@link ExtraMariaDb} the test kills; ds0 and ds1 on the shared server stay up throughout.
 */
class MetadataLeaseIT {

    private static final long LEASE_MILLIS = 1_000;

    private final String prefix = "shard_it_lease_" + ProcessHandle.current().pid() + "_";
    private MySqlServer server;
    private ExtraMariaDb extra;
    private ShardingDataSource sharded;
    /** A user whose rows live on ds0, on the shared server. */
    private long onDs0;

    @BeforeEach
    void start() throws SQLException {
        server = MySqlServer.require();
        extra = ExtraMariaDb.start();
        server.recreateDatabase(prefix + "ds0");
        server.recreateDatabase(prefix + "ds1");
        extra.createDatabase(prefix + "meta");
        ShardConfig config = ShardConfig.builder()
                .dataSource("ds0", pool(server.jdbcUrl(prefix + "ds0"), server.user(), server.password()))
                .dataSource("ds1", pool(server.jdbcUrl(prefix + "ds1"), server.user(), server.password()))
                .dataSource("meta", pool(extra.jdbcUrl(prefix + "meta"), extra.user(), extra.password()))
                .defaultDataSource("ds0")
                .metadataDataSource("meta")
                .slotMapPollMillis(100)
                .metadataLeaseMillis(LEASE_MILLIS)
                .shardedTable("t_order", "user_id")
                .broadcastTables("t_region")
                .build();
        sharded = new ShardingDataSource(config);
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
            s.execute("CREATE TABLE t_region (region_id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        }
        SlotMap slots = SlotMap.of(config);
        onDs0 = 1;
        while (!slots.shards().get(slots.shardIndexOf(onDs0)).equals("ds0")) {
            onDs0++;
        }
    }

    @AfterEach
    void stop() throws SQLException {
        try {
            if (sharded != null) {
                sharded.close();
            }
            server.dropDatabase(prefix + "ds0");
            server.dropDatabase(prefix + "ds1");
        } finally {
            extra.close();
        }
    }

    private static Map<String, String> pool(String jdbcUrl, String user, String password) {
        // A short connection timeout: the polls of a dead metadata server fail within it.
        return Map.of("jdbcUrl", jdbcUrl, "username", user, "password", password, "connectionTimeout", "1000");
    }

    @Test
    void withNoReshardKnownAnExpiredLeaseRefusesBroadcastWritesUntilTheMetadataIsBack() throws Exception {
        insertRegion(1, "before");
        assertThat(regionsOnSharedServer(1)).isEqualTo(2);

        extra.stop();
        // The lease runs out on the instance's timer: from then on a sharded write to ds0, which is up, is refused.
        SQLException refusal = Readiness.await(this::shardedWriteOnDs0, e -> e instanceof SQLTransientException
                && e.getMessage().contains("settings.metadataLeaseMillis"), "the lease to run out");
        assertThat(refusal.getMessage()).contains("table t_order");

        assertThatThrownBy(() -> insertRegion(2, "refused")).isInstanceOf(SQLTransientException.class)
                .hasMessageContaining("broadcast table t_region")
                .hasMessageContaining("has not read table shard_slot_map")
                .hasMessageContaining("settings.metadataLeaseMillis (" + LEASE_MILLIS + " ms)");
        try (Connection c = sharded.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE t_region SET name = 'changed' WHERE region_id = 1")) {
            assertThatThrownBy(update::executeUpdate).isInstanceOf(SQLTransientException.class)
                    .hasMessageContaining("broadcast table t_region");
        }
        assertThat(regionsOnSharedServer(2)).as("the refused write on ds0 and ds1").isZero();
        try (Connection c = sharded.getConnection();
             PreparedStatement read = c.prepareStatement("SELECT COUNT(*) FROM t_order WHERE user_id = ?")) {
            read.setLong(1, onDs0);
            try (ResultSet rs = read.executeQuery()) {
                assertThat(rs.next()).as("reads go on").isTrue();
            }
        }

        extra.restart();
        Readiness.await(this::shardedWriteOnDs0, e -> e == null, "writes to be taken again");
        // The metadata server is also data source meta, whose pool refills (and whose breaker, opened while it was
        // down, closes) on its own schedule: a broadcast write, all or nothing, is tried until meta takes it.
        Readiness.await(() -> {
            try {
                insertRegion(2, "after");
                return null;
            } catch (SQLException e) {
                return e;
            }
        }, e -> e == null, "broadcast writes to be taken again");
        assertThat(regionsOnSharedServer(2)).isEqualTo(2);
        try (Connection c = DriverManager.getConnection(extra.jdbcUrl(prefix + "meta"), extra.user(), extra.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_region WHERE region_id = 2")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the write on meta").isEqualTo(1);
        }
    }

    /** A write to a sharded table on ds0 that changes nothing; null if it ran, else why it did not. */
    private SQLException shardedWriteOnDs0() {
        try (Connection c = sharded.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM t_order WHERE user_id = ?")) {
            delete.setLong(1, onDs0);
            delete.executeUpdate();
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    private void insertRegion(long id, String name) throws SQLException {
        try (Connection c = sharded.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO t_region (region_id, name) VALUES (?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, name);
            insert.executeUpdate();
        }
    }

    /** The copies of a region on ds0 and ds1, read past Shard. */
    private long regionsOnSharedServer(long id) throws SQLException {
        long copies = 0;
        for (String shard : new String[] {"ds0", "ds1"}) {
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(prefix + shard), server.user(),
                    server.password());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_region WHERE region_id = " + id)) {
                rs.next();
                copies += rs.getLong(1);
            }
        }
        return copies;
    }
}
