package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One ORDER BY (or GROUP BY / DISTINCT order) key: a column of the merged rows, its direction, and (once
 * {@link #resolve resolved}) the column's collation. Where NULL goes is the column comparator's {@link NullOrder}:
 * descending reverses it (in MySQL, NULL first ascending and last descending), unless the key says NULLS FIRST or
 * LAST.
 */
public record SortKey(Column column, boolean descending, Boolean nullsFirst) {

    /**
     * @param nullsFirst an explicit {@code NULLS FIRST} (true) or {@code NULLS LAST} (false), which holds whatever
     *                   the direction; null for the comparator's own NULL order
     */
    public SortKey {
        Objects.requireNonNull(column, "column");
    }

    /** A key with the database's default place for NULL. */
    public SortKey(Column column, boolean descending) {
        this(column, descending, null);
    }

    public static SortKey asc(int column, ColumnInfo info) {
        return new SortKey(new ColumnRef(column, info), false);
    }

    public static SortKey desc(int column, ColumnInfo info) {
        return new SortKey(new ColumnRef(column, info), true);
    }

    /** This key over one execution's shard columns. */
    public SortKey resolve(Resolver resolver) throws SQLException {
        return new SortKey(column.resolve(resolver), descending, nullsFirst);
    }

    public static List<SortKey> resolve(List<SortKey> keys, Resolver resolver) throws SQLException {
        List<SortKey> resolved = new ArrayList<>(keys.size());
        for (SortKey key : keys) {
            resolved.add(key.resolve(resolver));
        }
        return resolved;
    }

    /** The resolved column's index; see {@link Column#ref}. */
    int index() {
        return column.ref().index();
    }

    ColumnInfo info() {
        return column.ref().info();
    }

    /** {@code 2 DESC}, with {@code ci} appended for case-insensitive keys: EXPLAIN shows the collation used. */
    public String describe() {
        boolean ci = column.isResolved() && column.ref().info().caseInsensitive();
        String nulls = nullsFirst == null ? "" : nullsFirst ? " NULLS FIRST" : " NULLS LAST";
        return column.position() + (descending ? " DESC" : " ASC") + nulls + (ci ? " ci" : "");
    }

    static String describe(List<SortKey> keys) {
        return keys.stream().map(SortKey::describe).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * Checks at a step's construction that its keys are resolved: a plan straight from the analysis must not
     * run.
     */
    static List<SortKey> requireResolved(String step, List<SortKey> keys) {
        List<SortKey> copy = List.copyOf(keys);
        for (SortKey key : copy) {
            if (!key.column.isResolved()) {
                throw new IllegalArgumentException(step + " needs resolved keys, not " + key.describe());
            }
        }
        return copy;
    }
}
