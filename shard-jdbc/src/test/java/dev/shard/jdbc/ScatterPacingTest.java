package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code settings.sequentialScatterBelowMicros}: a statement on several shards runs them one after another on the
 * calling thread while they have proved cheap, in parallel otherwise, with the same results and the same handling
 * of failures either way. Which thread ran each shard's statement is read from the shard itself
 * ({@link ThreadNamingShards}).
 */
public class ScatterPacingTest {

    private static final int SHARDS = 4;
    private final ThreadNamingShards shards = new ThreadNamingShards("pacing", SHARDS);
    private ShardingDataSource ds;

    private void start(long sequentialBelowMicros) throws SQLException {
        ds = new ShardingDataSource(shards.create().shardedTable("t_order", "user_id")
                .sequentialScatterBelowMicros(sequentialBelowMicros).build());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, amount INT)");
            // One order per shard, so each shard returns exactly one row naming its thread.
            for (int shard = 0; shard < SHARDS; shard++) {
                long user = userOn(shard);
                s.executeUpdate("INSERT INTO t_order (order_id, user_id, amount) VALUES (" + shard + ", " + user + ", 10)");
            }
        }
    }

    @AfterEach
    void stop() throws SQLException {
        shards.close(ds);
    }

    private long userOn(int shard) throws SQLException {
        for (long user = 1; ; user++) {
            if (ds.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards().get(0).equals("ds" + shard)) {
                return user;
            }
        }
    }

    /** Runs the scatter query; returns, per order id (one per shard), the thread its shard statement ran on. */
    private Map<Long, String> threadsOfOneExecution(Connection c, int pauseMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT order_id, thread_name() AS thread, pause(?) AS p FROM t_order ORDER BY order_id")) {
            ps.setInt(1, pauseMillis);
            Map<Long, String> threads = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    threads.put(rs.getLong(1), rs.getString(2));
                }
            }
            assertThat(threads).as("every shard's row").containsOnlyKeys(0L, 1L, 2L, 3L);
            return threads;
        }
    }

    private static long onPoolThreads(Map<Long, String> threads) {
        return threads.values().stream().filter(name -> name.startsWith("shard-scatter-")).count();
    }

    @Test
    void aCheapStatementMovesToTheCallersThreadAndASlowOneBackToParallel() throws SQLException {
        // 500 ms: far above what four one-row H2 queries cost even on a busy machine, where a thread may wait tens
        // of milliseconds for a core; far below four 300 ms pauses, which no machine makes shorter.
        start(500_000);
        String caller = Thread.currentThread().getName();
        try (Connection c = ds.getConnection()) {
            // Nothing known yet: parallel, the last shard on the caller's thread, the others on Shard's threads.
            assertThat(onPoolThreads(threadsOfOneExecution(c, 0))).isEqualTo(SHARDS - 1);
            // Proved cheap: every shard now runs on the caller's thread.
            assertThat(threadsOfOneExecution(c, 0)).allSatisfy((order, thread) -> assertThat(thread).isEqualTo(caller));

            // The same statement turns slow (4 x 300 ms a run): within a few runs it is parallel again.
            List<Long> pooled = new ArrayList<>();
            for (int run = 0; run < 5 && (pooled.isEmpty() || pooled.get(pooled.size() - 1) == 0); run++) {
                pooled.add(onPoolThreads(threadsOfOneExecution(c, 300)));
            }
            assertThat(pooled).as("shards on Shard's threads, run by run").endsWith((long) (SHARDS - 1));
            assertThat(pooled.size()).as("runs until parallel again").isBetween(2, 5);

            // And cheap again: back on the caller's thread once the average has come down.
            boolean sequentialAgain = false;
            for (int run = 0; run < 30 && !sequentialAgain; run++) {
                sequentialAgain = onPoolThreads(threadsOfOneExecution(c, 0)) == 0;
            }
            assertThat(sequentialAgain).as("sequential again after cheap runs").isTrue();
        }
    }

    @Test
    void zeroMeansAlwaysParallel() throws SQLException {
        start(0);
        try (Connection c = ds.getConnection()) {
            for (int run = 0; run < 5; run++) {
                assertThat(onPoolThreads(threadsOfOneExecution(c, 0))).isEqualTo(SHARDS - 1);
            }
        }
    }

    @Test
    void aShardFailingInSequentialModeIsNamedStopsTheRestAndLeavesTheConnectionUsable() throws SQLException {
        start(Long.MAX_VALUE / 1_000);
        String sql = "SELECT order_id, amount FROM t_order ORDER BY order_id";
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(sql)) {
                assertThat(ResultSetsRows.count(rs)).isEqualTo(SHARDS); // proved cheap: sequential from now on
            }
            shards.directly(1, "ALTER TABLE t_order DROP COLUMN amount");
            assertThatThrownBy(() -> s.executeQuery(sql))
                    .isInstanceOf(SQLException.class)
                    .hasMessageStartingWith("Shard ds1: ")
                    .hasMessageContaining("amount");
            // ds2 and ds3 were never started; ds0's result was closed: the pool check in stop() proves it.
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_order")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(SHARDS);
            }
        }
    }

    @Test
    void aWriteFailingInSequentialModeIsUndoneOnTheShardsThatRanBeforeIt() throws SQLException {
        start(Long.MAX_VALUE / 1_000);
        String update = "UPDATE t_order SET amount = amount + 1";
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate(update)).isEqualTo(SHARDS); // proved cheap: sequential from now on
            shards.directly(2, "ALTER TABLE t_order ADD CONSTRAINT small CHECK (amount < 12)");
            assertThatThrownBy(() -> s.executeUpdate(update))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Shard ds2")
                    .hasMessageContaining("nothing was applied");
            // ds0 and ds1 ran the UPDATE before ds2 failed; both were rolled back.
            try (ResultSet rs = s.executeQuery("SELECT order_id, amount FROM t_order ORDER BY order_id")) {
                for (int order = 0; order < SHARDS; order++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(2)).as("amount of order " + order).isEqualTo(11);
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /** Counting rows without pulling in a helper for one line. */
    private static final class ResultSetsRows {
        static int count(ResultSet rs) throws SQLException {
            int rows = 0;
            while (rs.next()) {
                rows++;
            }
            return rows;
        }
    }
}
