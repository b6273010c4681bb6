package dev.shard.core.internal.merge;

/**
 * How a column's values from the shards combine into the global value. The plain kinds read one partial
 * aggregate per shard (per group); the DISTINCT kinds read the distinct values themselves, sorted.
 */
public enum AggregateKind {
    /** Sum of the shards' {@code COUNT(...)}; a {@code Long}, 0 for no rows. */
    COUNT,
    /** Sum of the shards' {@code SUM(x)}, keeping their type (DECIMAL or DOUBLE); NULL when all are NULL. */
    SUM,
    /** Smallest of the shards' {@code MIN(x)} in MySQL order, NULLs ignored. */
    MIN,
    /** Largest of the shards' {@code MAX(x)} in MySQL order, NULLs ignored. */
    MAX,
    /**
     * {@code AVG(x)} from the shards' {@code SUM(x)} (this column) and {@code COUNT(x)} (the count column):
     * a DECIMAL with the sum's scale + 4 (MySQL's {@code div_precision_increment}), or a DOUBLE for DOUBLE sums.
     */
    AVG,
    /** {@code COUNT(DISTINCT x)} over rows of distinct x values sorted by x; NULLs ignored. */
    COUNT_DISTINCT,
    /** {@code SUM(DISTINCT x)} over rows of distinct x values sorted by x. */
    SUM_DISTINCT,
    /** {@code AVG(DISTINCT x)} over rows of distinct x values sorted by x. */
    AVG_DISTINCT;

    boolean distinct() {
        return this == COUNT_DISTINCT || this == SUM_DISTINCT || this == AVG_DISTINCT;
    }
}
