package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.RecordingDriver;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Batches whose entries write to a broadcast table, on four H2 shards (MySQL mode) under the
 * {@link RecordingDriver}: each shard receives a run of such entries as one executeBatch, not one execute per
 * entry, and the run is all or nothing as a single broadcast write is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BroadcastBatchTest {

    static final List<String> NAMES = List.of("ds0", "ds1", "ds2", "ds3");
    static final String INSERT_REGION = "INSERT INTO t_region (region_id, name) VALUES (?, ?)";

    private final String prefix = "bcast_batch_" + System.nanoTime();
    private ShardingDataSource ds;
    /** A user whose rows live on ds1. */
    private long userOnDs1;

    private String h2Url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    private String recordingUrl(int shard) {
        return RecordingDriver.url(h2Url(shard));
    }

    @BeforeAll
    void start() throws SQLException {
        RecordingDriver.register();
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < NAMES.size(); i++) {
            builder.dataSource(NAMES.get(i), Map.of("jdbcUrl", recordingUrl(i), "username", "sa", "password", "",
                    "maximumPoolSize", "4", "minimumIdle", "0", "connectionTimeout", "10000"));
        }
        // No stored slot map: its follower's polls of ds0 would be recorded among the batch's statements.
        ds = new ShardingDataSource(builder.defaultDataSource("ds0").storeSlotMap(false)
                .shardedTable("t_order", "user_id")
                .broadcastTables("t_region")
                .build());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
            s.execute("CREATE TABLE t_region (region_id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        }
        for (long user = 1; userOnDs1 == 0; user++) {
            if (ds.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards().equals(List.of("ds1"))) {
                userOnDs1 = user;
            }
        }
    }

    @AfterAll
    void stop() throws SQLException {
        if (ds != null) {
            ds.close();
        }
        for (int i = 0; i < NAMES.size(); i++) {
            try (Connection c = DriverManager.getConnection(h2Url(i), "sa", ""); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
        }
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        for (int i = 0; i < NAMES.size(); i++) {
            try (Connection c = DriverManager.getConnection(h2Url(i), "sa", ""); Statement s = c.createStatement()) {
                s.execute("DELETE FROM t_order");
                s.execute("DELETE FROM t_region");
            }
            RecordingDriver.clear(recordingUrl(i));
        }
    }

    @Test
    void aPreparedBroadcastBatchReachesEachShardAsOneExecuteBatch() throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_REGION)) {
            for (int id = 1; id <= 128; id++) {
                ps.setInt(1, id);
                ps.setString(2, "r" + id);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).hasSize(128).containsOnly(1);
        }
        for (int i = 0; i < NAMES.size(); i++) {
            assertThat(RecordingDriver.batchesSentTo(recordingUrl(i))).as(NAMES.get(i)).containsExactly(128);
            assertThat(RecordingDriver.sentTo(recordingUrl(i))).as(NAMES.get(i)).hasSize(128)
                    .allSatisfy(sent -> assertThat(sent.sql()).isEqualTo(INSERT_REGION));
            assertThat(regions(i)).as(NAMES.get(i)).hasSize(128).startsWith("1:r1").endsWith("128:r128");
        }
    }

    @Test
    void broadcastAndShardedEntriesRunInTheirOrder() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.addBatch("INSERT INTO t_region (region_id, name) VALUES (1, 'a')");
            s.addBatch("UPDATE t_region SET name = 'b' WHERE region_id = 1");
            s.addBatch("INSERT INTO t_order (order_id, user_id) VALUES (1, " + userOnDs1 + ")");
            s.addBatch("UPDATE t_region SET name = 'c' WHERE region_id = 1");
            assertThat(s.executeBatch()).containsExactly(1, 1, 1, 1);
        }
        for (int i = 0; i < NAMES.size(); i++) {
            assertThat(regions(i)).as(NAMES.get(i)).containsExactly("1:c");
            // The two broadcast runs, one batch each, around the sharded entry's batch on ds1.
            assertThat(RecordingDriver.batchesSentTo(recordingUrl(i))).as(NAMES.get(i))
                    .isEqualTo(i == 1 ? List.of(2, 1, 1) : List.of(2, 1));
        }
    }

    @Test
    void aShardFailingInABroadcastRunRollsTheRunBackOnEveryShard() throws SQLException {
        insertDirectly(2, 5);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_REGION)) {
            BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class,
                    () -> failingBatch(c, ps));
            assertThat((Object) e).as("BatchUpdateException").isNotNull();
            assertThat(e.getMessage()).contains("shard ds2")
                    .contains("Rolled back on every shard: nothing was applied of entries 2 to 5");
            // The sharded entry before the broadcast run stays applied, as on one database in auto-commit mode.
            assertThat(e.getUpdateCounts()).containsExactly(1, Statement.EXECUTE_FAILED, Statement.EXECUTE_FAILED,
                    Statement.EXECUTE_FAILED, Statement.EXECUTE_FAILED);
            // The connection and the statement stay usable.
            ps.setInt(1, 9);
            ps.setString(2, "after");
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        for (int i = 0; i < NAMES.size(); i++) {
            assertThat(regions(i)).as(NAMES.get(i)).isEqualTo(i == 2 ? List.of("5:direct", "9:after")
                    : List.of("9:after"));
        }
        try (Connection c = DriverManager.getConnection(h2Url(1), "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_order")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void insideATransactionAFailingBroadcastRunIsUndoneAndTheTransactionStaysOpen() throws SQLException {
        insertDirectly(2, 5);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_REGION)) {
            c.setAutoCommit(false);
            ps.setInt(1, 10);
            ps.setString(2, "before");
            ps.executeUpdate();
            BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class,
                    () -> failingBatch(c, ps));
            assertThat((Object) e).as("BatchUpdateException").isNotNull();
            assertThat(e.getMessage()).contains("shard ds2").contains("the transaction is still open");
            c.commit();
        }
        for (int i = 0; i < NAMES.size(); i++) {
            assertThat(regions(i)).as(NAMES.get(i)).isEqualTo(i == 2 ? List.of("5:direct", "10:before")
                    : List.of("10:before"));
        }
    }

    /** A sharded entry, then four broadcast entries of which region 5 already exists on ds2. */
    private void failingBatch(Connection c, PreparedStatement ps) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.addBatch("INSERT INTO t_order (order_id, user_id) VALUES (1, " + userOnDs1 + ")");
            for (int id = 3; id <= 6; id++) {
                s.addBatch("INSERT INTO t_region (region_id, name) VALUES (" + id + ", 'batch')");
            }
            s.executeBatch();
        }
    }

    private void insertDirectly(int shard, int regionId) throws SQLException {
        try (Connection c = DriverManager.getConnection(h2Url(shard), "sa", ""); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t_region (region_id, name) VALUES (" + regionId + ", 'direct')");
        }
    }

    private List<String> regions(int shard) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(h2Url(shard), "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT region_id, name FROM t_region ORDER BY region_id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }
}
