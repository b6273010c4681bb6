package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.ResultSets;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Scatter statements when something goes wrong on a real MySQL-family server: one shard failing, a query
 * timeout, a cancel; and scatter writes' update counts. Databases scatter_fail_0..3 and scatter_fail_ref, each
 * suffixed with the process id so that concurrent builds do not collide.
 *
 * <p>t is sharded by user_id; row {@code id} (1..12) belongs to a user on shard {@code (id - 1) % 4}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScatterFailureIT {

    static final int SHARDS = 4;
    static final int ROWS = 12;
    static final List<String> NAMES = List.of("ds0", "ds1", "ds2", "ds3");
    static final String DDL = "CREATE TABLE t (id BIGINT NOT NULL, user_id BIGINT NOT NULL, status VARCHAR(20) NOT NULL,"
            + " amount DECIMAL(12,2), note VARCHAR(50), PRIMARY KEY (id))";

    private final String suffix = "_" + ProcessHandle.current().pid();
    MySqlServer server;
    ShardingDataSource ds;
    final long[] userOfRow = new long[ROWS];

    String database(int shard) {
        return "scatter_fail_" + shard + suffix;
    }

    String referenceDatabase() {
        return "scatter_fail_ref" + suffix;
    }

    @BeforeAll
    void setUp() throws Exception {
        server = MySqlServer.require();
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            server.recreateDatabase(database(i));
            builder.dataSource(NAMES.get(i), Map.of("jdbcUrl", server.jdbcUrl(database(i)),
                    "username", server.user(), "password", server.password(), "maximumPoolSize", "4",
                    "minimumIdle", "0", "connectionTimeout", "10000"));
        }
        server.recreateDatabase(referenceDatabase());
        ds = new ShardingDataSource(builder.defaultDataSource("ds0").shardedTable("t", "user_id").build());
        Map<String, List<Long>> usersByShard = new LinkedHashMap<>();
        NAMES.forEach(name -> usersByShard.put(name, new ArrayList<>()));
        for (long user = 1; usersByShard.values().stream().anyMatch(l -> l.size() < ROWS / SHARDS); user++) {
            usersByShard.get(ds.explain("SELECT * FROM t WHERE user_id = ?", user).shards().get(0)).add(user);
        }
        for (int id = 1; id <= ROWS; id++) {
            userOfRow[id - 1] = usersByShard.get(NAMES.get((id - 1) % SHARDS)).get((id - 1) / SHARDS);
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        if (ds != null) {
            ds.close();
        }
        if (server != null) {
            for (int i = 0; i < SHARDS; i++) {
                server.dropDatabase(database(i));
            }
            server.dropDatabase(referenceDatabase());
        }
    }

    /** A fresh table on every shard and in the reference, with the same rows. */
    @BeforeEach
    void freshTables() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             Connection r = server.connect(referenceDatabase()); Statement rs = r.createStatement()) {
            s.execute("DROP TABLE IF EXISTS t");
            s.execute(DDL);
            rs.execute("DROP TABLE IF EXISTS t");
            rs.execute(DDL);
            String insert = "INSERT INTO t (id, user_id, status, amount, note) VALUES (?, ?, ?, ?, ?)";
            try (PreparedStatement ps = c.prepareStatement(insert); PreparedStatement rps = r.prepareStatement(insert)) {
                for (int id = 1; id <= ROWS; id++) {
                    for (PreparedStatement p : List.of(ps, rps)) {
                        p.setLong(1, id);
                        p.setLong(2, userOfRow[id - 1]);
                        p.setString(3, id % 3 == 0 ? "new" : "paid");
                        p.setBigDecimal(4, new BigDecimal(id + ".50"));
                        p.setString(5, "note " + id);
                        assertThat(p.executeUpdate()).isEqualTo(1);
                    }
                }
            }
        }
        assertNoActiveConnections();
    }

    @AfterEach
    void nothingLeaks() {
        assertNoActiveConnections();
    }

    /**
     * Every pool's connections are back. Waited for, within a bound: a timeout or cancel sends {@code KILL QUERY}
     * over another pooled connection on a background thread, which may still hold it when the statement has failed.
     */
    void assertNoActiveConnections() {
        StalledShards.awaitTrue("no active connection in any pool (active per pool when the wait began: " + activeConnections() + ")",
                () -> activeConnections().stream().allMatch(active -> active == 0));
    }

    List<Integer> activeConnections() {
        List<Integer> active = new ArrayList<>();
        for (String name : NAMES) {
            active.add(ds.runtime().pool(name).getHikariPoolMXBean().getActiveConnections());
        }
        return active;
    }

    static List<Long> ids(ResultSet rs) throws SQLException {
        try (rs) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        }
    }

    static List<Long> allIds() {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            ids.add(id);
        }
        return ids;
    }

    // ------------------------------------------------------------------ (a) one shard fails

    @Test
    void aQueryFailingOnOneShardNamesItCarriesTheServersMessageAndLeavesTheConnectionUsable() throws Exception {
        try (Connection direct = server.connect(database(2)); Statement s = direct.createStatement()) {
            s.execute("ALTER TABLE t DROP COLUMN note");
        }
        try (Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                SQLException e = catchThrowableOfType(SQLException.class,
                        () -> s.executeQuery("SELECT note FROM t ORDER BY id"));
                assertThat((Throwable) e).as("the failure").isNotNull();
                assertThat(e.getMessage()).contains("ds2").containsIgnoringCase("Unknown column 'note'");
                assertThat(e.getMessage()).doesNotContain("ds0").doesNotContain("ds1").doesNotContain("ds3");
                // The server's own error, unchanged: ER_BAD_FIELD_ERROR, of the kind the driver gave it.
                assertThat((Throwable) e).isInstanceOf(java.sql.SQLSyntaxErrorException.class);
                assertThat(e.getErrorCode()).isEqualTo(1054);
                assertThat(e.getSQLState()).isEqualTo("42S22");
                assertThat(s.getResultSet()).isNull();

                // The same statement and connection still run a good scatter query.
                assertThat(ids(s.executeQuery("SELECT id FROM t ORDER BY id"))).isEqualTo(allIds());
            }
            // A prepared statement, and an aggregate merge, fail the same way.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status, COUNT(note) FROM t WHERE amount > ? GROUP BY status")) {
                ps.setInt(1, 0);
                SQLException e = catchThrowableOfType(SQLException.class, ps::executeQuery);
                assertThat((Throwable) e).isNotNull();
                assertThat(e.getMessage()).contains("ds2").containsIgnoringCase("Unknown column 'note'");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM t WHERE amount > ? ORDER BY id DESC")) {
                ps.setInt(1, 10);
                assertThat(ids(ps.executeQuery())).containsExactly(12L, 11L, 10L);
            }
            assertThat(activeConnections()).as("held by the open logical connection").containsOnly(1);
        }
        assertNoActiveConnections();
    }

    // ------------------------------------------------------------------ (b) query timeout and cancel

    /**
     * One row per shard (ids 1..4), so that every shard sleeps once, for 60 s: far longer than a timeout or a cancel
     * takes to stop it however busy the machine, so that a shard left to run cannot go unnoticed.
     */
    static final String SLEEP = "SLEEP(60)";
    static final String SLEEP_ON_EVERY_SHARD = "SELECT id, " + SLEEP + " FROM t WHERE id IN (1, 2, 3, 4) ORDER BY id";
    /**
     * A correctness bound, not a performance test: a statement stopped on every shard ends in a second or two (a
     * few more on a busy machine), one that waits for a shard left running takes the 60 s of that shard's sleep.
     */
    static final Duration STOPPED_WELL_BEFORE_THE_SLEEPS_END = Duration.ofSeconds(45);

    @Test
    void aQueryTimeoutStopsEveryShardWellBeforeTheyWouldFinish() throws SQLException {
        assertThat(ds.explain(SLEEP_ON_EVERY_SHARD).shards()).containsExactlyElementsOf(NAMES);
        assertTimeoutPreemptively(STOPPED_WELL_BEFORE_THE_SLEEPS_END, () -> {
            try (Connection c = ds.getConnection()) {
                try (Statement s = c.createStatement()) {
                    s.setQueryTimeout(1);
                    long start = System.nanoTime();
                    SQLException e = catchThrowableOfType(SQLException.class, () -> {
                        try (ResultSet rs = s.executeQuery(SLEEP_ON_EVERY_SHARD)) {
                            while (rs.next()) {
                                rs.getLong(1);
                            }
                        }
                    });
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertThat((Throwable) e).as("a timeout after %d ms", millis).isNotNull();
                    assertThat((Throwable) e).isInstanceOf(java.sql.SQLTimeoutException.class);
                    assertThat(e.getMessage()).containsPattern("(?i)shards? ds[0-3]").containsIgnoringCase("timeout");

                    // Usable again, with and without a timeout. A generous one: a shard whose connection was
                    // abandoned needs a new one from its pool first, which a busy machine may not open within 1 s.
                    s.setQueryTimeout(60);
                    assertThat(ids(s.executeQuery("SELECT id FROM t ORDER BY id"))).isEqualTo(allIds());
                    s.setQueryTimeout(0);
                    assertThat(ids(s.executeQuery("SELECT id FROM t WHERE id > 10 ORDER BY id")))
                            .containsExactly(11L, 12L);
                }
            }
        });
        assertNoActiveConnections();
    }

    @Test
    void cancelFromAnotherThreadStopsARunningScatterQuery() throws Exception {
        ExecutorService canceller = Executors.newSingleThreadExecutor();
        try {
            assertTimeoutPreemptively(STOPPED_WELL_BEFORE_THE_SLEEPS_END, () -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    Future<?> cancel = canceller.submit(() -> {
                        // A cancel that comes before a shard's statement has reached its server misses it.
                        awaitSleepingOnEveryShard();
                        s.cancel();
                        return null;
                    });
                    SQLException e = catchThrowableOfType(SQLException.class, () -> ids(s.executeQuery(
                            SLEEP_ON_EVERY_SHARD)));
                    cancel.get();
                    assertThat((Throwable) e).as("cancelled").isNotNull();
                    assertThat(e.getMessage()).containsPattern("Shard ds[0-3]");
                    assertThat(ids(s.executeQuery("SELECT id FROM t ORDER BY id"))).isEqualTo(allIds());
                }
            });
        } finally {
            canceller.shutdownNow();
        }
        assertNoActiveConnections();
    }

    /** Returns once every shard's server is running the statement with {@link #SLEEP}, as its process list shows. */
    void awaitSleepingOnEveryShard() throws SQLException, InterruptedException {
        // This query names the SLEEP too, but runs in the reference database, not a shard's.
        String running = "SELECT COUNT(DISTINCT DB) FROM information_schema.PROCESSLIST"
                + " WHERE COMMAND = 'Query' AND INFO LIKE ? AND DB IN (?, ?, ?, ?)";
        try (Connection direct = server.connect(referenceDatabase());
             PreparedStatement count = direct.prepareStatement(running)) {
            count.setString(1, "%" + SLEEP + "%");
            for (int i = 0; i < SHARDS; i++) {
                count.setString(2 + i, database(i));
            }
            // Bounded by the assertTimeoutPreemptively around the statement being watched.
            while (true) {
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == SHARDS) {
                        return;
                    }
                }
                Thread.sleep(20); // the poll interval, not a synchronisation
            }
        }
    }

    // ------------------------------------------------------------------ (c) scatter writes

    @Test
    void updatesAndDeletesWithoutAKeyReturnTheSummedCountOfOneDatabase() throws SQLException {
        long u0 = userOfRow[0];
        long u2 = userOfRow[2];
        List<String> writes = List.of(
                "UPDATE t SET note = 'bulk' WHERE amount > 4",
                "UPDATE t SET status = 'old' WHERE status = 'new'",
                "UPDATE t SET note = 'none' WHERE amount < 0",
                "UPDATE t SET amount = amount + 1 WHERE user_id IN (" + u0 + ", " + u2 + ")",
                "DELETE FROM t WHERE amount > 11");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             Connection r = server.connect(referenceDatabase()); Statement rs = r.createStatement()) {
            for (String sql : writes) {
                int expected = rs.executeUpdate(sql);
                assertThat(s.executeUpdate(sql)).as(sql).isEqualTo(expected);
                assertThat(s.getUpdateCount()).as(sql).isEqualTo(expected);
                assertThat(s.getResultSet()).isNull();
            }
            assertThat(s.executeUpdate("UPDATE t SET note = 'none' WHERE amount < 0")).isZero();
            // Large counts and prepared statements sum the same way.
            String prepared = "UPDATE t SET note = ? WHERE amount > ?";
            try (PreparedStatement ps = c.prepareStatement(prepared); PreparedStatement rps = r.prepareStatement(prepared)) {
                for (PreparedStatement p : List.of(ps, rps)) {
                    p.setString(1, "again");
                    p.setInt(2, 2);
                }
                long expected = rps.executeLargeUpdate();
                assertThat(expected).isGreaterThan(4);
                assertThat(ps.executeLargeUpdate()).isEqualTo(expected);
            }
            assertThat(s.execute("DELETE FROM t WHERE note = 'again' AND status = 'old'")).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(rs.executeUpdate("DELETE FROM t WHERE note = 'again' AND"
                    + " status = 'old'"));

            // And the rows are what the reference holds.
            String all = "SELECT id, user_id, status, amount, note FROM t ORDER BY id";
            assertThat(ResultSets.rows(s.executeQuery(all))).isEqualTo(ResultSets.rows(rs.executeQuery(all)));
        }
    }
}
