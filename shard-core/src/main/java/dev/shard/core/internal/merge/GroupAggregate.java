package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Streaming GROUP BY. The input is sorted by the group keys (the shard queries ORDER BY them and an
 * {@link OrderedMerge} on the same keys combines them), so each group's rows arrive together: consecutive rows
 * whose keys are equal by {@link ValueComparator} (so 'paid' and 'PAID' in a case-insensitive column are one
 * group, shown with the first spelling seen) combine into one output row, emitted as soon as the next group
 * starts. Memory: one group's state and one read-ahead row. An empty input gives no rows, as in MySQL.
 *
 * <p>Key columns take the group's first row's value; aggregate columns combine as in {@link Aggregate}; other
 * columns pass through as their first non-NULL value in the group. The DISTINCT kinds work here too when the
 * input is sorted by the group keys and then by the distinct column (shard query {@code GROUP BY g, x ORDER BY
 * g, x}).
 *
 * <p>The keys' order is checked: a row whose keys sort before its group's would start a second group for keys
 * already emitted, so the step fails instead.
 *
 * @param keys the group keys, in the order and direction the input is sorted by
 */
public record GroupAggregate(List<SortKey> keys, List<AggregateColumn> aggregates) implements MergeStep {

    public GroupAggregate {
        keys = SortKey.requireResolved("GroupAggregate", keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("GroupAggregate needs at least one key; use Aggregate for none");
        }
        aggregates = GroupState.normalize("GroupAggregate", aggregates, keyColumns(keys));
    }

    private static Set<Integer> keyColumns(List<SortKey> keys) {
        return keys.stream().map(SortKey::index).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public RowCursor open(RowCursor input) throws SQLException {
        GroupState.Layout layout = new GroupState.Layout("GroupAggregate", input.columnCount(), aggregates,
                keyColumns(keys));
        return new Cursor(input, layout, new RowKeys(keys));
    }

    @Override
    public String describe() {
        return "GroupAggregate(keys=" + SortKey.describe(keys) + ", aggregates="
                + aggregates.stream().map(AggregateColumn::describe).collect(Collectors.joining(", ", "[", "]"))
                + ")";
    }

    private static final class Cursor extends BaseCursor {
        private final RowCursor input;
        private final GroupState.Layout layout;
        private final RowKeys rowKeys;
        // The first row of the next group, read while finding where the current group ends.
        private Object[] pending;
        private Object[] pendingKeys;
        private boolean inputDone;
        private Object[] row;

        Cursor(RowCursor input, GroupState.Layout layout, RowKeys rowKeys) {
            this.input = input;
            this.layout = layout;
            this.rowKeys = rowKeys;
        }

        @Override
        protected boolean nextRow() throws SQLException {
            row = null;
            if (pending == null) {
                if (inputDone || !input.next()) {
                    finishInput();
                    return false;
                }
                pending = copyRow(input);
                pendingKeys = rowKeys.extract(pending);
            }
            GroupState group = new GroupState(layout);
            group.add(new ArrayRow(pending));
            Object[] groupKeys = pendingKeys;
            pending = null;
            pendingKeys = null;
            try {
                while (input.next()) {
                    Object[] keys = rowKeys.extract(input);
                    int c = rowKeys.compare(keys, groupKeys);
                    if (c == 0) {
                        group.add(input);
                    } else if (c < 0) {
                        throw rowKeys.outOfOrder("GroupAggregate input", groupKeys, keys);
                    } else {
                        pending = copyRow(input);
                        pendingKeys = keys;
                        break;
                    }
                }
            } catch (IllegalArgumentException e) {
                throw comparisonFailure(e);
            }
            if (pending == null) {
                finishInput();
            }
            row = group.result();
            return true;
        }

        private void finishInput() throws SQLException {
            inputDone = true;
            input.close();
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
