package dev.shard.core.internal.merge;

/**
 * The aggregates a merge combines, from the analysis of the user's statement to the merge step that computes
 * them. The plain kinds read one partial aggregate per shard (per group); the DISTINCT kinds read the distinct
 * values themselves, sorted (the shard query groups by the value), and combine each value once.
 *
 * <p>MIN(DISTINCT x) and MAX(DISTINCT x) are MIN and MAX: the DISTINCT changes nothing.
 */
public enum AggregateKind {
    /** Sum of the shards' {@code COUNT(...)}; a {@code Long}, 0 for no rows. */
    COUNT(false, false),
    /** Sum of the shards' {@code SUM(x)}, keeping their type (DECIMAL or DOUBLE); NULL when all are NULL. */
    SUM(false, false),
    /** Smallest of the shards' {@code MIN(x)} in MySQL order, NULLs ignored. */
    MIN(false, true),
    /** Largest of the shards' {@code MAX(x)} in MySQL order, NULLs ignored. */
    MAX(false, true),
    /**
     * {@code AVG(x)} from the shards' {@code SUM(x)} (this column) and {@code COUNT(x)} (the count column):
     * a DECIMAL with the sum's scale + 4 (MySQL's {@code div_precision_increment}), or a DOUBLE for DOUBLE sums.
     */
    AVG(false, false),
    /** {@code COUNT(DISTINCT x)} over rows of distinct x values sorted by x; NULLs ignored. */
    COUNT_DISTINCT(true, true),
    /** {@code SUM(DISTINCT x)} over rows of distinct x values sorted by x. */
    SUM_DISTINCT(true, true),
    /** {@code AVG(DISTINCT x)} over rows of distinct x values sorted by x: their sum over their count, as AVG. */
    AVG_DISTINCT(true, true),
    /**
     * {@code GROUP_CONCAT}: the pieces of each group, one per sub-group the shard query adds, joined as
     * {@link GroupConcat} says; a String, NULL when no row had a value.
     */
    GROUP_CONCAT(false, false);

    private final boolean distinct;
    private final boolean collated;

    AggregateKind(boolean distinct, boolean collated) {
        this.distinct = distinct;
        this.collated = collated;
    }

    /** Whether the shards return the distinct values rather than a partial aggregate. */
    public boolean distinct() {
        return distinct;
    }

    /** Whether values are compared, so the column's collation matters (it is shown in describe()). */
    boolean collated() {
        return collated;
    }
}
