package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.Readiness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * A shard whose server hangs (SIGSTOP) or dies (SIGKILL) while the others are fine: ds0 and ds2 on the shared
 * server, ds1 on an {@link ExtraMariaDb} the test freezes or kills. Bounds on elapsed time are generous (the point
 * is "well under HikariCP's 30 s and not forever", not a precise figure); the figures measured are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StalledShardIT {

    private static final String SUFFIX = "_" + ProcessHandle.current().pid();
    private static final int QUERY_TIMEOUT_SECONDS = 2;
    /** Far below HikariCP's 30 s connection timeout, far above the query timeout plus the cancel grace. */
    private static final Duration WELL_UNDER_POOL_TIMEOUT = Duration.ofSeconds(15);

    private MySqlServer server;
    private ExtraMariaDb extra;
    private ShardingDataSource sharded;
    private long onDs0;
    private long onDs1;

    @BeforeAll
    void setUp() throws Exception {
        server = MySqlServer.require();
        extra = ExtraMariaDb.start();
        server.recreateDatabase(database(0));
        server.recreateDatabase(database(2));
        extra.createDatabase(database(1));
        Map<String, String> ds1 = new HashMap<>(pool(extra.jdbcUrl(database(1)), extra.user(), extra.password()));
        sharded = new ShardingDataSource(ShardConfig.builder()
                .dataSource("ds0", pool(server.jdbcUrl(database(0)), server.user(), server.password()))
                .dataSource("ds1", ds1)
                .dataSource("ds2", pool(server.jdbcUrl(database(2)), server.user(), server.password()))
                .defaultDataSource("ds0")
                .shardedTable("t", "user_id")
                .build());
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (user_id BIGINT NOT NULL, note VARCHAR(50) NOT NULL, PRIMARY KEY (user_id))");
        }
        onDs0 = firstIdOn("ds0");
        onDs1 = firstIdOn("ds1");
        try (Connection c = sharded.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO t (user_id, note) VALUES (?, 'row')")) {
            for (long id : List.of(onDs0, onDs1, firstIdOn("ds2"))) {
                insert.setLong(1, id);
                insert.executeUpdate();
            }
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (sharded != null) {
                sharded.close();
            }
            if (server != null) {
                server.dropDatabase(database(0));
                server.dropDatabase(database(2));
            }
        } finally {
            if (extra != null) {
                extra.close();
            }
        }
    }

    @BeforeEach
    void everyShardAnswers() {
        if (!extra.isRunning()) {
            extra.restart();
        }
        awaitTrafficOnEveryShard();
    }

    @Test
    void aStatementOnAFrozenShardEndsAtItsQueryTimeout() throws Exception {
        // Each statement runs in a transaction that touched every shard before the freeze, so it runs on a connection
        // it holds already: what is measured is the statement, not the borrowing of a connection.
        try (Connection single = inTransactionOnEveryShard();
             Connection scatter = inTransactionOnEveryShard();
             Connection write = inTransactionOnEveryShard()) {
            extra.freeze();
            try {
                SQLTimeoutException singleTimeout = timesOut("one-shard SELECT", () -> {
                    try (PreparedStatement select = single.prepareStatement("SELECT note FROM t WHERE user_id = ?")) {
                        select.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                        select.setLong(1, onDs1);
                        return select.executeQuery();
                    }
                });
                SQLTimeoutException scatterTimeout = timesOut("scatter SELECT", () -> {
                    try (Statement select = scatter.createStatement()) {
                        select.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                        return select.executeQuery("SELECT COUNT(*) FROM t");
                    }
                });
                SQLTimeoutException writeTimeout = timesOut("multi-shard UPDATE", () -> {
                    try (Statement update = write.createStatement()) {
                        update.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                        return update.executeUpdate("UPDATE t SET note = 'frozen'");
                    }
                });
                for (SQLTimeoutException timeout : List.of(singleTimeout, scatterTimeout, writeTimeout)) {
                    assertThat(timeout.getMessage()).contains("Query timeout of 2 s expired on shard ds1")
                            .contains("ds1 (connection abandoned)").doesNotContain("ds0").doesNotContain("ds2");
                }
                // The healthy shards still answer while ds1 is frozen.
                try (Connection c = sharded.getConnection();
                     PreparedStatement select = c.prepareStatement("SELECT note FROM t WHERE user_id = ?")) {
                    select.setLong(1, onDs0);
                    try (ResultSet rows = select.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                    }
                }
            } finally {
                extra.thaw();
            }
        }
        awaitTrafficOnEveryShard();
        awaitNoActiveConnections();
    }

    @Test
    void statementsForADeadShardFailFastWhileTheOtherShardsServe() throws Exception {
        extra.stop();
        try {
            // The first statement finds out: it may wait for the pool's connectionTimeout (10 s by default).
            long first = millisToFail(() -> selectOne(onDs1));
            System.out.printf("Killed ds1: first statement failed after %d ms%n", first);
            assertThat(first).isLessThan(WELL_UNDER_POOL_TIMEOUT.toMillis() + 10_000);
            long slowest = 0;
            for (int i = 0; i < 20; i++) {
                long started = System.nanoTime();
                SQLTransientConnectionException down = catchThrowableOfType(SQLTransientConnectionException.class,
                        () -> selectOne(onDs1));
                slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                assertThat((Throwable) down).isNotNull();
                assertThat(down.getSQLState()).startsWith("08");
                assertThat(down.getMessage()).startsWith("Shard ds1 is down since ")
                        .contains("retrying in the background");
                assertThat(selectOne(onDs0)).as("ds0 while ds1 is down").isTrue();
            }
            System.out.printf("Killed ds1: the next 20 statements for it failed within %d ms each%n", slowest);
            assertThat(slowest).isLessThan(5_000);
        } finally {
            extra.restart();
        }
        long started = System.nanoTime();
        awaitTrafficOnEveryShard();
        System.out.printf("Restarted ds1: traffic on every shard again after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(selectOne(onDs1)).isTrue();
        awaitNoActiveConnections();
    }

    private boolean selectOne(long userId) throws SQLException {
        try (Connection c = sharded.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT note FROM t WHERE user_id = ?")) {
            select.setLong(1, userId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static long millisToFail(ThrowingSupplier<Object> statement) {
        long started = System.nanoTime();
        SQLException failure = catchThrowableOfType(SQLException.class, () -> statement.get());
        assertThat((Throwable) failure).isNotNull();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** A connection in a transaction that holds a physical connection to every shard. */
    private Connection inTransactionOnEveryShard() throws SQLException {
        Connection c = sharded.getConnection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM t")) {
            assertThat(rows.next()).isTrue();
        }
        return c;
    }

    private static SQLTimeoutException timesOut(String what, ThrowingSupplier<Object> statement) {
        long started = System.nanoTime();
        SQLTimeoutException timeout = catchThrowableOfType(SQLTimeoutException.class, () -> statement.get());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("Frozen ds1, %s with setQueryTimeout(%d): SQLTimeoutException after %d ms%n", what,
                QUERY_TIMEOUT_SECONDS, millis);
        assertThat((Throwable) timeout).as(what).isNotNull();
        assertThat(millis).as(what + ": milliseconds to fail").isGreaterThanOrEqualTo(1000L * QUERY_TIMEOUT_SECONDS)
                .isLessThan(WELL_UNDER_POOL_TIMEOUT.toMillis());
        return timeout;
    }

    /** Waits (bounded) until a statement on every shard succeeds. */
    private void awaitTrafficOnEveryShard() {
        Readiness.awaitConnection(() -> {
            Connection c = sharded.getConnection();
            try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM t")) {
                assertThat(rows.next()).isTrue();
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        }, "a scatter SELECT over every shard");
    }

    private void awaitNoActiveConnections() {
        for (String shard : sharded.shardNames()) {
            awaitTrue("no active connection in " + shard + "'s pool",
                    () -> sharded.poolStatistics(shard).active() == 0);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Readiness.BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what + " within " + Readiness.BOUND).isNegative();
            try {
                Thread.sleep(50); // the poll interval of a bounded wait, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }

    private long firstIdOn(String shard) throws SQLException {
        for (long id = 1; ; id++) {
            if (sharded.explain("SELECT * FROM t WHERE user_id = ?", id).shards().get(0).equals(shard)) {
                return id;
            }
        }
    }

    private static Map<String, String> pool(String jdbcUrl, String user, String password) {
        return Map.of("jdbcUrl", jdbcUrl, "username", user, "password", password, "maximumPoolSize", "4");
    }

    private static String database(int shard) {
        return "stalled_ds" + shard + SUFFIX;
    }
}
