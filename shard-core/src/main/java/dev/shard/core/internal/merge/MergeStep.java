package dev.shard.core.internal.merge;

import java.sql.SQLException;

/**
 * One step of a plan above its {@link MergeSource}: reads one cursor, is one cursor. Steps are immutable values,
 * reusable across executions; {@link #open} makes the per-execution state.
 */
public sealed interface MergeStep permits Limit, Aggregate, GroupAggregate, MemorySort, Filter, Distinct, Project,
        HashDistinct, Compute {

    /**
     * Starts reading {@code input}. The returned cursor owns it: closing it closes the input.
     *
     * @throws SQLException when the step does not fit the input (a column past its last); the input is then left
     *                      open for the caller
     */
    RowCursor open(RowCursor input) throws SQLException;

    /** One line for EXPLAIN, such as {@code Limit(offset=20, count=10)}. */
    String describe();
}
