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
 * shards. A probe in the background borrows a connection and validates it, every {@link #PROBE_INTERVAL_MILLIS};
 * the first that succeeds closes the breaker. At most one probe per shard runs at a time, and each is bounded by the
 * pool's {@code connectionTimeout} and {@link #PROBE_VALIDATION_SECONDS}.
 */
final class ShardBreaker {

    static final long PROBE_INTERVAL_MILLIS = 250;
    static final int PROBE_VALIDATION_SECONDS = 2;

    /** Why and since when the shard is down. */
    private record Open(Instant since, String cause) {
    }

    private final String name;
    private final HikariDataSource pool;
    private final ShardRuntime runtime;
    private final ExecutorService probes;
    private final AtomicReference<Open> open = new AtomicReference<>();

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
        try (Connection connection = pool.getConnection()) {
            if (connection.isValid(PROBE_VALIDATION_SECONDS)) {
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
