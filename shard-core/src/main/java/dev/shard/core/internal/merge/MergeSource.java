package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;

/** The bottom of a plan: combines the shards' cursors into one stream. */
public sealed interface MergeSource permits Concat, OrderedMerge {

    /**
     * Starts reading {@code inputs}, one per shard. The returned cursor owns them: closing it closes them all.
     *
     * @throws SQLException when the inputs do not fit the source (differing column counts, a key past the last
     *                      column); the inputs are left open for the caller, who owns them until this returns
     */
    RowCursor open(List<? extends RowCursor> inputs) throws SQLException;

    /** One line for EXPLAIN, such as {@code OrderedMerge(keys=[2 DESC, 0 ASC])}. */
    String describe();
}
