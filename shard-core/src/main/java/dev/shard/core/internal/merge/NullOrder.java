package dev.shard.core.internal.merge;

/** Where a database sorts NULL among the values of a column, when no NULLS FIRST or LAST says otherwise. */
public enum NullOrder {
    /** NULL is smaller than every value: first ascending, last descending (MySQL, MariaDB). */
    LOWEST,
    /** NULL is larger than every value: last ascending, first descending (PostgreSQL). */
    HIGHEST
}
