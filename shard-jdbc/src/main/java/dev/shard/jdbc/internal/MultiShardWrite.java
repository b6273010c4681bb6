package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.ShardCall;
import dev.shard.core.internal.sql.SqlText;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * One write that runs on several shards (a split INSERT, an UPDATE or DELETE without a key, a write to a broadcast
 * table) applied as one step, so that it is never half-applied in silence:
 * <ul>
 *   <li>with auto-commit on, each shard runs it in a local transaction; only if every shard succeeded are they
 *       committed, in shard order. A failure before that rolls every shard back. A commit that fails after others
 *       succeeded is reported with the shards that committed and those that did not;</li>
 *   <li>inside the caller's transaction, a savepoint is set on each shard first, and a failure rolls every shard
 *       back to it: the statement has no effect, and the transaction stays open.</li>
 * </ul>
 */
final class MultiShardWrite {

    private MultiShardWrite() {
    }

    /** @return the update count of each shard, in the order of {@code shards} */
    static long[] run(LogicalConnection connection, List<ShardCall> calls, String paceKey,
                      ScatterExecution.Binder binder, String sql, ScatterExecutionHolder holder,
                      QueryDeadline deadline) throws SQLException {
        ShardRuntime runtime = connection.runtime();
        int[] shards = calls.stream().mapToInt(ShardCall::shard).toArray();
        boolean autoCommit = connection.getAutoCommit();
        Connection[] physical = new Connection[shards.length];
        Savepoint[] savepoints = new Savepoint[shards.length];
        for (int i = 0; i < shards.length; i++) {
            physical[i] = connection.physical(shards[i], Topology.Intent.WRITE);
        }
        try {
            for (int i = 0; i < shards.length; i++) {
                // A round trip to the server each: a frozen shard must not hold the statement past its timeout here.
                try (QueryDeadline.Watch watched = deadline.watch(connection.topology(), shards[i], physical[i])) {
                    if (autoCommit) {
                        physical[i].setAutoCommit(false);
                    } else {
                        savepoints[i] = physical[i].setSavepoint();
                    }
                } catch (SQLException e) {
                    SQLException failure = deadline.explain(e);
                    undo(physical, savepoints, false, failure);
                    throw SqlExceptions.withMessage(failure, failure.getMessage() + ". The statement ran on no "
                            + "shard: nothing was applied: " + SqlText.abbreviate(sql));
                }
            }
            long[] counts;
            try (ScatterExecution execution = ScatterExecution.prepare(connection, calls, paceKey,
                    Topology.Intent.WRITE, binder, deadline)) {
                holder.set(execution);
                counts = execution.update();
            } catch (SQLException e) {
                SQLException failure = deadline.explain(e);
                undo(physical, savepoints, autoCommit, failure);
                // Of the same kind (a timeout stays one), with what became of the write.
                throw SqlExceptions.withMessage(failure, failure.getMessage() + (autoCommit
                        ? ". Rolled back on every shard: nothing was applied"
                        : ". Rolled back to before this statement on every shard; the transaction is still open")
                        + ": " + SqlText.abbreviate(sql));
            } finally {
                holder.set(null);
            }
            if (autoCommit) {
                commitInOrder(connection.topology(), shards, physical, sql, deadline);
            } else {
                for (int i = 0; i < shards.length; i++) {
                    release(physical[i], savepoints[i]);
                }
            }
            return counts;
        } finally {
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
    }

    /** The commits are under the statement's deadline too: a frozen shard must not hold the statement here. */
    private static void commitInOrder(Topology runtime, int[] shards, Connection[] physical, String sql,
                                      QueryDeadline deadline) throws SQLException {
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < shards.length; i++) {
            try (QueryDeadline.Watch watched = deadline.watch(runtime, shards[i], physical[i])) {
                physical[i].commit();
                committed.add(runtime.shardName(shards[i]));
            } catch (SQLException failure) {
                SQLException e = deadline.explain(failure);
                List<String> rolledBack = new ArrayList<>();
                for (int rest = i + 1; rest < shards.length; rest++) {
                    try {
                        physical[rest].rollback();
                        rolledBack.add(runtime.shardName(shards[rest]));
                    } catch (SQLException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                String shard = runtime.shardName(shards[i]);
                // The server may have committed before the connection broke or was abandoned.
                String failed = e instanceof java.sql.SQLTimeoutException || SqlExceptions.isConnectionFailure(e)
                        ? "not known whether " + shard + " committed (its connection was lost during the commit)"
                        : "not committed on " + shard;
                throw SqlExceptions.withMessage(e, "Commit failed on shard " + shard + ": " + e.getMessage()
                        + ". Committed on " + committed + "; " + failed + (rolledBack.isEmpty() ? ""
                        : "; not committed (rolled back) on " + rolledBack) + ": " + SqlText.abbreviate(sql));
            }
        }
    }

    private static void undo(Connection[] physical, Savepoint[] savepoints, boolean autoCommit, SQLException cause) {
        for (int i = 0; i < physical.length; i++) {
            try {
                if (autoCommit) {
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

    /** Where the running execution is published, so that Statement.cancel() can reach it. */
    @FunctionalInterface
    interface ScatterExecutionHolder {
        void set(ScatterExecution execution);
    }
}
