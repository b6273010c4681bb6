package dev.shard.core.internal.merge;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One ORDER BY (or GROUP BY / DISTINCT order) key: a column of the merged rows, its direction and collation.
 * Descending puts NULLs last, as MySQL does, because NULL is MySQL's smallest value.
 */
public record SortKey(int column, boolean descending, ColumnInfo info) {

    public SortKey {
        if (column < 0) {
            throw new IllegalArgumentException("column must be >= 0: " + column);
        }
        Objects.requireNonNull(info, "info");
    }

    public static SortKey asc(int column) {
        return new SortKey(column, false, ColumnInfo.PLAIN);
    }

    public static SortKey asc(int column, ColumnInfo info) {
        return new SortKey(column, false, info);
    }

    public static SortKey desc(int column) {
        return new SortKey(column, true, ColumnInfo.PLAIN);
    }

    public static SortKey desc(int column, ColumnInfo info) {
        return new SortKey(column, true, info);
    }

    /** {@code 2 DESC}, with {@code ci} appended for case-insensitive keys: EXPLAIN shows the collation used. */
    public String describe() {
        return column + (descending ? " DESC" : " ASC") + (info.caseInsensitive() ? " ci" : "");
    }

    static String describe(List<SortKey> keys) {
        return keys.stream().map(SortKey::describe).collect(Collectors.joining(", ", "[", "]"));
    }
}
