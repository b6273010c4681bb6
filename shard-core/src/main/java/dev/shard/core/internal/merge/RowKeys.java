package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;

/**
 * Extracts and compares the sort-key values of rows. Keys are extracted once per row in their collation form
 * (see {@link ColumnInfo#sortKey}: the database's weight where the rewrite asked for it), so a row that takes part in many comparisons, as in a merge's
 * priority queue, folds its strings once.
 */
final class RowKeys {

    private final int[] columns;
    private final boolean[] descending;
    private final Boolean[] nullsFirst;
    private final ValueComparator[] comparators;
    private final ColumnInfo[] infos;
    private final List<SortKey> keys;

    RowKeys(List<SortKey> keys) {
        this.keys = List.copyOf(keys);
        int n = keys.size();
        columns = new int[n];
        descending = new boolean[n];
        nullsFirst = new Boolean[n];
        comparators = new ValueComparator[n];
        infos = new ColumnInfo[n];
        for (int i = 0; i < n; i++) {
            SortKey key = keys.get(i);
            columns[i] = key.index();
            descending[i] = key.descending();
            nullsFirst[i] = key.nullsFirst();
            comparators[i] = key.info().comparator();
            infos[i] = key.info();
        }
    }

    void checkColumns(String step, int columnCount) throws SQLException {
        for (int column : columns) {
            BaseCursor.checkColumn(step, column, columnCount);
        }
    }

    Object[] extract(RowView row) throws SQLException {
        Object[] values = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            values[i] = infos[i].sortKey(row, row.get(columns[i]));
        }
        return values;
    }

    Object[] extract(Object[] row) throws SQLException {
        return extract(new ArrayRow(row));
    }

    /**
     * Compares extracted keys in sort order: negative when {@code a} comes first.
     *
     * @throws IllegalArgumentException when two values cannot be compared
     */
    int compare(Object[] a, Object[] b) {
        for (int i = 0; i < a.length; i++) {
            if (nullsFirst[i] != null && (a[i] == null) != (b[i] == null)) {
                // An explicit NULLS FIRST or LAST holds in either direction.
                return (a[i] == null) == nullsFirst[i] ? -1 : 1;
            }
            // Collation keys: the case folding is already in them.
            int c = comparators[i].compareKeys(a[i], b[i]);
            if (c != 0) {
                return descending[i] ? -c : c;
            }
        }
        return 0;
    }

    /** Renders extracted keys for error messages. */
    String render(Object[] values) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(values[i] instanceof byte[] ? "<bytes>" : String.valueOf(values[i]));
        }
        return sb.append(')').toString();
    }

    /**
     * The error for rows that arrive out of order. The shards sort with MySQL's collation and the merge with
     * {@link ValueComparator}; where the two disagree (a collation subtlety, an ENUM sorted by index, a missing
     * ORDER BY in the shard query) merging, grouping or de-duplicating would silently give wrong rows, so the
     * merge stops instead.
     */
    SQLException outOfOrder(String where, Object[] before, Object[] after) {
        return new SQLException("merge: " + where + " is not sorted by " + SortKey.describe(keys) + ": "
                + render(after) + " came after " + render(before)
                + "; the shard's collation or type order differs from the merge's, or the shard query lacks the"
                + " ORDER BY", "HY000");
    }
}
