package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.ReplicaSettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The background health checks of every replica of a runtime ({@link ReplicaHealth}): one small scheduler for all,
 * not a thread per replica. Each replica is checked every {@code settings.replicaCheckMillis}, with a fixed delay,
 * so that its checks never overlap; a check that hangs holds one of at most {@link #THREADS} threads for its network
 * timeout, and the other replicas' checks go on on the others. No thread starts before the first replica does, and
 * {@code replicaCheckMillis: 0} starts none (replicas then stay in the rotation, kept out only by their breakers).
 * Health objects are kept by replica name, across topologies, as breakers are.
 */
final class ReplicaChecks implements AutoCloseable {

    private static final int THREADS = 2;

    private final ReplicaSettings settings;
    private final Map<String, ReplicaHealth> byName = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;

    ReplicaChecks(ReplicaSettings settings) {
        this.settings = settings;
        this.scheduler = new ScheduledThreadPoolExecutor(THREADS, ShardRuntime.daemon("shard-replica-check"));
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    ReplicaSettings settings() {
        return settings;
    }

    /**
     * The health of a replica, its checks started on first request.
     *
     * @param primaryDown whether its primary is down now (see {@link ReplicaHealth#fromStatus})
     */
    ReplicaHealth of(String name, HikariDataSource pool, java.util.function.BooleanSupplier primaryDown) {
        return byName.computeIfAbsent(name, n -> {
            ReplicaHealth health = new ReplicaHealth(n, pool, settings.maxReplicaLagMillis(),
                    settings.replicaCheckMillis(), primaryDown);
            long interval = settings.replicaCheckMillis();
            if (interval > 0) {
                try {
                    scheduler.scheduleWithFixedDelay(() -> checkQuietly(health), 0, interval, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                    // The runtime is closing: nothing to check.
                }
            }
            return health;
        });
    }

    /** A failing check must not end the schedule (a thrown exception would cancel it for good). */
    private static void checkQuietly(ReplicaHealth health) {
        try {
            health.check();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ReplicaChecks.class).warn("Check of replica {} failed", health.name(),
                    e);
        }
    }

    /** The health of a replica by name, or null if it has none. */
    ReplicaHealth get(String name) {
        return byName.get(name);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        byName.values().forEach(ReplicaHealth::closeOwn);
    }
}
