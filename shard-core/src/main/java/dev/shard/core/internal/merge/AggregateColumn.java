package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;

/**
 * An aggregate in the merged row: the value in {@link #column} is replaced by the combination, across all rows
 * of the group, of that column's values. Built by the analysis over {@link Slot}s, run by the merge once
 * {@link #resolve resolved}.
 *
 * @param kind        how values combine
 * @param column      the input column read, and the output column written; its collation serves MIN, MAX and
 *                    the DISTINCT kinds
 * @param countColumn for {@link AggregateKind#AVG}, the column holding the shards' {@code COUNT(x)}; otherwise
 *                    null
 */
public record AggregateColumn(AggregateKind kind, Column column, Column countColumn, GroupConcat concat) {

    /** Any aggregate but GROUP_CONCAT. */
    public AggregateColumn(AggregateKind kind, Column column, Column countColumn) {
        this(kind, column, countColumn, null);
    }

    /** GROUP_CONCAT into {@code column} (written, not read: the pieces come from the columns {@code concat} names). */
    public static AggregateColumn groupConcat(Column column, GroupConcat concat) {
        return new AggregateColumn(AggregateKind.GROUP_CONCAT, column, null, Objects.requireNonNull(concat, "concat"));
    }

    public AggregateColumn {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(column, "column");
        if ((kind == AggregateKind.GROUP_CONCAT) != (concat != null)) {
            throw new IllegalArgumentException("GROUP_CONCAT, and only GROUP_CONCAT, has a concatenation: " + kind);
        }
        if (kind == AggregateKind.AVG) {
            if (countColumn == null || countColumn.position().equals(column.position())) {
                throw new IllegalArgumentException("AVG needs a count column other than its sum column "
                        + column.position() + ": " + (countColumn == null ? null : countColumn.position()));
            }
        } else if (countColumn != null) {
            throw new IllegalArgumentException("only AVG has a count column: " + kind);
        }
    }

    public static AggregateColumn min(int column, ColumnInfo info) {
        return new AggregateColumn(AggregateKind.MIN, new ColumnRef(column, info), null);
    }

    public static AggregateColumn max(int column, ColumnInfo info) {
        return new AggregateColumn(AggregateKind.MAX, new ColumnRef(column, info), null);
    }

    public static AggregateColumn countDistinct(int column, ColumnInfo info) {
        return new AggregateColumn(AggregateKind.COUNT_DISTINCT, new ColumnRef(column, info), null);
    }

    public static AggregateColumn sumDistinct(int column, ColumnInfo info) {
        return new AggregateColumn(AggregateKind.SUM_DISTINCT, new ColumnRef(column, info), null);
    }

    public static AggregateColumn avgDistinct(int column, ColumnInfo info) {
        return new AggregateColumn(AggregateKind.AVG_DISTINCT, new ColumnRef(column, info), null);
    }

    /** This aggregate over one execution's shard columns. */
    public AggregateColumn resolve(Resolver resolver) throws SQLException {
        return new AggregateColumn(kind, column.resolve(resolver),
                countColumn == null ? null : countColumn.resolve(resolver),
                concat == null ? null : concat.resolve(resolver));
    }

    boolean isResolved() {
        return column.isResolved() && (countColumn == null || countColumn.isResolved())
                && (concat == null || concat.isResolved());
    }

    /** The resolved column's index; see {@link Column#ref}. */
    int index() {
        return column.ref().index();
    }

    /** The resolved count column's index, for AVG. */
    int countIndex() {
        return countColumn.ref().index();
    }

    ColumnInfo info() {
        return column.ref().info();
    }

    /** {@code sum(1)}, {@code avg(2/3)} (sum/count columns), {@code count_distinct(4 ci)}. */
    public String describe() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        String args = kind == AggregateKind.AVG ? column.position() + "/" + countColumn.position()
                : kind == AggregateKind.GROUP_CONCAT ? column.position() + " = " + concat.describe()
                : column.position();
        boolean ci = kind.collated() && column.isResolved() && column.ref().info().caseInsensitive();
        return name + "(" + args + (ci ? " ci" : "") + ")";
    }
}
