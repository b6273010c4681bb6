package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Drops every row equal to one seen before, whatever the input's order: UNION's duplicate removal, whose inputs
 * (branches of different shapes) cannot all be sorted alike. Rows are equal when every column's values are the
 * same by the column's {@link ValueComparator} (through {@link ValueComparator#groupKey}): NULL equals NULL,
 * numbers equal by value whatever their Java class ({@code 1 == 1L == 1.0BD}), strings by the column's collation
 * (in a case-insensitive column 'a' and 'A ' are one row, shown as first seen). Values of different kinds (a
 * number and a string) are never equal. Memory: one key per distinct row, as the database's own temporary table.
 *
 * @param columns every column of the input, in order
 */
public record HashDistinct(List<ColumnInfo> columns) implements MergeStep {

    public HashDistinct {
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("HashDistinct needs at least one column");
        }
    }

    @Override
    public RowCursor open(RowCursor input) throws SQLException {
        if (input.columnCount() != columns.size()) {
            throw new SQLException("HashDistinct over " + columns.size() + " columns was given rows of "
                    + input.columnCount(), "HY000");
        }
        return new Cursor(input, columns);
    }

    @Override
    public String describe() {
        return "HashDistinct(columns=" + java.util.stream.IntStream.range(0, columns.size())
                .mapToObj(i -> i + (columns.get(i).caseInsensitive() ? " ci" : ""))
                .collect(Collectors.joining(", ", "[", "]")) + ")";
    }

    private static final class Cursor extends PassThroughCursor {
        private final List<ColumnInfo> columns;
        private final Set<List<Object>> seen = new HashSet<>();
        private boolean done;

        Cursor(RowCursor input, List<ColumnInfo> columns) {
            super(input);
            this.columns = columns;
        }

        @Override
        protected boolean nextRow() throws SQLException {
            onRow = false;
            if (done) {
                return false;
            }
            try {
                while (input.next()) {
                    List<Object> key = new ArrayList<>(columns.size());
                    for (int i = 0; i < columns.size(); i++) {
                        key.add(columns.get(i).comparator().groupKey(input.get(i)));
                    }
                    if (seen.add(key)) {
                        onRow = true;
                        return true;
                    }
                }
            } catch (IllegalArgumentException e) {
                throw comparisonFailure(e);
            }
            done = true;
            seen.clear();
            input.close();
            return false;
        }
    }
}
