package dev.shard.core.internal.merge;

import java.util.Objects;

/**
 * What the merge needs to know about a result column.
 *
 * @param label      the column's label, for {@code describe()} output and error messages
 * @param comparator how the column's values order: the dialect's, for the column's collation as the shard's result
 *                   metadata reports it. It only matters for sorting, grouping and MIN/MAX; for strings, whether
 *                   it is case-insensitive.
 */
public record ColumnInfo(String label, ValueComparator comparator) {

    public ColumnInfo {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(comparator, "comparator");
    }

    /** Whether the column's strings compare case- and accent-insensitively; EXPLAIN marks it "ci". */
    public boolean caseInsensitive() {
        return comparator.caseInsensitive();
    }
}
