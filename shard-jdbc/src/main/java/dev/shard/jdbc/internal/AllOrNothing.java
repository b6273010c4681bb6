package dev.shard.jdbc.internal;

import dev.shard.core.internal.sql.SqlText;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Work on several shards applied as one step, so that it is never half-applied in silence: a
 * {@link MultiShardWrite}, or a run of batch entries that write to every shard ({@link ShardBatches}).
 * <ul>
 *   <li>with auto-commit on, each shard's part runs in a local transaction; {@link #finish} commits them all at
 *       once, and reports a commit that fails with the shards that committed, those that did not, and those
 *       where it is not known (the connection was lost during the commit);</li>
 *   <li>inside the caller's transaction, a savepoint is set on each shard first, and {@link #undo} rolls every
 *       shard back to it: the step has no effect, and the transaction stays open.</li>
 * </ul>
 *
 * <p>On MySQL and MariaDB the local transaction is {@code START TRANSACTION} ... {@code COMMIT}, sent as
 * statements, so the session's auto-commit is never changed: {@code setAutoCommit(false)} and
 * {@code setAutoCommit(true)} again would be two more round trips per shard (the drivers send both, since the
 * state does change). Other drivers go through the JDBC calls: PostgreSQL's sends its BEGIN along with the first
 * statement, so leaving auto-commit costs it no round trip.
 *
 * <p>A shard's part may be opened by the thread that runs it ({@link #deferred} and {@link #enter}), so the
 * shards open in parallel, each on the way to its statement; {@link #begin} opens every shard first.
 * {@link #close} leaves each connection as it found it, whatever happened.
 */
final class AllOrNothing implements AutoCloseable {

    private static final String BEGIN = "START TRANSACTION";
    /** Explicit, so that a server's {@code completion_type} cannot chain a new transaction or disconnect. */
    private static final String COMMIT = "COMMIT AND NO CHAIN NO RELEASE";
    private static final String ROLLBACK = "ROLLBACK AND NO CHAIN NO RELEASE";
    /** The caller was interrupted while a shard was still committing: the commit may yet complete. */
    private static final String INTERRUPTED = "HY008";

    /** How a shard's part is opened and ended. */
    private enum Kind {
        /** Auto-commit on, MySQL or MariaDB: START TRANSACTION, COMMIT and ROLLBACK as statements. */
        STATEMENTS,
        /** Auto-commit on, another driver: setAutoCommit(false), commit() or rollback(), setAutoCommit(true). */
        AUTO_COMMIT_OFF,
        /** Inside the caller's transaction: a savepoint, rolled back to or released. */
        SAVEPOINT
    }

    @FunctionalInterface
    private interface ShardAction {
        void run(int index) throws SQLException;
    }

    private final ShardRuntime runtime;
    private final Topology topology;
    private final int[] shards;
    private final Connection[] physical;
    private final Kind[] kinds;
    /** Set by the shard's own thread in {@link #enter}; read by the caller once that thread is done. */
    private final boolean[] entered;
    private final Savepoint[] savepoints;
    /** The statement that sends START TRANSACTION and COMMIT on a shard, kept for both. */
    private final Statement[] control;
    private final boolean autoCommit;
    private final QueryDeadline deadline;

    private AllOrNothing(LogicalConnection connection, int[] shards, QueryDeadline deadline) throws SQLException {
        this.runtime = connection.runtime();
        this.topology = connection.topology();
        this.shards = shards.clone();
        this.physical = new Connection[shards.length];
        this.kinds = new Kind[shards.length];
        this.entered = new boolean[shards.length];
        this.savepoints = new Savepoint[shards.length];
        this.control = new Statement[shards.length];
        this.autoCommit = connection.getAutoCommit();
        this.deadline = deadline;
        for (int i = 0; i < shards.length; i++) {
            physical[i] = connection.physical(shards[i], Topology.Intent.WRITE);
            kinds[i] = !autoCommit ? Kind.SAVEPOINT
                    : speaksMySql(physical[i]) ? Kind.STATEMENTS : Kind.AUTO_COMMIT_OFF;
        }
    }

    /** The driver answers from what it learnt at connect time: no round trip. */
    private static boolean speaksMySql(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String lower = product == null ? "" : product.toLowerCase(Locale.ROOT);
        return lower.startsWith("mysql") || lower.startsWith("mariadb");
    }

    /**
     * Opens the step on every shard, one after another; if that fails, no shard is left changed.
     *
     * @param sql what the step runs, for the error message
     */
    static AllOrNothing begin(LogicalConnection connection, int[] shards, QueryDeadline deadline, String sql)
            throws SQLException {
        AllOrNothing step = new AllOrNothing(connection, shards, deadline);
        for (int i = 0; i < shards.length; i++) {
            try {
                step.enter(i);
            } catch (SQLException e) {
                SQLException failure = deadline.explain(e);
                step.undo(failure);
                step.close();
                throw SqlExceptions.withMessage(failure, failure.getMessage() + ". The statement ran on no "
                        + "shard: nothing was applied: " + SqlText.abbreviate(sql));
            }
        }
        return step;
    }

    /**
     * A step whose shards are opened by {@link #enter}, each by the thread about to run that shard's part: no
     * round trip here. A part whose {@code enter} fails has failed, and the step is undone as for any failure.
     */
    static AllOrNothing deferred(LogicalConnection connection, int[] shards, QueryDeadline deadline)
            throws SQLException {
        return new AllOrNothing(connection, shards, deadline);
    }

    /**
     * Opens the step on the shard at {@code index} (of the shards given): one round trip, under the statement's
     * deadline, so a frozen shard cannot hold the statement past its timeout. Only one thread enters a shard.
     */
    void enter(int index) throws SQLException {
        Connection connection = physical[index];
        switch (kinds[index]) {
            case STATEMENTS -> {
                // Before the round trip: if it fails, whether a transaction began is not known; undo ends it.
                entered[index] = true;
                send(index, BEGIN);
            }
            case AUTO_COMMIT_OFF -> {
                try (QueryDeadline.Watch watched = deadline.watch(topology, shards[index], connection)) {
                    connection.setAutoCommit(false);
                }
                entered[index] = true;
            }
            case SAVEPOINT -> {
                try (QueryDeadline.Watch watched = deadline.watch(topology, shards[index], connection)) {
                    savepoints[index] = connection.setSavepoint();
                }
                entered[index] = true;
            }
        }
    }

    /** After a failure inside the step: every shard goes back to before it; what fails here is added to cause. */
    void undo(SQLException cause) {
        for (int i = 0; i < physical.length; i++) {
            if (!entered[i]) {
                continue;
            }
            try {
                switch (kinds[i]) {
                    // A failed rollback leaves the connection given up: close() turning auto-commit back on
                    // would otherwise commit the part that ran.
                    case STATEMENTS, AUTO_COMMIT_OFF -> rollBackOrGiveUp(i);
                    case SAVEPOINT -> {
                        physical[i].rollback(savepoints[i]);
                        physical[i].releaseSavepoint(savepoints[i]);
                    }
                }
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** What {@link #undo} did, to be appended to the failure's message. */
    String undone() {
        return autoCommit ? ". Rolled back on every shard: nothing was applied"
                : ". Rolled back to before this statement on every shard; the transaction is still open";
    }

    /**
     * After success on every shard: commits every shard's part at once (auto-commit), or releases the savepoints
     * (in a transaction). The commits are under the statement's deadline too.
     */
    void finish(String sql) throws SQLException {
        finish(sql, false);
    }

    /**
     * As {@link #finish(String)}; with {@code sequential}, the caller commits the shards one after another, for
     * parts too cheap to be worth a thread hand-off ({@link ScatterPacing}). Then a shard whose turn comes after a
     * commit that definitely failed, or after the deadline, is rolled back instead of committed: in parallel it
     * would already be committing, here it can still be held back; and past the deadline its COMMIT would not even
     * be sent, yet the shard would be reported as not known whether committed. A commit whose outcome is not known
     * (its connection lost) does not stop the shards after it, as it may well have committed. What is reported
     * reads as in parallel: committed, not committed (the rolled back ones too), not known.
     *
     * @return how long the shards' commits (or releases) took, added up, for the step's pacing
     */
    long finish(String sql, boolean sequential) throws SQLException {
        long[] nanos = new long[shards.length];
        if (!autoCommit) {
            SQLException[] failures = onEveryShard(sequential, nanos,
                    i -> physical[i].releaseSavepoint(savepoints[i]));
            for (SQLException failure : failures) {
                if (failure != null) {
                    throw deadline.explain(failure);
                }
            }
            return total(nanos);
        }
        ShardAction commit = i -> {
            if (kinds[i] == Kind.STATEMENTS) {
                send(i, COMMIT);
            } else {
                try (QueryDeadline.Watch watched = deadline.watch(topology, shards[i], physical[i])) {
                    physical[i].commit();
                }
            }
        };
        boolean[] rolledBack = new boolean[shards.length];
        SQLException[] failures = sequential ? commitInTurn(commit, nanos, rolledBack)
                : onEveryShard(false, nanos, commit);
        reportCommitFailures(failures, rolledBack, sql);
        return total(nanos);
    }

    /**
     * Commits the shards one after another on the caller, until a commit definitely fails or the deadline passes;
     * the shards after that are rolled back. Fills in {@code rolledBack}; each shard's failure, or null.
     */
    private SQLException[] commitInTurn(ShardAction commit, long[] nanos, boolean[] rolledBack) {
        SQLException[] failures = new SQLException[shards.length];
        SQLException stoppedBy = null;
        for (int i = 0; i < shards.length; i++) {
            if (stoppedBy == null && deadline.expired()) {
                // COMMIT is not sent (the watch refuses to start it): this shard is the one the deadline stops.
                stoppedBy = deadline.timedOut();
                failures[i] = stoppedBy;
            }
            if (stoppedBy != null) {
                rolledBack[i] = true;
                try {
                    rollBackOrGiveUp(i);
                } catch (SQLException e) {
                    // Given up: closing the connection rolls back what COMMIT never reached.
                    stoppedBy.addSuppressed(e);
                }
                continue;
            }
            long start = System.nanoTime();
            try {
                commit.run(i);
            } catch (SQLException e) {
                failures[i] = e;
                if (!outcomeUnknown(deadline.explain(e))) {
                    stoppedBy = e;
                }
            } finally {
                nanos[i] = System.nanoTime() - start;
            }
        }
        return failures;
    }

    private static long total(long[] nanos) {
        long total = 0;
        for (long n : nanos) {
            total += n;
        }
        return total;
    }

    /** The server may have committed before the connection broke or was abandoned. */
    private static boolean outcomeUnknown(SQLException e) {
        return e instanceof SQLTimeoutException || SqlExceptions.isConnectionFailure(e)
                || INTERRUPTED.equals(e.getSQLState());
    }

    /**
     * In parallel, when one shard's commit fails the others have committed or are committing: no shard can be
     * held back any more. What the message can promise is to say which is which.
     *
     * @param rolledBack the shards rolled back instead of committed (sequential, after a failure); a failure
     *                   recorded for one of them is what stopped the commits, not the outcome of a commit
     */
    private void reportCommitFailures(SQLException[] failures, boolean[] rolledBack, String sql)
            throws SQLException {
        List<String> committed = new ArrayList<>();
        List<String> notCommitted = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        SQLException first = null;
        String firstShard = null;
        for (int i = 0; i < shards.length; i++) {
            String shard = topology.shardName(shards[i]);
            if (failures[i] == null) {
                (rolledBack[i] ? notCommitted : committed).add(shard);
                continue;
            }
            SQLException e = deadline.explain(failures[i]);
            if (rolledBack[i]) {
                notCommitted.add(shard);
            } else {
                boolean lost = outcomeUnknown(e);
                (lost ? unknown : notCommitted).add(shard);
                if (kinds[i] == Kind.STATEMENTS) {
                    // The session's transaction state is not known: it must not serve another statement.
                    giveUp(i);
                }
            }
            if (first == null) {
                first = e;
                firstShard = shard;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first != null) {
            throw SqlExceptions.withMessage(first, "Commit failed on shard " + firstShard + ": "
                    + first.getMessage() + ". Committed on " + committed
                    + (notCommitted.isEmpty() ? "" : "; not committed on " + notCommitted)
                    + (unknown.isEmpty() ? "" : "; not known whether committed on " + unknown
                    + " (the connection was lost during the commit)") + ": " + SqlText.abbreviate(sql));
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < physical.length; i++) {
            try {
                if (control[i] != null) {
                    control[i].close();
                }
                if (entered[i] && kinds[i] == Kind.AUTO_COMMIT_OFF) {
                    physical[i].setAutoCommit(true);
                }
            } catch (SQLException ignored) {
                // A connection that cannot even do this is broken; the pool validates it on return.
            }
        }
    }

    /** Sends START TRANSACTION or COMMIT on a shard's kept statement, watched by the deadline. */
    private void send(int index, String sql) throws SQLException {
        if (control[index] == null) {
            control[index] = physical[index].createStatement();
        }
        try (QueryDeadline.Watch watched = deadline.watch(topology, shards[index], control[index])) {
            control[index].execute(sql);
        }
    }

    /** Rolls back a shard's local transaction; if that fails, gives its connection up (which rolls back too). */
    private void rollBackOrGiveUp(int index) throws SQLException {
        try {
            if (kinds[index] == Kind.STATEMENTS) {
                try (Statement statement = physical[index].createStatement();
                     QueryDeadline.Watch watched = deadline.watch(topology, shards[index], statement)) {
                    statement.execute(ROLLBACK);
                }
            } else {
                try (QueryDeadline.Watch watched = deadline.watch(topology, shards[index], physical[index])) {
                    physical[index].rollback();
                }
            }
        } catch (SQLException e) {
            giveUp(index);
            throw e;
        }
    }

    /**
     * The driver still believes the connection is in auto-commit mode, and the pool would hand it out as such:
     * if a transaction may be left open on it, it is closed instead (the server rolls back what the connection
     * had not committed), and the logical connection replaces it on its next statement there.
     */
    private void giveUp(int index) {
        if (HeldConnections.isBroken(physical[index])) {
            return; // the pool saw the connection fail and closed it already
        }
        runtime.cancels().abandon(topology, shards[index], physical[index]);
        try {
            physical[index].close();
        } catch (SQLException | RuntimeException ignored) {
            // Aborted and evicted already: closing only marks it closed for the logical connection. (HikariCP's
            // close throws a NullPointerException for an evicted connection whose auto-commit was changed.)
        }
    }

    /**
     * Runs {@code action} for every shard at once, the caller taking the last, or every shard on the caller in turn
     * ({@code sequential}); each shard's failure, or null. Each shard's time goes to {@code nanos}.
     */
    private SQLException[] onEveryShard(boolean sequential, long[] nanos, ShardAction action) {
        List<FutureTask<Void>> futures = new ArrayList<>(shards.length);
        for (int i = 0; i < shards.length; i++) {
            int index = i;
            FutureTask<Void> task = new FutureTask<>(() -> {
                long start = System.nanoTime();
                try {
                    action.run(index);
                } finally {
                    nanos[index] = System.nanoTime() - start;
                }
                return null;
            });
            futures.add(task);
            if (!sequential && i < shards.length - 1) {
                runtime.executor().execute(task);
            } else {
                task.run(); // the caller would only wait
            }
        }
        SQLException[] failures = new SQLException[shards.length];
        for (int i = 0; i < shards.length; i++) {
            try {
                ShardWait.await(futures.get(i), deadline, runtime, topology.shardName(shards[i]));
            } catch (ExecutionException e) {
                failures[i] = e.getCause() instanceof SQLException sql ? sql
                        : new SQLException("Failed on shard " + topology.shardName(shards[i]) + ": " + e.getCause(),
                        "HY000", e.getCause());
            } catch (SQLException e) {
                failures[i] = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures[i] = new SQLException("Interrupted while waiting for shard "
                        + topology.shardName(shards[i]) + " to commit", INTERRUPTED, e);
            }
        }
        return failures;
    }
}
