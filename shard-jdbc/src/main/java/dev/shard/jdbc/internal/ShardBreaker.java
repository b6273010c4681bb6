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
 * shards. A probe in the background asks the pool for a connection and validates it, every
 * {@link #PROBE_INTERVAL_MILLIS}; the first that succeeds closes the breaker. At most one probe per shard runs at a
 * time, and each is bounded by {@link #PROBE_BORROW_MILLIS} and {@link #PROBE_VALIDATION_SECONDS}.
 *
 * <p>While the breaker is open, the pool's {@code minimumIdle} is 0 (it is put back when the breaker closes).
 * Otherwise HikariCP keeps trying to refill the pool on its own, waiting twice as long after each failure, up to
 * 5 s: a server that came back would wait for that pool's next attempt, seconds after the probe could have used it.
 * With no minimum, the pool only opens connections that someone waits for, the probe's, each time with a fresh
 * back-off, so that traffic resumes within about a second of the server's return.
 */
final class ShardBreaker {

    static final long PROBE_INTERVAL_MILLIS = 250;
    /** How long a probe waits for a connection: short, so that the pool's back-off starts afresh each time. */
    static final long PROBE_BORROW_MILLIS = 1000;
    static final int PROBE_VALIDATION_SECONDS = 2;

    /** Why and since when the shard is down. */
    private record Open(Instant since, String cause) {
    }

    private final String name;
    private final HikariDataSource pool;
    private final ShardRuntime runtime;
    private final ExecutorService probes;
    private final AtomicReference<Open> open = new AtomicReference<>();
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
        try (Connection connection = Topology.borrowWithin(pool, PROBE_BORROW_MILLIS)) {
            if (connection.isValid(PROBE_VALIDATION_SECONDS)) {
                if (minimumIdle >= 0) {
                    pool.setMinimumIdle(minimumIdle);
                }
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
}
