package dev.shard.core.internal.merge;

import java.util.Objects;

/**
 * What the merge needs to know about a result column.
 *
 * @param label           the column's label, for {@code describe()} output and error messages
 * @param caseInsensitive true for string columns whose collation ignores case and accents (MySQL's default
 *                        {@code *_general_ci} and {@code *_0900_ai_ci}); the JDBC layer takes it from
 *                        {@code ResultSetMetaData.isCaseSensitive(i) == false} on string columns. It only matters
 *                        for string values: numbers, dates and bytes compare the same either way.
 */
public record ColumnInfo(String label, boolean caseInsensitive) {

    /** A column with no label and binary (case-sensitive) comparison, for non-string columns. */
    public static final ColumnInfo PLAIN = new ColumnInfo("", false);

    public ColumnInfo {
        Objects.requireNonNull(label, "label");
    }

    /** A case-sensitive (binary) column. */
    public static ColumnInfo of(String label) {
        return new ColumnInfo(label, false);
    }

    /** A case- and accent-insensitive string column. */
    public static ColumnInfo ci(String label) {
        return new ColumnInfo(label, true);
    }

    ValueComparator comparator() {
        return ValueComparator.of(this);
    }
}
