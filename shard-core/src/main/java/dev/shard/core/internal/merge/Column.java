package dev.shard.core.internal.merge;

import java.sql.SQLException;

/**
 * A column the merge reads, in one of two states. The analysis knows a column only as a {@link Slot} (the
 * {@code i}-th select item, or the {@code i}-th column the rewrite appended); how many columns the shards return
 * (for {@code SELECT *}) and how they compare (their collation, from result metadata) are known only when the
 * shards answer. {@link #resolve} then turns the slot into a {@link ColumnRef}: an index and a collation. Merge
 * steps run on resolved columns only.
 */
public sealed interface Column permits Slot, ColumnRef {

    /** This column in one execution's shard results. */
    ColumnRef resolve(Resolver resolver) throws SQLException;

    /** Whether this is a {@link ColumnRef}, which the merge steps can read. */
    boolean isResolved();

    /**
     * The resolved column, for the merge steps.
     *
     * @throws IllegalStateException for a slot: a step was given a plan that was never resolved
     */
    ColumnRef ref();

    /**
     * The slot, for code that looks at the analysis's plan.
     *
     * @throws IllegalStateException for a resolved column, which no longer says whether the rewrite added it
     */
    Slot slot();

    /** Where the column is, for describe(): {@code 2}, or {@code user[2]} / {@code derived[0]} before resolution. */
    String position();
}
