package dev.shard.jdbc.internal;

import dev.shard.core.internal.sql.SqlText;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Work on several shards applied as one step, so that it is never half-applied in silence: a
 * {@link MultiShardWrite}, or a run of batch entries that write to every shard ({@link ShardBatches}).
 * <ul>
 *   <li>with auto-commit on, each shard's connection leaves auto-commit for the step; {@link #finish} commits
 *       them in shard order, and reports a commit that fails after others succeeded with the shards that
 *       committed and those that did not;</li>
 *   <li>inside the caller's transaction, a savepoint is set on each shard first, and {@link #undo} rolls every
 *       shard back to it: the step has no effect, and the transaction stays open.</li>
 * </ul>
 * {@link #close} gives the connections back their auto-commit, whatever happened.
 */
final class AllOrNothing implements AutoCloseable {

    private final Topology topology;
    private final int[] shards;
    private final Connection[] physical;
    private final Savepoint[] savepoints;
    private final boolean autoCommit;
    private final QueryDeadline deadline;

    private AllOrNothing(LogicalConnection connection, int[] shards, QueryDeadline deadline) throws SQLException {
        this.topology = connection.topology();
        this.shards = shards.clone();
        this.physical = new Connection[shards.length];
        this.savepoints = new Savepoint[shards.length];
        this.autoCommit = connection.getAutoCommit();
        this.deadline = deadline;
        for (int i = 0; i < shards.length; i++) {
            physical[i] = connection.physical(shards[i], Topology.Intent.WRITE);
        }
    }

    /**
     * Opens the step on every shard; if that fails, no shard is left changed.
     *
     * @param sql what the step runs, for the error message
     */
    static AllOrNothing begin(LogicalConnection connection, int[] shards, QueryDeadline deadline, String sql)
            throws SQLException {
        AllOrNothing step = new AllOrNothing(connection, shards, deadline);
        for (int i = 0; i < shards.length; i++) {
            // A round trip to the server each: a frozen shard must not hold the statement past its timeout here.
            try (QueryDeadline.Watch watched = deadline.watch(step.topology, shards[i], step.physical[i])) {
                if (step.autoCommit) {
                    step.physical[i].setAutoCommit(false);
                } else {
                    step.savepoints[i] = step.physical[i].setSavepoint();
                }
            } catch (SQLException e) {
                SQLException failure = deadline.explain(e);
                step.rollBack(false, failure);
                step.close();
                throw SqlExceptions.withMessage(failure, failure.getMessage() + ". The statement ran on no "
                        + "shard: nothing was applied: " + SqlText.abbreviate(sql));
            }
        }
        return step;
    }

    /** After a failure inside the step: every shard goes back to before it. */
    void undo(SQLException cause) {
        rollBack(autoCommit, cause);
    }

    /** What {@link #undo} did, to be appended to the failure's message. */
    String undone() {
        return autoCommit ? ". Rolled back on every shard: nothing was applied"
                : ". Rolled back to before this statement on every shard; the transaction is still open";
    }

    /** After success on every shard: commits in shard order (auto-commit), or releases the savepoints. */
    void finish(String sql) throws SQLException {
        if (autoCommit) {
            commitInOrder(sql);
        } else {
            for (int i = 0; i < shards.length; i++) {
                release(physical[i], savepoints[i]);
            }
        }
    }

    @Override
    public void close() {
        if (autoCommit) {
            for (Connection c : physical) {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // A connection that cannot even do this is broken; the pool validates it on return.
                }
            }
        }
    }

    /** The commits are under the statement's deadline too: a frozen shard must not hold the statement here. */
    private void commitInOrder(String sql) throws SQLException {
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < shards.length; i++) {
            try (QueryDeadline.Watch watched = deadline.watch(topology, shards[i], physical[i])) {
                physical[i].commit();
                committed.add(topology.shardName(shards[i]));
            } catch (SQLException failure) {
                SQLException e = deadline.explain(failure);
                List<String> rolledBack = new ArrayList<>();
                for (int rest = i + 1; rest < shards.length; rest++) {
                    try {
                        physical[rest].rollback();
                        rolledBack.add(topology.shardName(shards[rest]));
                    } catch (SQLException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                String shard = topology.shardName(shards[i]);
                // The server may have committed before the connection broke or was abandoned.
                String failed = e instanceof SQLTimeoutException || SqlExceptions.isConnectionFailure(e)
                        ? "not known whether " + shard + " committed (its connection was lost during the commit)"
                        : "not committed on " + shard;
                throw SqlExceptions.withMessage(e, "Commit failed on shard " + shard + ": " + e.getMessage()
                        + ". Committed on " + committed + "; " + failed + (rolledBack.isEmpty() ? ""
                        : "; not committed (rolled back) on " + rolledBack) + ": " + SqlText.abbreviate(sql));
            }
        }
    }

    private void rollBack(boolean transactions, SQLException cause) {
        for (int i = 0; i < physical.length; i++) {
            try {
                if (transactions) {
                    physical[i].rollback();
                } else if (savepoints[i] != null) {
                    physical[i].rollback(savepoints[i]);
                    release(physical[i], savepoints[i]);
                }
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private static void release(Connection connection, Savepoint savepoint) throws SQLException {
        if (savepoint != null) {
            connection.releaseSavepoint(savepoint);
        }
    }
}
