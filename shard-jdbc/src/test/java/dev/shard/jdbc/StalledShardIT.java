package dev.shard.jdbc;

import static dev.shard.jdbc.StalledShards.awaitNoActiveConnections;
import static dev.shard.jdbc.StalledShards.awaitTrafficOnEveryShard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * A shard whose server hangs (SIGSTOP) or dies (SIGKILL) while the others are fine (see {@link StalledShards}).
 * Bounds on elapsed time are generous (the point is "well under HikariCP's 30 s and not forever", not a precise
 * figure); the figures measured are printed. {@link StalledShardLoad} measures the same under load.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StalledShardIT {

    private static final int QUERY_TIMEOUT_SECONDS = 2;
    /** Far below HikariCP's 30 s connection timeout, far above the query timeout plus the cancel grace. */
    private static final Duration WELL_UNDER_POOL_TIMEOUT = Duration.ofSeconds(15);

    private StalledShards shards;
    private ShardingDataSource sharded;
    private long onDs0;
    private long onDs1;

    @BeforeAll
    void setUp() throws Exception {
        shards = new StalledShards("stalled");
        sharded = shards.sharded;
        onDs0 = shards.onDs0;
        onDs1 = shards.onDs1;
    }

    @AfterAll
    void tearDown() throws Exception {
        if (shards != null) {
            shards.close();
        }
    }

    @BeforeEach
    void everyShardAnswers() {
        shards.everyShardAnswers();
    }

    @Test
    void aStatementOnAFrozenShardEndsAtItsQueryTimeout() throws Exception {
        // Each statement runs in a transaction that touched every shard before the freeze, so it runs on a connection
        // it holds already: what is measured is the statement, not the borrowing of a connection.
        try (Connection single = inTransactionOnEveryShard();
             Connection scatter = inTransactionOnEveryShard();
             Connection write = inTransactionOnEveryShard();
             Connection batch = inTransactionOnEveryShard()) {
            shards.extra.freeze();
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
                SQLTimeoutException batchTimeout = batchTimesOut(batch);
                for (SQLTimeoutException timeout : List.of(singleTimeout, scatterTimeout, writeTimeout,
                        batchTimeout)) {
                    assertThat(timeout.getMessage()).contains("Query timeout of 2 s expired on shard ds1")
                            .contains("ds1 (connection abandoned)").doesNotContain("ds0").doesNotContain("ds2");
                }
                // The savepoint the write sets first on every shard is what hangs on ds1.
                assertThat(writeTimeout.getMessage()).contains("The statement ran on no shard: nothing was applied");
                // The healthy shards still answer while ds1 is frozen.
                assertThat(shards.selectOne(onDs0)).isTrue();
            } finally {
                shards.extra.thaw();
            }
        }
        awaitTrafficOnEveryShard(sharded);
        awaitNoActiveConnections(sharded);
    }

    /** A batch with an entry for ds0 and one for the frozen ds1: the query timeout applies to the whole batch. */
    private SQLTimeoutException batchTimesOut(Connection connection) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE t SET note = ? WHERE user_id = ?")) {
            update.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            for (long id : List.of(onDs0, onDs1)) {
                update.setString(1, "batch");
                update.setLong(2, id);
                update.addBatch();
            }
            long started = System.nanoTime();
            BatchUpdateException failed = catchThrowableOfType(BatchUpdateException.class, update::executeBatch);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("Frozen ds1, batch over ds0 and ds1 with setQueryTimeout(%d): BatchUpdateException "
                    + "after %d ms%n", QUERY_TIMEOUT_SECONDS, millis);
            assertThat((Throwable) failed).isNotNull();
            assertThat(millis).isGreaterThanOrEqualTo(1000L * QUERY_TIMEOUT_SECONDS)
                    .isLessThan(WELL_UNDER_POOL_TIMEOUT.toMillis());
            assertThat(failed.getSQLState()).isEqualTo("HYT00");
            assertThat(failed.getLargeUpdateCounts()).containsExactly(1, Statement.EXECUTE_FAILED);
            assertThat(failed.getCause()).isInstanceOf(SQLTimeoutException.class);
            return (SQLTimeoutException) failed.getCause();
        }
    }

    @Test
    void waitingForAConnectionEndsAtTheQueryTimeoutAndDoesNotMarkTheShardDown() throws Exception {
        // Every connection of ds1's pool is taken: the next statement for ds1 waits for one.
        List<Connection> holders = new ArrayList<>();
        try {
            for (int i = 0; i < StalledShards.POOL_SIZE; i++) {
                Connection c = sharded.getConnection();
                holders.add(c);
                c.setAutoCommit(false);
                try (PreparedStatement select = c.prepareStatement("SELECT note FROM t WHERE user_id = ?")) {
                    select.setLong(1, onDs1);
                    select.executeQuery().close();
                }
            }
            try (Connection c = sharded.getConnection();
                 PreparedStatement select = c.prepareStatement("SELECT note FROM t WHERE user_id = ?")) {
                select.setQueryTimeout(1);
                select.setLong(1, onDs1);
                long started = System.nanoTime();
                SQLTimeoutException timeout = catchThrowableOfType(SQLTimeoutException.class, select::executeQuery);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                System.out.printf("ds1's pool exhausted, setQueryTimeout(1): SQLTimeoutException after %d ms%n", millis);
                assertThat((Throwable) timeout).isNotNull();
                assertThat(timeout.getMessage()).startsWith("Query timeout of 1 s expired while waiting for a "
                        + "connection to shard ds1 from its pool: SELECT");
                // The pool's own connectionTimeout is Shard's default, 10 s.
                assertThat(millis).isGreaterThanOrEqualTo(1000).isLessThan(9_000);
            }
        } finally {
            for (Connection c : holders) {
                c.close();
            }
        }
        // A busy pool is not a shard down: the next statement runs.
        assertThat(shards.selectOne(onDs1)).isTrue();
        awaitNoActiveConnections(sharded);
    }

    @Test
    void statementsForADeadShardFailFastWhileTheOtherShardsServe() throws Exception {
        shards.extra.stop();
        try {
            // The first statement finds out: it may wait for the pool's connectionTimeout (10 s by default).
            long first = millisToFail(() -> shards.selectOne(onDs1));
            System.out.printf("Killed ds1: first statement failed after %d ms%n", first);
            assertThat(first).isLessThan(WELL_UNDER_POOL_TIMEOUT.toMillis() + 10_000);
            long slowest = 0;
            for (int i = 0; i < 20; i++) {
                long started = System.nanoTime();
                SQLTransientConnectionException down = catchThrowableOfType(SQLTransientConnectionException.class,
                        () -> shards.selectOne(onDs1));
                slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                assertThat((Throwable) down).isNotNull();
                assertThat(down.getSQLState()).startsWith("08");
                assertThat(down.getMessage()).startsWith("Shard ds1 is down since ")
                        .contains("retrying in the background");
                assertThat(shards.selectOne(onDs0)).as("ds0 while ds1 is down").isTrue();
            }
            System.out.printf("Killed ds1: the next 20 statements for it failed within %d ms each%n", slowest);
            assertThat(slowest).isLessThan(5_000);
        } finally {
            shards.extra.restart();
        }
        long started = System.nanoTime();
        awaitTrafficOnEveryShard(sharded);
        System.out.printf("Restarted ds1: traffic on every shard again after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(shards.selectOne(onDs1)).isTrue();
        awaitNoActiveConnections(sharded);
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
}
