package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.shard.jdbc.PoolStatistics;
import dev.shard.jdbc.ReplicaStatus;
import dev.shard.jdbc.ShardStatus;
import dev.shard.jdbc.ShardStatus.Health;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pool statistics and health probes of a runtime's shards, behind {@code ShardingDataSource.poolStatistics} and
 * {@code checkShards}.
 *
 * <p>A probe borrows a connection from the shard's pool and asks {@code isValid}. Probes run on threads of their
 * own, all shards at once, and the caller waits for them only until its timeout: HikariCP waits its whole
 * {@code connectionTimeout} (30 s by default) for a connection from a pool whose server is gone, and a health check
 * must answer well before a load balancer gives up on it. A probe that is still running when the next check comes is
 * awaited again rather than started twice, so a dead shard does not pile up blocked threads.
 */
public final class ShardHealth implements AutoCloseable {

    private final ShardRuntime runtime;
    private final Map<String, Redaction> redactions = new LinkedHashMap<>();
    private final ExecutorService executor;
    private final Map<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();

    public ShardHealth(ShardRuntime runtime) {
        this.runtime = runtime;
        for (String shard : runtime.shardNames()) {
            redactions.put(shard, Redaction.of(runtime.config().dataSource(shard)));
        }
        // Starts no thread until the first probe.
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "shard-health");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @throws IllegalArgumentException naming the known data sources, if none is called {@code shard}
     */
    public PoolStatistics poolStatistics(String shard) {
        HikariDataSource pool = runtime.pool(shard);
        HikariPoolMXBean counts = pool.getHikariPoolMXBean();
        if (counts == null) {
            return new PoolStatistics(0, 0, 0, 0, pool.getMaximumPoolSize());
        }
        return new PoolStatistics(counts.getActiveConnections(), counts.getIdleConnections(),
                counts.getTotalConnections(), counts.getThreadsAwaitingConnection(), pool.getMaximumPoolSize());
    }

    /**
     * Every replica of the current data sources as its background check last saw it, in shard order, then in the
     * order configured; asks no database.
     */
    public List<ReplicaStatus> replicaStatuses() {
        List<ReplicaStatus> statuses = new ArrayList<>();
        for (String shard : runtime.shardNames()) {
            dev.shard.core.config.DataSourceConfig source = runtime.config().dataSource(shard);
            List<dev.shard.core.config.DataSourceConfig> configs = source == null ? List.of() : source.replicas();
            List<String> names = runtime.replicaNames(shard);
            for (int i = 0; i < names.size(); i++) {
                ReplicaSet.Replica replica = runtime.replica(names.get(i));
                ReplicaHealth.Seen seen = replica.health() == null
                        ? new ReplicaHealth.Seen(ReplicaStatus.State.UNCHECKED, -1, null, "not checked yet")
                        : replica.health().seen();
                boolean breakerOpen = replica.breaker() != null && replica.breaker().isOpen();
                String said = i < configs.size() ? Redaction.of(configs.get(i)).apply(seen.detail()) : seen.detail();
                boolean inRotation = !breakerOpen && !replica.pool().isClosed()
                        && (replica.health() == null || replica.health().inRotation());
                statuses.add(new ReplicaStatus(replica.name(), shard, seen.state(), seen.lagMillis(), seen.since(),
                        said + (breakerOpen ? "; circuit breaker open" : ""), inRotation,
                        poolStatistics(replica.name())));
            }
        }
        return statuses;
    }

    /**
     * Probes the shards in parallel and waits at most {@code timeout} for all of them together.
     *
     * @return a status per shard, in the order given
     * @throws IllegalArgumentException for an unknown shard or a timeout that is not positive
     */
    public List<ShardStatus> check(List<String> shards, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        for (String shard : shards) {
            runtime.pool(shard); // unknown names fail here, before any probe starts
        }
        Map<String, CompletableFuture<String>> probes = new LinkedHashMap<>();
        for (String shard : shards) {
            probes.put(shard, probe(shard, timeout));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ShardStatus> statuses = new ArrayList<>(probes.size());
        for (Map.Entry<String, CompletableFuture<String>> probe : probes.entrySet()) {
            String shard = probe.getKey();
            String error;
            try {
                error = probe.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                error = "no connection within " + timeout.toMillis() + " ms";
            } catch (ExecutionException e) {
                error = String.valueOf(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "health check interrupted";
            }
            statuses.add(error == null
                    ? new ShardStatus(shard, Health.UP, null, poolStatistics(shard))
                    : new ShardStatus(shard, Health.DOWN, redactions.get(shard).apply(error), poolStatistics(shard)));
        }
        return statuses;
    }

    /** Completes with null when the shard answers, else with why not. */
    private CompletableFuture<String> probe(String shard, Duration timeout) {
        if (runtime.isClosed()) {
            return CompletableFuture.completedFuture("the ShardingDataSource is closed");
        }
        // A probe still running (a hung shard) is shared rather than piled up; a finished one whose clean-up has not
        // yet run must not answer for this call, so it is replaced. (Not inside a map compute: a probe that finishes
        // at once removes itself from the map.)
        CompletableFuture<String> running = inFlight.get(shard);
        if (running != null && !running.isDone()) {
            return running;
        }
        CompletableFuture<String> started;
        try {
            started = CompletableFuture.supplyAsync(() -> validate(shard, timeout), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture("the ShardingDataSource is closed"); // closed meanwhile
        }
        inFlight.put(shard, started);
        started.whenComplete((result, failure) -> inFlight.remove(shard, started));
        return started;
    }

    private String validate(String shard, Duration timeout) {
        HikariDataSource pool = runtime.pool(shard);
        int validSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
        try (Connection connection = pool.getConnection()) {
            if (connection.isValid(validSeconds)) {
                return null;
            }
            // Back in the pool, the broken connection would be handed to the application next.
            pool.evictConnection(connection);
            return "connection is not valid";
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
        }
    }

    /** Interrupts running probes: their pools are closing. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
