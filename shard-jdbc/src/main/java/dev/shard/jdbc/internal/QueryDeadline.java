package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A logical statement's query timeout, enforced by Shard rather than left to the driver: the driver's own timeout
 * sends {@code KILL QUERY} over a new connection, which never arrives at a frozen server, and leaves the caller in a
 * socket read until the server resumes.
 *
 * <p>Every physical statement that runs for the logical one is watched while it runs. At the deadline the ones
 * still running are cancelled (on the runtime's cancel threads, since a cancel may itself hang); a shard whose
 * statement has not answered the cancel within the grace ({@link #graceMillis}) is abandoned: its physical
 * connection is aborted (its socket closed, which ends the blocked read) and evicted from the pool, so the pool slot
 * is free again. The failure that reaches the application is then a {@link SQLTimeoutException} naming those shards.
 * Whether such a shard is down is not decided here: a server that took the cancel is alive, and one that has not
 * answered yet makes the shard suspect, for its breaker to decide ({@link ShardBreaker#suspect}). Borrowing a
 * connection for the statement is bounded by the deadline too ({@link #remainingMillis()}).
 */
final class QueryDeadline implements AutoCloseable {

    /** The longest a shard's statement has to answer a cancel before its connection is abandoned. */
    static final long MAX_CANCEL_GRACE_MILLIS = 1000;

    /** No timeout: nothing is watched, and waits are bounded only by the pool's and the driver's own timeouts. */
    static final QueryDeadline NONE = new QueryDeadline(null, 0, null);

    private final ShardRuntime runtime;
    private final int seconds;
    private final long graceMillis;
    private final long deadlineNanos;
    private final String sql;
    private final List<Watch> running = new CopyOnWriteArrayList<>();
    /** Shards whose statement was still running at the deadline. */
    private final Set<String> lateShards = java.util.Collections.synchronizedSet(new TreeSet<>());
    /** Shards whose statement did not answer the cancel: their connections were aborted. */
    private final Set<String> abandonedShards = java.util.Collections.synchronizedSet(new TreeSet<>());
    private volatile boolean expired;
    private volatile ScheduledFuture<?> timer;

    private QueryDeadline(ShardRuntime runtime, int seconds, String sql) {
        this.runtime = runtime;
        this.seconds = seconds;
        this.graceMillis = graceMillis(seconds);
        this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        this.sql = sql;
    }

    /** Starts the clock; with {@code seconds} 0 (no timeout) nothing is watched. */
    static QueryDeadline start(ShardRuntime runtime, int seconds, String sql) {
        if (seconds <= 0) {
            return NONE;
        }
        QueryDeadline deadline = new QueryDeadline(runtime, seconds, sql);
        deadline.timer = runtime.schedule(deadline::expire, TimeUnit.SECONDS.toMillis(seconds));
        return deadline;
    }

    /**
     * How long a statement has to answer a cancel before its connection is abandoned: a twentieth of the timeout,
     * at most {@link #MAX_CANCEL_GRACE_MILLIS}, so that a statement on a server that does not answer fails within
     * its timeout plus 5 %. A server that does answer kills the statement in milliseconds.
     */
    static long graceMillis(int seconds) {
        return Math.min(MAX_CANCEL_GRACE_MILLIS, TimeUnit.SECONDS.toMillis(seconds) / 20);
    }

    boolean isSet() {
        return runtime != null;
    }

    /** Nanoseconds until the deadline plus twice the grace for cancels (what a waiting caller should allow). */
    long remainingWithGraceNanos() {
        return Math.max(0, deadlineNanos + TimeUnit.MILLISECONDS.toNanos(2 * graceMillis) - System.nanoTime());
    }

    /** Milliseconds until the deadline (0 once it has passed); {@link Long#MAX_VALUE} without a timeout. */
    long remainingMillis() {
        return isSet() ? Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()))
                : Long.MAX_VALUE;
    }

    /**
     * The failure of a statement whose deadline passed while it waited for a connection from a shard's pool: the
     * pool was busy, which says nothing about the shard's health.
     */
    SQLTimeoutException expiredWhileBorrowing(String shard, SQLException cause) {
        return new SQLTimeoutException("Query timeout of " + seconds + " s expired while waiting for a connection "
                + "to shard " + shard + " from its pool: " + dev.shard.core.internal.sql.SqlText.abbreviate(sql),
                "HYT00", 0, cause);
    }

    /**
     * Watches a physical statement until the returned watch is closed (when the statement has returned or failed).
     *
     * @throws SQLTimeoutException if the deadline has passed already: the statement must not start
     */
    Watch watch(Topology topology, int shard, Statement statement) throws SQLException {
        return isSet() ? watch(topology, shard, statement.getConnection(), statement) : Watch.NOTHING;
    }

    /**
     * Watches a call on a physical connection that runs no statement of the caller's (setting a savepoint...):
     * at the deadline there is nothing to cancel, and after the grace the connection is abandoned.
     */
    Watch watch(Topology topology, int shard, Connection connection) throws SQLException {
        return isSet() ? watch(topology, shard, connection, null) : Watch.NOTHING;
    }

    private Watch watch(Topology topology, int shard, Connection connection, Statement statement)
            throws SQLException {
        if (expired) {
            throw timeout(null);
        }
        Watch watch = new Watch(this, topology, shard, connection, statement);
        running.add(watch);
        if (expired) {
            // The timer may have run between the check and the add and missed this one.
            running.remove(watch);
            throw timeout(null);
        }
        return watch;
    }

    /** The deadline: cancel what is still running, and abandon what does not answer the cancel in time. */
    private void expire() {
        expired = true;
        for (Watch watch : running) {
            lateShards.add(watch.shardName());
            runtime.cancels().cancel(watch.topology, watch.shard, watch.connection, watch.statement,
                    () -> running.contains(watch), () -> watch.serverAnswered = true);
        }
        runtime.schedule(this::abandonUnanswered, graceMillis);
    }

    private void abandonUnanswered() {
        for (Watch watch : running) {
            abandonedShards.add(watch.shardName());
            runtime.cancels().abandon(watch.topology, watch.shard, watch.connection);
            // A server that took the cancel is alive, only slow to stop: its connection is given up so that the
            // caller is free at its deadline, but the shard is not reported down. One that has not answered yet
            // may be frozen, or the machine busy: the breaker decides once the cancel has had its time.
            if (!watch.serverAnswered) {
                watch.topology.breaker(watch.shard, watch.connection).suspect(() -> watch.serverAnswered,
                        "a statement did not answer at its query timeout, nor the server a cancel");
            }
        }
    }

    /**
     * Abandons at once every statement still running: for a caller that waited {@link #remainingWithGraceNanos()}
     * and got no answer, so that the threads running them are freed rather than left to the driver.
     */
    void abandonNow() {
        expired = true;
        for (Watch watch : running) {
            lateShards.add(watch.shardName());
        }
        abandonUnanswered();
    }

    boolean expired() {
        return expired;
    }

    /** The failure of a statement that was not started because the deadline had passed. */
    SQLTimeoutException timedOut() {
        return timeout(null);
    }

    /** The failure to report: a timeout naming the shards if the deadline passed, else {@code failure} itself. */
    SQLException explain(SQLException failure) {
        boolean ours = failure instanceof SQLTimeoutException && String.valueOf(failure.getMessage())
                .contains("Query timeout of ");
        // Nothing was running at the deadline: the failure (a commit's, say) is not the timeout's doing.
        if (!expired || ours || lateShards.isEmpty()) {
            return failure;
        }
        return timeout(failure);
    }

    private SQLTimeoutException timeout(SQLException cause) {
        List<String> late;
        List<String> abandoned;
        synchronized (lateShards) {
            late = new ArrayList<>(lateShards);
        }
        synchronized (abandonedShards) {
            abandoned = new ArrayList<>(abandonedShards);
        }
        StringBuilder message = new StringBuilder("Query timeout of ").append(seconds).append(" s expired");
        if (!late.isEmpty()) {
            message.append(" on shard").append(late.size() == 1 ? " " : "s ").append(String.join(", ", late));
        }
        if (!abandoned.isEmpty()) {
            message.append("; not answering a cancel within ").append(graceMillis).append(" ms: ")
                    .append(String.join(", ", abandoned)).append(" (connection abandoned)");
        }
        message.append(": ").append(dev.shard.core.internal.sql.SqlText.abbreviate(sql));
        return new SQLTimeoutException(message.toString(), "HYT00", 0, cause);
    }

    @Override
    public void close() {
        ScheduledFuture<?> scheduled = timer;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    /** One physical statement being watched; closing it says that the statement returned. */
    static final class Watch implements AutoCloseable {

        static final Watch NOTHING = new Watch(null, null, -1, null, null);

        private final QueryDeadline deadline;
        private final Topology topology;
        private final int shard;
        private final Connection connection;
        /** What a cancel goes to; null for a call that is not a statement. */
        private final Statement statement;
        /** Whether the server took the cancel (on MySQL, answered the KILL QUERY) or answered a ping. */
        private volatile boolean serverAnswered;

        private Watch(QueryDeadline deadline, Topology topology, int shard, Connection connection,
                      Statement statement) {
            this.deadline = deadline;
            this.topology = topology;
            this.shard = shard;
            this.connection = connection;
            this.statement = statement;
        }

        String shardName() {
            return topology.shardName(shard);
        }

        @Override
        public void close() {
            if (deadline != null) {
                deadline.running.remove(this);
            }
        }
    }
}
