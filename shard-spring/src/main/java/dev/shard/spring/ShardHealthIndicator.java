package dev.shard.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.shard.jdbc.ShardingDataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Checks every shard's pool: borrows a connection and asks {@code isValid}. Reports UP only when every shard is up;
 * details name each data source with its status, and the error of those that are down. Details never hold URLs,
 * user names or passwords.
 *
 * <p>Shards are checked in parallel, each within {@link #DEFAULT_TIMEOUT}: HikariCP waits its whole
 * {@code connectionTimeout} (30 s by default) for a connection from a pool whose server is gone, and a health check
 * must answer well before a load balancer gives up on it. A check that is still running when the next one comes is
 * awaited again rather than started twice, so a dead shard does not pile up blocked threads.
 */
class ShardHealthIndicator extends AbstractHealthIndicator {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    private static final int VALID_TIMEOUT_SECONDS = 2;

    private final ShardingDataSource dataSource;
    private final Duration timeout;
    private final ExecutorService executor;
    private final Map<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();

    ShardHealthIndicator(ShardingDataSource dataSource) {
        this(dataSource, DEFAULT_TIMEOUT);
    }

    ShardHealthIndicator(ShardingDataSource dataSource, Duration timeout) {
        super("Shard health check failed");
        this.dataSource = dataSource;
        this.timeout = timeout;
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "shard-health");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, CompletableFuture<String>> checks = new LinkedHashMap<>();
        for (String shard : dataSource.shardNames()) {
            // A check still running (a hung shard) is shared rather than piled up; a finished one whose clean-up
            // has not yet run must not answer for this call, so it is replaced.
            // (Not inside a map compute: a check that finishes at once removes itself from the map.)
            CompletableFuture<String> running = inFlight.get(shard);
            if (running == null || running.isDone()) {
                running = check(shard);
                if (!running.isDone()) {
                    inFlight.put(shard, running);
                }
            }
            checks.put(shard, running);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean allUp = true;
        for (Map.Entry<String, CompletableFuture<String>> check : checks.entrySet()) {
            String error;
            try {
                error = check.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                error = "no connection within " + timeout.toMillis() + " ms";
            } catch (ExecutionException e) {
                error = String.valueOf(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "health check interrupted";
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", error == null ? "UP" : "DOWN");
            if (error != null) {
                detail.put("error", redact(check.getKey(), error));
                allUp = false;
            }
            builder.withDetail(check.getKey(), detail);
        }
        if (allUp) {
            builder.up();
        } else {
            builder.down();
        }
    }

    /** Null when the shard answers, else why not. */
    private CompletableFuture<String> check(String shard) {
        CompletableFuture<String> future = CompletableFuture.supplyAsync(() -> {
            HikariDataSource pool = dataSource.runtime().pool(shard);
            try (Connection connection = pool.getConnection()) {
                if (connection.isValid(VALID_TIMEOUT_SECONDS)) {
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
        }, executor);
        future.whenComplete((result, failure) -> inFlight.remove(shard, future));
        return future;
    }

    /** Driver messages are not expected to hold credentials; this makes sure, whatever the driver. */
    private String redact(String shard, String message) {
        HikariDataSource pool = dataSource.runtime().pool(shard);
        String result = message;
        String password = pool.getPassword();
        if (password != null && !password.isEmpty()) {
            result = result.replace(password, "****");
        }
        // user:password@ in URL-style messages
        return result.replaceAll("(//[^/@\\s:]*):[^@/\\s]*@", "$1:****@");
    }
}
