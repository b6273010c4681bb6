package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link QueryDeadline} does to the shards' statements when it expires: cancel them, and abandon the
 * connections of those that do not answer. Cancels run on threads of their own, never on the timer, since a cancel
 * may itself hang on a frozen server.
 */
final class ShardCancels implements AutoCloseable {

    private final ThreadPoolExecutor threads;

    ShardCancels(ThreadFactory threadFactory) {
        // Bounded both ways: a cancel is best effort, and when every thread is stuck on a frozen server, more
        // cancels would only join them; the abort that follows the grace does not need them.
        threads = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), threadFactory,
                new ThreadPoolExecutor.DiscardPolicy());
        threads.allowCoreThreadTimeOut(true);
    }

    /**
     * Asks a physical statement to stop, on a thread of its own: the cancel may not get an answer. On MySQL and
     * MariaDB it sends {@code KILL QUERY} over another connection of the shard's pool, with a network timeout:
     * Connector/J's own {@code Statement.cancel()} holds a lock that the statement's thread then waits on until the
     * cancel's new connection gives up (30 s on a frozen server), which would defeat the abort after the grace.
     */
    void cancel(Topology topology, int shard, Connection connection, Statement statement) {
        threads.execute(() -> {
            try {
                long serverThread = mysqlConnectionId(connection);
                if (serverThread < 0) {
                    statement.cancel();
                    return;
                }
                try (Connection other = topology.borrow(shard, Topology.Intent.WRITE)) {
                    other.setNetworkTimeout(Runnable::run, (int) (2 * QueryDeadline.CANCEL_GRACE_MILLIS));
                    try (Statement kill = other.createStatement()) {
                        kill.execute("KILL QUERY " + serverThread);
                    }
                }
            } catch (SQLException | RuntimeException ignored) {
                // Best effort: the abort after the grace is what frees a shard that does not answer.
            }
        });
    }

    /**
     * The server's id of a MySQL Connector/J connection ({@code JdbcConnection.getId()}, found by name since the
     * driver is the user's choice and not a dependency), or -1 for another driver.
     */
    private static long mysqlConnectionId(Connection connection) {
        try {
            Connection driver = connection.unwrap(Connection.class);
            if (!driver.getClass().getName().startsWith("com.mysql.")) {
                return -1;
            }
            Object id = Class.forName("com.mysql.cj.jdbc.JdbcConnection", false, driver.getClass().getClassLoader())
                    .getMethod("getId").invoke(driver);
            return id instanceof Long value ? value : -1;
        } catch (SQLException | ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Gives up on a physical connection whose statement does not answer: aborts it (the driver closes its socket,
     * which ends the read that a thread is blocked in) and evicts it from its pool, so the pool's slot is free.
     */
    void abandon(Topology topology, int shard, Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            // On this thread: the driver's abort only closes the socket, and must not queue behind hung cancels.
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // Already closed: nothing holds the socket any more.
        }
        topology.discard(shard, connection);
        topology.breaker(shard).failed("a statement did not answer a cancel at its query timeout");
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
