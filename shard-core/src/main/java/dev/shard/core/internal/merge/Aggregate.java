package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Aggregates without GROUP BY: all input rows (one row of partial aggregates per shard, or the sorted distinct
 * values for the DISTINCT kinds) become exactly one row, as in MySQL, even when there are no rows at all: then
 * COUNT is 0 and everything else NULL.
 *
 * <p>Columns not listed in {@link #aggregates} pass through as their first non-NULL value (MySQL's "any value"
 * for non-aggregated columns without ONLY_FULL_GROUP_BY: a shard with no matching rows reports NULL there, so
 * the first non-NULL comes from a shard that had rows). Memory: O(columns).
 */
public record Aggregate(List<AggregateColumn> aggregates) implements MergeStep {

    public Aggregate {
        aggregates = GroupState.normalize("Aggregate", aggregates, Set.of());
    }

    @Override
    public RowCursor open(RowCursor input) throws SQLException {
        return new Cursor(input, new GroupState.Layout("Aggregate", input.columnCount(), aggregates, Set.of()));
    }

    @Override
    public String describe() {
        return aggregates.stream().map(AggregateColumn::describe).collect(Collectors.joining(", ", "Aggregate(", ")"));
    }

    private static final class Cursor extends BaseCursor {
        private final RowCursor input;
        private final GroupState.Layout layout;
        private boolean done;
        private Object[] row;

        Cursor(RowCursor input, GroupState.Layout layout) {
            this.input = input;
            this.layout = layout;
        }

        @Override
        protected boolean nextRow() throws SQLException {
            if (done) {
                row = null;
                return false;
            }
            done = true;
            GroupState group = new GroupState(layout);
            while (input.next()) {
                group.add(input);
            }
            input.close();
            row = group.result();
            return true;
        }

        @Override
        public Object get(int column) throws SQLException {
            checkOpen();
            return valueOf(row, column);
        }

        @Override
        public int columnCount() {
            return layout.columnCount;
        }

        @Override
        protected void doClose() throws SQLException {
            input.close();
        }
    }
}
