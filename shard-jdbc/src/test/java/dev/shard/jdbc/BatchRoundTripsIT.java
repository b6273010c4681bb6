package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ExtraMariaDb;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What one executeBatch of 128 prepared INSERTs costs in statements the server receives, through Shard and written
 * by hand, counted by the server itself: the round trips, without the noise of a timing. The workload is the
 * benchmarks' ({@code Workloads.broadcastBatch128}, {@code Workloads.batchInsert128}, {@code BroadcastByHand}):
 * Connector/J with {@code rewriteBatchedStatements}, client-side prepared statements, a connection taken from the
 * pool for each batch, auto-commit on.
 *
 * <p>The databases are on a MariaDB server of this test's own ({@link ExtraMariaDb}), so that its global counters
 * count this test's statements and nothing else: one connection reads them, pools hold one connection each (none is
 * opened while counting), and the slot map is not stored (nothing polls it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchRoundTripsIT {

    static final int SHARDS = 4;
    static final int BATCH = 128;
    static final int BATCHES = 20;
    /**
     * COM_PING, HikariCP's check of a connection idle for more than half a second before handing it out: how many
     * depends on the machine's speed, so it is reported, not compared. The server does not count it in Questions.
     */
    static final String PINGS = "Com_admin_commands";
    static final String INSERT = "INSERT INTO orders (o_id, o_w_id, o_amount) VALUES (?, ?, ?)";
    static final String INSERT_ITEM = "INSERT INTO item (i_id, i_name, i_price) VALUES (?, ?, ?)";
    static final List<String> COUNTERS = List.of("Questions", "Com_insert", "Com_begin", "Com_commit",
            "Com_rollback", "Com_set_option", "Com_select", PINGS);

    private ExtraMariaDb server;
    /** The one connection that reads the counters; its SHOW is the one statement counted that is not a batch's. */
    private Connection counterReader;
    private long nextId = 1;

    @BeforeAll
    void start() throws SQLException {
        server = ExtraMariaDb.start();
        counterReader = server.connect("");
    }

    @AfterAll
    void stop() throws SQLException {
        if (counterReader != null) {
            counterReader.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "useLocalSessionState={0}")
    @ValueSource(booleans = {false, true})
    void aBroadcastBatchCostsEachShardItsInsertABeginAndACommitAndNothingElse(boolean localState)
            throws SQLException {
        String prefix = "rt_bcast_" + localState;
        List<String> databases = BatchDatabases.create(server, prefix, SHARDS);
        List<String> plain = BatchDatabases.create(server, prefix + "_plain", SHARDS);
        try (ShardingDataSource sharded = sharded(databases, localState);
             Pools byHand = new Pools(plain, localState)) {
            Map<String, Long> throughShard = counted(() -> write(sharded, INSERT_ITEM, itemRows()));
            Map<String, Long> written = counted(() -> {
                long[][] rows = itemRows();
                for (DataSource shard : byHand.pools) {
                    write(shard, INSERT_ITEM, rows);
                }
            });
            report("broadcast batch of 128, useLocalSessionState=" + localState, throughShard, written);
            // By hand: one multi-row INSERT per database, committed by auto-commit.
            assertThat(statements(written)).isEqualTo(perShard(1, 1, 0, 0, 0));
            // Through Shard: the same INSERT inside START TRANSACTION ... COMMIT on each shard (all or nothing),
            // and no SET autocommit (the session's auto-commit is never changed).
            assertThat(statements(throughShard)).isEqualTo(perShard(3, 1, 1, 1, 0));
            List<List<String>> copy = BatchDatabases.rows(server, databases.get(0), "item");
            assertThat(copy).hasSize((BATCHES + 1) * BATCH);
            for (int s = 0; s < SHARDS; s++) {
                assertThat(BatchDatabases.rows(server, databases.get(s), "item")).as("ds" + s).isEqualTo(copy);
                assertThat(BatchDatabases.rows(server, plain.get(s), "item")).as("by hand, database " + s)
                        .hasSize(copy.size());
            }
        } finally {
            BatchDatabases.drop(server, databases);
            BatchDatabases.drop(server, plain);
        }
    }

    @ParameterizedTest(name = "useLocalSessionState={0}")
    @ValueSource(booleans = {false, true})
    void aShardedBatchCostsEachShardOneInsertAsWrittenStraightToOneDatabase(boolean localState)
            throws SQLException {
        String prefix = "rt_sharded_" + localState;
        List<String> databases = BatchDatabases.create(server, prefix, SHARDS);
        List<String> direct = BatchDatabases.create(server, prefix + "_direct", 1);
        Random random = new Random(16);
        try (ShardingDataSource sharded = sharded(databases, localState);
             Pools one = new Pools(direct, localState)) {
            Map<String, Long> throughShard = counted(() -> write(sharded, INSERT, orderRows(random)));
            Map<String, Long> straight = counted(() -> write(one.pools.get(0), INSERT, orderRows(random)));
            report("sharded batch of 128 over 64 warehouses, useLocalSessionState=" + localState, throughShard,
                    straight);
            // A batch of 128 rows for 64 warehouses has rows on every shard: one INSERT on each, nothing more.
            assertThat(statements(straight)).isEqualTo(perBatch(1, 1, 0, 0, 0, 0));
            assertThat(statements(throughShard)).isEqualTo(perShard(1, 1, 0, 0, 0));
        } finally {
            BatchDatabases.drop(server, databases);
            BatchDatabases.drop(server, direct);
        }
    }

    @Test
    void aFailedBroadcastBatchRollsBackEveryShardAndLeavesNoTransactionOpen() throws SQLException {
        List<String> databases = BatchDatabases.create(server, "rt_fail", SHARDS);
        try (ShardingDataSource sharded = sharded(databases, true)) {
            write(sharded, INSERT_ITEM, itemRows()); // opens the pools' connections
            long duplicate = nextId + 100;
            try (Connection c = server.connect(databases.get(2)); Statement s = c.createStatement()) {
                s.execute("INSERT INTO item (i_id, i_name, i_price) VALUES (" + duplicate + ", 'only ds2', 1)");
            }
            Map<String, Long> before = counters();
            try (Connection c = sharded.getConnection()) {
                BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class,
                        () -> write(c, INSERT_ITEM, itemRows()));
                assertThat((Object) e).as("BatchUpdateException").isNotNull();
                assertThat(e.getMessage()).contains("shard ds2").contains("Duplicate entry '" + duplicate + "'")
                        .contains("Rolled back on every shard: nothing was applied of entries 1 to " + BATCH);
                assertThat(e.getLargeUpdateCounts()).hasSize(BATCH).containsOnly(Statement.EXECUTE_FAILED);
                Map<String, Long> failed = delta(before, counters());
                System.out.println("BatchRoundTripsIT failed broadcast batch: " + failed);
                assertThat(failed).containsEntry("Com_begin", (long) SHARDS).containsEntry("Com_rollback",
                        (long) SHARDS).containsEntry("Com_commit", 0L).containsEntry("Com_set_option", 0L);
                // The same connection goes on in auto-commit mode: a plain write on each shard is committed at
                // once, visible to other sessions, so no transaction was left open on a shard's connection.
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (int w = 1; w <= 64; w++) {
                        ps.setLong(1, w);
                        ps.setLong(2, w);
                        ps.setLong(3, 1);
                        assertThat(ps.executeUpdate()).isEqualTo(1);
                    }
                }
                int total = 0;
                for (int s = 0; s < SHARDS; s++) {
                    int orders = BatchDatabases.rows(server, databases.get(s), "orders").size();
                    assertThat(orders).as("ds" + s + " orders, read from another session").isPositive();
                    total += orders;
                    assertThat(BatchDatabases.rows(server, databases.get(s), "item")).as("ds" + s + " items")
                            .hasSize(BATCH + (s == 2 ? 1 : 0));
                }
                assertThat(total).isEqualTo(64);
            }
        } finally {
            BatchDatabases.drop(server, databases);
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws SQLException;
    }

    /** The counters' movement over {@link #BATCHES} runs of {@code work}, after one that is not counted. */
    private Map<String, Long> counted(Work work) throws SQLException {
        work.run(); // the first run opens connections and prepares
        Map<String, Long> before = counters();
        for (int b = 0; b < BATCHES; b++) {
            work.run();
        }
        return delta(before, counters());
    }

    /** What {@link #BATCHES} batches cost if each costs, on each of the shards, so much of each counter. */
    private static Map<String, Long> perShard(long questions, long inserts, long begins, long commits,
                                              long setOptions) {
        return perBatch(questions * SHARDS, inserts * SHARDS, begins * SHARDS, commits * SHARDS, 0, setOptions);
    }

    private static Map<String, Long> perBatch(long questions, long inserts, long begins, long commits,
                                              long rollbacks, long setOptions) {
        Map<String, Long> expected = new LinkedHashMap<>();
        long[] values = {questions, inserts, begins, commits, rollbacks, setOptions, 0};
        for (int i = 0; i < values.length; i++) {
            expected.put(COUNTERS.get(i), values[i] * BATCHES);
        }
        return expected;
    }

    /** The counters of statements, without the pool's pings. */
    private static Map<String, Long> statements(Map<String, Long> counted) {
        Map<String, Long> statements = new LinkedHashMap<>(counted);
        statements.remove(PINGS);
        return statements;
    }

    private static void report(String what, Map<String, Long> throughShard, Map<String, Long> other) {
        StringBuilder line = new StringBuilder("BatchRoundTripsIT ").append(what).append(", per batch:");
        for (String counter : COUNTERS) {
            line.append(' ').append(counter).append(' ').append(perBatch(throughShard.get(counter))).append(" vs ")
                    .append(perBatch(other.get(counter))).append(';');
        }
        System.out.println(line);
    }

    private static String perBatch(long total) {
        return total % BATCHES == 0 ? String.valueOf(total / BATCHES) : String.format("%.2f", total / (double) BATCHES);
    }

    private long[][] itemRows() {
        long[][] rows = new long[BATCH][];
        for (int r = 0; r < BATCH; r++) {
            long id = nextId++;
            rows[r] = new long[] {id, id, id % 10_000};
        }
        return rows;
    }

    private long[][] orderRows(Random random) {
        long[][] rows = new long[BATCH][];
        for (int r = 0; r < BATCH; r++) {
            rows[r] = new long[] {nextId++, 1 + random.nextInt(64), random.nextInt(100_000)};
        }
        return rows;
    }

    /** One batch as the benchmarks write it: a connection from the pool, one executeBatch, closed again. */
    private static void write(DataSource target, String sql, long[][] rows) throws SQLException {
        try (Connection c = target.getConnection()) {
            write(c, sql, rows);
        }
    }

    private static void write(Connection c, String sql, long[][] rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (long[] row : rows) {
                ps.setLong(1, row[0]);
                if (sql.equals(INSERT_ITEM)) {
                    ps.setString(2, "item " + row[1]);
                } else {
                    ps.setLong(2, row[1]);
                }
                ps.setLong(3, row[2]);
                ps.addBatch();
            }
            // Connector/J reports a rewritten multi-row INSERT's entries as SUCCESS_NO_INFO.
            assertThat(ps.executeBatch()).hasSize(rows.length).containsOnly(Statement.SUCCESS_NO_INFO);
        }
    }

    private String url(String database, boolean localState) {
        return server.jdbcUrl(database) + "&cachePrepStmts=true&useServerPrepStmts=false&useLocalSessionState="
                + localState;
    }

    /** One connection per pool, opened at start: none is opened while the counters count. */
    private Map<String, String> poolProperties(String database, boolean localState) {
        Map<String, String> pool = new LinkedHashMap<>();
        pool.put("jdbcUrl", url(database, localState));
        pool.put("username", server.user());
        pool.put("password", server.password());
        pool.put("maximumPoolSize", "1");
        pool.put("minimumIdle", "1");
        return pool;
    }

    private ShardingDataSource sharded(List<String> databases, boolean localState) {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < databases.size(); i++) {
            builder.dataSource("ds" + i, poolProperties(databases.get(i), localState));
        }
        return new ShardingDataSource(builder.defaultDataSource("ds0").storeSlotMap(false)
                .shardedTable("orders", "o_w_id").broadcastTables("item").build());
    }

    /** Plain HikariCP pools, the hand-written baseline. */
    private final class Pools implements AutoCloseable {
        final List<HikariDataSource> pools = new ArrayList<>();

        Pools(List<String> databases, boolean localState) {
            for (String database : databases) {
                Properties properties = new Properties();
                properties.putAll(poolProperties(database, localState));
                pools.add(new HikariDataSource(new HikariConfig(properties)));
            }
        }

        @Override
        public void close() {
            pools.forEach(HikariDataSource::close);
        }
    }

    /** The server's global counters, read on the test's own connection. */
    private Map<String, Long> counters() throws SQLException {
        return BatchDatabases.globalCounters(counterReader, COUNTERS);
    }

    /** The counters' growth, less the SHOW that read the second snapshot, which counted itself. */
    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = BatchDatabases.delta(before, after, COUNTERS);
        delta.put("Questions", delta.get("Questions") - 1);
        return delta;
    }
}
