package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A batch over several shards is paced as a scatter is ({@code settings.sequentialScatterBelowMicros}): while its
 * shards' batches have proved cheap they run one after another on the calling thread, otherwise in parallel, with
 * the same counts, messages and all-or-nothing outcome either way. Which thread ran each shard's batch is read from
 * the rows themselves: every INSERT stores {@code thread_name()} ({@link ThreadNamingShards}).
 */
public class BatchPacingTest {

    private static final int SHARDS = 4;
    private static final String INSERT_ORDER =
            "INSERT INTO t_order (order_id, user_id, thread, p) VALUES (?, ?, thread_name(), pause(?))";
    private static final String INSERT_REGION = "INSERT INTO t_region (region_id, name) VALUES (?, ?)";
    /** Far above what a few one-row H2 inserts cost even on a busy machine; far below 4 x 300 ms of pauses. */
    private static final long HALF_A_SECOND = 500_000;
    /** Every batch that ever succeeded counts as cheap. */
    private static final long ALWAYS_SEQUENTIAL = Long.MAX_VALUE / 1_000;

    private ThreadNamingShards shards;
    private ShardingDataSource ds;
    /** A user whose orders live on shard i, per i. */
    private final long[] userOn = new long[SHARDS];
    private long nextOrder = 1;

    private void start(long sequentialBelowMicros) throws SQLException {
        shards = new ThreadNamingShards("batch_pacing", SHARDS);
        ds = new ShardingDataSource(shards.create().shardedTable("t_order", "user_id").broadcastTables("t_region")
                .sequentialScatterBelowMicros(sequentialBelowMicros).build());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL,"
                    + " thread VARCHAR(200) NOT NULL, p INT NOT NULL)");
            s.execute("CREATE TABLE t_region (region_id INT PRIMARY KEY, name VARCHAR(200) NOT NULL)");
        }
        for (long user = 1; userOn[SHARDS - 1] == 0 || userOn[0] == 0 || userOn[1] == 0 || userOn[2] == 0; user++) {
            String shard = ds.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards().get(0);
            int index = Integer.parseInt(shard.substring(2));
            if (userOn[index] == 0) {
                userOn[index] = user;
            }
        }
    }

    @AfterEach
    void stop() throws SQLException {
        if (shards != null) {
            shards.close(ds);
        }
        shards = null;
        ds = null;
    }

    private void directly(int shard, String sql) throws SQLException {
        shards.directly(shard, sql);
    }

    private List<String> rows(int shard, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(shards.url(shard), "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }

    /**
     * One executeBatch of two orders per shard, each pausing {@code pauseMillis}; returns, per shard, the threads
     * its inserts ran on.
     */
    private Map<Integer, List<String>> threadsOfOneBatch(Connection c, int pauseMillis) throws SQLException {
        List<Long> orders = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(INSERT_ORDER)) {
            for (int round = 0; round < 2; round++) {
                for (int shard = 0; shard < SHARDS; shard++) {
                    long order = nextOrder++;
                    orders.add(order);
                    ps.setLong(1, order);
                    ps.setLong(2, userOn[shard]);
                    ps.setInt(3, pauseMillis);
                    ps.addBatch();
                }
            }
            assertThat(ps.executeBatch()).containsOnly(1).hasSize(2 * SHARDS);
        }
        Map<Integer, List<String>> threads = new TreeMap<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            for (String row : rows(shard, "SELECT order_id, thread FROM t_order WHERE order_id BETWEEN "
                    + orders.get(0) + " AND " + orders.get(orders.size() - 1))) {
                threads.computeIfAbsent(shard, k -> new ArrayList<>()).add(row.substring(row.indexOf(':') + 1));
            }
        }
        assertThat(threads).as("every shard's orders").containsOnlyKeys(0, 1, 2, 3)
                .allSatisfy((shard, names) -> assertThat(names).hasSize(2));
        return threads;
    }

    /** How many shards ran their part of the batch on Shard's threads rather than the caller's. */
    private static long shardsOnPoolThreads(Map<Integer, List<String>> threads) {
        return threads.values().stream()
                .filter(names -> names.stream().allMatch(name -> name.startsWith("shard-scatter-"))).count();
    }

    @Test
    void aCheapBatchMovesToTheCallersThreadAndASlowOneBackToParallel() throws SQLException {
        start(HALF_A_SECOND);
        String caller = Thread.currentThread().getName();
        try (Connection c = ds.getConnection()) {
            // Nothing known yet: parallel, the last shard on the caller's thread, the others on Shard's threads.
            assertThat(shardsOnPoolThreads(threadsOfOneBatch(c, 0))).isEqualTo(SHARDS - 1);
            // Proved cheap: every shard's batch now runs on the caller's thread.
            assertThat(threadsOfOneBatch(c, 0)).allSatisfy((shard, names) ->
                    assertThat(names).as("threads of shard " + shard).containsOnly(caller));

            // The same batch turns slow (8 x 300 ms a run): within a few runs it is parallel again.
            List<Long> pooled = new ArrayList<>();
            for (int run = 0; run < 5 && (pooled.isEmpty() || pooled.get(pooled.size() - 1) == 0); run++) {
                pooled.add(shardsOnPoolThreads(threadsOfOneBatch(c, 300)));
            }
            assertThat(pooled).as("shards on Shard's threads, run by run").endsWith((long) (SHARDS - 1));
            assertThat(pooled.size()).as("runs until parallel again").isBetween(2, 5);
        }
    }

    @Test
    void zeroMeansAlwaysParallel() throws SQLException {
        start(0);
        try (Connection c = ds.getConnection()) {
            for (int run = 0; run < 3; run++) {
                assertThat(shardsOnPoolThreads(threadsOfOneBatch(c, 0))).isEqualTo(SHARDS - 1);
            }
        }
    }

    /** What a failing batch left: its message, its counts, and the rows of every shard. */
    private record Outcome(String message, List<Long> counts, List<List<String>> rows) {
    }

    @FunctionalInterface
    private interface Scenario {
        Outcome run() throws SQLException;
    }

    /**
     * Runs {@code scenario} on new shards where every batch runs in parallel, then on new shards where every batch
     * that succeeded once runs in sequence; checks that both left the same, and returns it.
     */
    private Outcome sameInBothModes(Scenario scenario) throws SQLException {
        start(0);
        Outcome parallel = scenario.run();
        stop();
        nextOrder = 1;
        start(ALWAYS_SEQUENTIAL);
        Outcome sequential = scenario.run();
        assertThat(sequential).isEqualTo(parallel);
        return sequential;
    }

    /** Runs a batch that must fail; what it left, with the rows {@code rowsSql} reads on every shard. */
    private Outcome failedBatch(PreparedStatement ps, String rowsSql) throws SQLException {
        BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, ps::executeBatch);
        assertThat((Object) e).as("BatchUpdateException").isNotNull();
        List<List<String>> rows = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            rows.add(rows(shard, rowsSql));
        }
        return new Outcome(e.getMessage(), Arrays.stream(e.getLargeUpdateCounts()).boxed().toList(), rows);
    }

    /**
     * A batch of two orders per shard whose entry 6 (the second order on ds1) collides with an order already there:
     * ds1 keeps entry 2 (H2 goes on after a failed entry, and the others' batches ran), the other shards both of
     * theirs. Run after one batch of the same size that succeeded, so that it counts as cheap.
     */
    private Outcome oneShardFailing() throws SQLException {
        try (Connection c = ds.getConnection()) {
            threadsOfOneBatch(c, 0);
            directly(1, "INSERT INTO t_order (order_id, user_id, thread, p) VALUES (1006, " + userOn[1]
                    + ", 'already there', 0)");
            try (PreparedStatement ps = c.prepareStatement(INSERT_ORDER)) {
                for (int entry = 1; entry <= 2 * SHARDS; entry++) {
                    ps.setLong(1, 1000 + entry);
                    ps.setLong(2, userOn[(entry - 1) % SHARDS]);
                    ps.setInt(3, 0);
                    ps.addBatch();
                }
                return failedBatch(ps, "SELECT order_id, user_id FROM t_order WHERE order_id > 1000 ORDER BY order_id");
            }
        }
    }

    @Test
    void aShardFailingInASequentialBatchIsReportedAsInAParallelOne() throws SQLException {
        Outcome outcome = sameInBothModes(this::oneShardFailing);
        assertThat(outcome.message()).startsWith("Batch failed on shard ds1: ")
                .endsWith(" (the other shards' entries ran; see the update counts)");
        assertThat(outcome.counts()).containsExactly(1L, 1L, 1L, 1L, 1L, (long) Statement.EXECUTE_FAILED, 1L, 1L);
    }

    /**
     * A run of broadcast entries whose entry 2 collides with a region already on ds2: after one batch of the same
     * size that succeeded, so that it counts as cheap. Returns the message and counts, and checks that no shard
     * kept any of the run.
     */
    private Outcome broadcastFailing() throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_REGION)) {
            for (int region = 1; region <= 3; region++) {
                ps.setInt(1, region);
                ps.setString(2, "region " + region);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
            directly(2, "INSERT INTO t_region (region_id, name) VALUES (12, 'only on ds2')");
            for (int region = 11; region <= 13; region++) {
                ps.setInt(1, region);
                ps.setString(2, "region " + region);
                ps.addBatch();
            }
            return failedBatch(ps, "SELECT region_id, name FROM t_region WHERE region_id > 10 ORDER BY region_id");
        }
    }

    @Test
    void aBroadcastRunFailingInSequenceIsRolledBackEverywhereAsInParallel() throws SQLException {
        Outcome outcome = sameInBothModes(this::broadcastFailing);
        assertThat(outcome.message()).startsWith("Batch failed on shard ds2: ")
                .contains(". Rolled back on every shard: nothing was applied of entries 1 to 3");
        assertThat(outcome.counts()).containsOnly((long) Statement.EXECUTE_FAILED).hasSize(3);
        assertThat(outcome.rows()).containsExactly(List.of(), List.of(), List.of("12:only on ds2"), List.of());
    }

    @Test
    void aCheapBroadcastRunRunsOnTheCallersThreadAndCommitsEveryShard() throws SQLException {
        start(ALWAYS_SEQUENTIAL);
        String caller = Thread.currentThread().getName();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO t_region (region_id, name) VALUES (?, thread_name())")) {
            for (int batch = 0; batch < 2; batch++) { // the first proves it cheap
                for (int region = 1; region <= 3; region++) {
                    ps.setInt(1, 10 * batch + region);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
            }
        }
        for (int shard = 0; shard < SHARDS; shard++) {
            assertThat(rows(shard, "SELECT region_id, name FROM t_region WHERE region_id > 10 ORDER BY region_id"))
                    .as("ds" + shard).containsExactly("11:" + caller, "12:" + caller, "13:" + caller);
        }
    }
}
