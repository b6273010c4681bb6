package dev.shard.core.internal.merge;

import java.util.Locale;
import java.util.Objects;

/**
 * An aggregate in the merged row: the value in {@link #column} is replaced by the combination, across all rows
 * of the group, of that column's values.
 *
 * @param column      the input column read, and the output column written
 * @param kind        how values combine
 * @param countColumn for {@link AggregateKind#AVG}, the column holding the shards' {@code COUNT(x)}; otherwise
 *                    -1
 * @param info        the collation for MIN, MAX and the DISTINCT kinds
 */
public record AggregateColumn(int column, AggregateKind kind, int countColumn, ColumnInfo info) {

    public AggregateColumn {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(info, "info");
        if (column < 0) {
            throw new IllegalArgumentException("column must be >= 0: " + column);
        }
        if (kind == AggregateKind.AVG) {
            if (countColumn < 0 || countColumn == column) {
                throw new IllegalArgumentException("AVG needs a count column other than its sum column "
                        + column + ": " + countColumn);
            }
        } else if (countColumn != -1) {
            throw new IllegalArgumentException("only AVG has a count column: " + kind);
        }
    }

    public static AggregateColumn count(int column) {
        return new AggregateColumn(column, AggregateKind.COUNT, -1, ColumnInfo.PLAIN);
    }

    public static AggregateColumn sum(int column) {
        return new AggregateColumn(column, AggregateKind.SUM, -1, ColumnInfo.PLAIN);
    }

    public static AggregateColumn min(int column, ColumnInfo info) {
        return new AggregateColumn(column, AggregateKind.MIN, -1, info);
    }

    public static AggregateColumn max(int column, ColumnInfo info) {
        return new AggregateColumn(column, AggregateKind.MAX, -1, info);
    }

    /** AVG from the partial {@code SUM(x)} in {@code sumColumn} and {@code COUNT(x)} in {@code countColumn}. */
    public static AggregateColumn avg(int sumColumn, int countColumn) {
        return new AggregateColumn(sumColumn, AggregateKind.AVG, countColumn, ColumnInfo.PLAIN);
    }

    public static AggregateColumn countDistinct(int column, ColumnInfo info) {
        return new AggregateColumn(column, AggregateKind.COUNT_DISTINCT, -1, info);
    }

    public static AggregateColumn sumDistinct(int column, ColumnInfo info) {
        return new AggregateColumn(column, AggregateKind.SUM_DISTINCT, -1, info);
    }

    public static AggregateColumn avgDistinct(int column, ColumnInfo info) {
        return new AggregateColumn(column, AggregateKind.AVG_DISTINCT, -1, info);
    }

    /** {@code sum(1)}, {@code avg(2/3)} (sum/count columns), {@code count_distinct(4 ci)}. */
    public String describe() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        String args = kind == AggregateKind.AVG ? column + "/" + countColumn : String.valueOf(column);
        boolean collated = kind == AggregateKind.MIN || kind == AggregateKind.MAX || kind.distinct();
        return name + "(" + args + (collated && info.caseInsensitive() ? " ci" : "") + ")";
    }
}
