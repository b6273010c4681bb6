package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.ShardCall;
import dev.shard.core.internal.sql.SqlText;
import java.sql.SQLException;
import java.util.List;

/**
 * One write that runs on several shards (a split INSERT, an UPDATE or DELETE without a key, a write to a broadcast
 * table) applied as one step, so that it is never half-applied in silence: see {@link AllOrNothing}.
 */
final class MultiShardWrite {

    private MultiShardWrite() {
    }

    /** @return the update count of each shard, in the order of {@code shards} */
    static long[] run(LogicalConnection connection, List<ShardCall> calls, String paceKey,
                      ScatterExecution.Binder binder, String sql, ScatterExecutionHolder holder,
                      QueryDeadline deadline) throws SQLException {
        int[] shards = calls.stream().mapToInt(ShardCall::shard).toArray();
        try (AllOrNothing step = AllOrNothing.begin(connection, shards, deadline, sql)) {
            long[] counts;
            try (ScatterExecution execution = ScatterExecution.prepare(connection, calls, paceKey,
                    Topology.Intent.WRITE, binder, deadline)) {
                holder.set(execution);
                counts = execution.update();
            } catch (SQLException e) {
                SQLException failure = deadline.explain(e);
                step.undo(failure);
                // Of the same kind (a timeout stays one), with what became of the write.
                throw SqlExceptions.withMessage(failure, failure.getMessage() + step.undone() + ": "
                        + SqlText.abbreviate(sql));
            } finally {
                holder.set(null);
            }
            step.finish(sql);
            return counts;
        }
    }

    /** Where the running execution is published, so that Statement.cancel() can reach it. */
    @FunctionalInterface
    interface ScatterExecutionHolder {
        void set(ScatterExecution execution);
    }
}
