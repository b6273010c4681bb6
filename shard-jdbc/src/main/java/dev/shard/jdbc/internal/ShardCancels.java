package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What a {@link QueryDeadline} does to the shards' statements when it expires: cancel them, and abandon the
 * connections of those that do not answer. Cancels run on threads of their own, never on the timer, since a cancel
 * may itself hang on a frozen server.
 */
final class ShardCancels implements AutoCloseable {

    /**
     * The bound on each step of a cancel: getting a connection, and the server's answer; a server that has not
     * answered once the breaker decides ({@link ShardBreaker#SUSPECT_MILLIS}) counts as down.
     */
    static final long ANSWER_TIMEOUT_MILLIS = ShardBreaker.SUSPECT_MILLIS;

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
     *
     * @param statement    the statement to stop; null for a call that is not a statement (a commit...), which is not
     *                     cancelled: the server is only asked whether it answers (another connection's isValid)
     * @param stillRunning checked just before the cancel goes out: a statement that has returned meanwhile is left
     *                     alone, so that the cancel cannot reach the next statement on that connection
     * @param delivered    run once the server has taken the cancel, or answered
     */
    void cancel(Topology topology, int shard, Connection connection, Statement statement,
                BooleanSupplier stillRunning, Runnable delivered) {
        long serverThread = mysqlConnectionId(connection);
        threads.execute(() -> {
            if (!stillRunning.getAsBoolean()) {
                return;
            }
            try {
                if (statement == null) {
                    ping(topology, shard, connection);
                } else if (serverThread < 0) {
                    statement.cancel();
                } else {
                    killQuery(topology, shard, connection, serverThread);
                }
                delivered.run();
            } catch (SQLException | RuntimeException ignored) {
                // Best effort: the abort after the grace is what frees a shard that does not answer.
            }
        });
    }

    private static void ping(Topology topology, int shard, Connection connection) throws SQLException {
        try (Connection other = topology.borrowBeside(shard, connection, ANSWER_TIMEOUT_MILLIS)) {
            if (!other.isValid((int) Math.max(1, ANSWER_TIMEOUT_MILLIS / 1000))) {
                throw new SQLException("no answer", "08S01");
            }
        }
    }

    /** Over another connection to the same server: a replica's thread id means nothing on its primary. */
    private static void killQuery(Topology topology, int shard, Connection connection, long serverThread)
            throws SQLException {
        try (Connection other = topology.borrowBeside(shard, connection, ANSWER_TIMEOUT_MILLIS)) {
            other.setNetworkTimeout(Runnable::run, (int) ANSWER_TIMEOUT_MILLIS);
            try (Statement kill = other.createStatement()) {
                kill.execute("KILL QUERY " + serverThread);
            }
        }
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
        if (connection != null) {
            abort(topology, shard, connection);
        }
    }

    /**
     * Ends a physical connection that a logical connection gives up (Connection.abort, or the data source closing)
     * while a statement may be running on it: the server is asked to stop the statement (on MySQL and MariaDB), the
     * connection is aborted and evicted from its pool. The shard's health is not in question.
     */
    void stop(Topology topology, int shard, Connection connection, boolean statementRunning) {
        long serverThread = statementRunning ? mysqlConnectionId(connection) : -1;
        abort(topology, shard, connection);
        if (serverThread >= 0) {
            // The server notices a closed connection only when it writes to it: a long statement would run on.
            threads.execute(() -> {
                try {
                    killQuery(topology, shard, connection, serverThread);
                } catch (SQLException | RuntimeException ignored) {
                    // Best effort: the connection is gone from this side already.
                }
            });
        }
    }

    private static void abort(Topology topology, int shard, Connection connection) {
        try {
            // On this thread: the driver's abort only closes the socket, and must not queue behind hung cancels.
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // Already closed: nothing holds the socket any more.
        }
        topology.discard(shard, connection);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
