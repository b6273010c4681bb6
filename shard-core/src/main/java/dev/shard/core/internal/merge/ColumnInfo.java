package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.Objects;

/**
 * What the merge needs to know about a result column.
 *
 * @param label      the column's label, for {@code describe()} output and error messages
 * @param comparator how the column's values order: the dialect's, for the column's collation as the shard's result
 *                   metadata reports it. It only matters for sorting, grouping and MIN/MAX; for strings, whether
 *                   it is case-insensitive.
 * @param weight     where the database's own sort key of the column's strings is, or null: then the comparator's
 *                   collation approximates it
 */
public record ColumnInfo(String label, ValueComparator comparator, KeyWeight weight) {

    public ColumnInfo {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(comparator, "comparator");
    }

    public ColumnInfo(String label, ValueComparator comparator) {
        this(label, comparator, null);
    }

    public ColumnInfo withWeight(KeyWeight keyWeight) {
        return new ColumnInfo(label, comparator, keyWeight);
    }

    /** Whether the column's strings compare case- and accent-insensitively; EXPLAIN marks it "ci". */
    public boolean caseInsensitive() {
        return comparator.caseInsensitive();
    }

    /**
     * The form of {@code value} (this column's, in {@code row}) that sorts, groups and compares as the database
     * does: its weight when there is one, else the comparator's collation key. Compare two with
     * {@link ValueComparator#compareKeys}; equal keys are one group.
     */
    Object sortKey(RowView row, Object value) throws SQLException {
        if (weight != null && value != null) {
            Object key = weight.key(row, value);
            if (key != null) {
                return key;
            }
        }
        return comparator.collationKey(value);
    }
}
