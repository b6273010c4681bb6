package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The health of one data source, as a circuit breaker. Once a connection to it fails (no connection from its pool,
 * or a connection abandoned at a query deadline), the breaker opens: statements for that shard fail at once with an
 * {@link SQLTransientConnectionException} (SQLState 08001) instead of each queueing on the pool for its
 * {@code connectionTimeout}, which with a dead shard soon ties up every application thread and starves the healthy
 * shards. A probe in the background checks the server every {@link #PROBE_INTERVAL_MILLIS}, over a connection of
 * its own, and once that answers asks the pool for a connection and validates it; the first probe that succeeds
 * closes the breaker. At most one probe per shard runs at a time, each bounded by the driver's connect timeout,
 * {@link #PROBE_BORROW_MILLIS} and {@link #PROBE_VALIDATION_SECONDS}.
 *
 * <p>A statement abandoned at its query timeout makes the shard suspect rather than down at once: the server may be
 * frozen, or only slow to stop the statement on a busy machine. If the server takes the statement's cancel (or
 * answers a ping) within {@link #SUSPECT_MILLIS}, the suspicion is lifted; otherwise the breaker opens. While the
 * shard is suspect, statements for it wait for a connection in short slices, so that those waiting when the
 * breaker opens fail then rather than at their own deadline.
 *
 * <p>While the breaker is open, the pool's {@code minimumIdle} is 0 (it is put back when the breaker closes), and
 * nothing waits on the pool: HikariCP, while its minimum is not met or someone waits, keeps trying to open
 * connections, waiting twice as long after each failure, up to 5 s, so a server that came back would wait for the
 * pool's next attempt, seconds after the probe saw it answer. So the pool opens no connection while the shard is
 * down, and the probe's first request after the server answers starts it afresh: traffic resumes within a few
 * hundred milliseconds of the server's return.
 */
final class ShardBreaker {

    static final long PROBE_INTERVAL_MILLIS = 250;
    /** How long a probe waits for a connection from the pool, once the server answers. */
    static final long PROBE_BORROW_MILLIS = 1000;
    static final int PROBE_VALIDATION_SECONDS = 2;
    /**
     * How long a suspect server has to show that it answers before the breaker opens. Generous: the cancel that
     * shows it may first need a new connection, which a healthy server on a busy machine took more than a second
     * to open (a 1 s bound opened breakers on live shards in CI); a frozen server's callers are freed at their own
     * deadline anyway, and only statements arriving meanwhile wait for this decision.
     */
    static final long SUSPECT_MILLIS = 5000;
    /** Answers are noted at most this often: a statement's success costs a read, not a write. */
    private static final long ANSWER_RESOLUTION_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5);

    /** Why and since when the shard is down. */
    private record Open(Instant since, String cause) {
    }

    private final String name;
    private final HikariDataSource pool;
    private final ShardRuntime runtime;
    private final ExecutorService probes;
    private final AtomicReference<Open> open = new AtomicReference<>();
    /** How many abandoned statements wait for the decision (see the class comment). */
    private final java.util.concurrent.atomic.AtomicInteger suspicions = new java.util.concurrent.atomic.AtomicInteger();
    /** When the server last answered a statement (to within {@link #ANSWER_RESOLUTION_NANOS}). */
    private volatile long lastAnswerNanos = System.nanoTime();
    /** The pool's minimumIdle while the breaker is closed. */
    private volatile int minimumIdle = -1;

    ShardBreaker(String name, HikariDataSource pool, ShardRuntime runtime, ExecutorService probes) {
        this.name = name;
        this.pool = pool;
        this.runtime = runtime;
        this.probes = probes;
    }

    /** @throws SQLTransientConnectionException if the breaker is open */
    void check() throws SQLTransientConnectionException {
        Open down = open.get();
        if (down != null) {
            throw new SQLTransientConnectionException("Shard " + name + " is down since " + down.since() + " ("
                    + down.cause() + "); retrying in the background", "08001");
        }
    }

    boolean isOpen() {
        return open.get() != null;
    }

    boolean isSuspect() {
        return suspicions.get() > 0;
    }

    /**
     * A statement was abandoned without the server's having answered its cancel: the breaker opens unless, within
     * {@link #SUSPECT_MILLIS}, {@code cancelAnswered} becomes true or the server answers another statement.
     */
    void suspect(java.util.function.BooleanSupplier cancelAnswered, String cause) {
        long since = System.nanoTime();
        suspicions.incrementAndGet();
        java.util.concurrent.ScheduledFuture<?> decision = runtime.schedule(() -> {
            try {
                if (!cancelAnswered.getAsBoolean() && lastAnswerNanos - since < 0) {
                    failed(cause + " within " + SUSPECT_MILLIS + " ms");
                }
            } finally {
                suspicions.decrementAndGet();
            }
        }, SUSPECT_MILLIS);
        if (decision == null) {
            suspicions.decrementAndGet(); // closed: no decision to wait for
        }
    }

    /** The server answered (a statement, a cancel): it is alive, whatever made it suspect. */
    void answered() {
        long now = System.nanoTime();
        if (now - lastAnswerNanos > ANSWER_RESOLUTION_NANOS) {
            lastAnswerNanos = now;
        }
    }

    /** A connection to the shard failed: open the breaker (if it is not open yet) and start probing. */
    void failed(String cause) {
        if (open.compareAndSet(null, new Open(Instant.now(), cause))) {
            minimumIdle = pool.getMinimumIdle();
            pool.setMinimumIdle(0);
            org.slf4j.LoggerFactory.getLogger(ShardBreaker.class).warn("Shard {} is down ({}); statements for it "
                    + "fail at once until a probe gets a connection", name, cause);
            scheduleProbe();
        }
    }

    private void scheduleProbe() {
        // The timer thread only hands the probe over: a probe waits on the pool, and the timer must not.
        runtime.schedule(() -> {
            try {
                probes.execute(this::probe);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // The runtime is closed: nothing to probe for.
            }
        }, PROBE_INTERVAL_MILLIS);
    }

    private void probe() {
        if (pool.isClosed()) {
            return;
        }
        if (!serverAnswers()) {
            scheduleProbe();
            return;
        }
        try (Connection connection = Topology.borrowWithin(pool, PROBE_BORROW_MILLIS)) {
            if (connection.isValid(PROBE_VALIDATION_SECONDS)) {
                if (minimumIdle >= 0) {
                    pool.setMinimumIdle(minimumIdle);
                }
                lastAnswerNanos = System.nanoTime();
                Open was = open.getAndSet(null);
                org.slf4j.LoggerFactory.getLogger(ShardBreaker.class).info("Shard {} answers again after {} ms "
                        + "of probing", name, was == null ? 0
                        : java.time.Duration.between(was.since(), Instant.now()).toMillis());
                return;
            }
            // Broken (a connection from before the server went away): out of the pool, or the next probe, coming
            // within HikariCP's 500 ms of skipping validation, would be handed the same one again.
            pool.evictConnection(connection);
        } catch (SQLException | RuntimeException stillDown) {
            // Try again after the interval.
        }
        scheduleProbe();
    }

    /** Whether the server takes a connection of the probe's own (not the pool's: see the class comment). */
    private boolean serverAnswers() {
        if (!(pool.getHikariPoolMXBean() instanceof com.zaxxer.hikari.pool.HikariPool hikari)) {
            return true; // no pool to keep from waiting: let the pool's own connection tell
        }
        javax.sql.DataSource server = hikari.getUnwrappedDataSource();
        // As HikariCP itself connects: its credentials if it has them, else the data source's own.
        try (Connection connection = pool.getUsername() == null ? server.getConnection()
                : server.getConnection(pool.getUsername(), pool.getPassword())) {
            return connection.isValid(PROBE_VALIDATION_SECONDS);
        } catch (SQLException | RuntimeException down) {
            return false;
        }
    }
}
