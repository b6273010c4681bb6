package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Combines the rows of one group into one output row: aggregate columns through their {@link Accumulator}s, the
 * group-key columns as the group's first row has them (MySQL returns one of the equal spellings), and every
 * other column ("any value" columns, and hidden helpers) as its first non-NULL value.
 */
final class GroupState {

    /** The column roles, fixed per step. */
    static final class Layout {
        final List<AggregateColumn> aggregates;
        final boolean[] keyColumn;
        final boolean[] aggregated;
        final int columnCount;

        Layout(String step, int columnCount, List<AggregateColumn> aggregates, Set<Integer> keyColumns)
                throws SQLException {
            this.columnCount = columnCount;
            this.aggregates = aggregates;
            this.keyColumn = new boolean[columnCount];
            this.aggregated = new boolean[columnCount];
            for (int key : keyColumns) {
                BaseCursor.checkColumn(step, key, columnCount);
                keyColumn[key] = true;
            }
            for (AggregateColumn a : aggregates) {
                BaseCursor.checkColumn(step, a.index(), columnCount);
                if (a.kind() == AggregateKind.AVG) {
                    BaseCursor.checkColumn(step, a.countIndex(), columnCount);
                }
                if (a.concat() != null) {
                    a.concat().checkColumns(step, columnCount);
                }
                aggregated[a.index()] = true;
            }
        }
    }

    private final Layout layout;
    private final Accumulator[] accumulators;
    private final Object[] values;
    private final boolean[] taken;
    private boolean any;

    GroupState(Layout layout) {
        this.layout = layout;
        this.accumulators = new Accumulator[layout.aggregates.size()];
        for (int i = 0; i < accumulators.length; i++) {
            accumulators[i] = Accumulator.create(layout.aggregates.get(i));
        }
        this.values = new Object[layout.columnCount];
        this.taken = new boolean[layout.columnCount];
    }

    void add(RowView row) throws SQLException {
        for (int c = 0; c < values.length; c++) {
            if (taken[c] || layout.aggregated[c]) {
                continue;
            }
            Object v = row.get(c);
            if (layout.keyColumn[c] ? !any : v != null) {
                values[c] = v;
                taken[c] = true;
            }
        }
        any = true;
        for (Accumulator a : accumulators) {
            a.add(row);
        }
    }

    Object[] result() throws SQLException {
        Object[] out = values.clone();
        for (int i = 0; i < accumulators.length; i++) {
            out[layout.aggregates.get(i).index()] = accumulators[i].result();
        }
        return out;
    }

    /**
     * Checks an aggregate list (resolved, each column aggregated once, no group key aggregated) and completes
     * it: an AVG's count column that nothing else aggregates is summed as a COUNT, so the column holds the
     * global count rather than one shard's (it is usually hidden by a Project, but must not be wrong if it is
     * not).
     */
    static List<AggregateColumn> normalize(String step, List<AggregateColumn> aggregates, Set<Integer> keyColumns) {
        List<AggregateColumn> result = new ArrayList<>(aggregates);
        Set<Integer> outputs = new HashSet<>();
        for (AggregateColumn a : aggregates) {
            if (!a.isResolved()) {
                throw new IllegalArgumentException(step + " needs resolved aggregates, not " + a.describe());
            }
            if (!outputs.add(a.index())) {
                throw new IllegalArgumentException("column " + a.index() + " is aggregated twice");
            }
            if (keyColumns.contains(a.index())) {
                throw new IllegalArgumentException("column " + a.index() + " is both a group key and aggregated");
            }
        }
        for (AggregateColumn a : aggregates) {
            if (a.kind() == AggregateKind.AVG && !outputs.contains(a.countIndex())) {
                if (keyColumns.contains(a.countIndex())) {
                    throw new IllegalArgumentException("AVG count column " + a.countIndex() + " is a group key");
                }
                outputs.add(a.countIndex());
                result.add(new AggregateColumn(AggregateKind.COUNT, a.countColumn(), null));
            }
        }
        return List.copyOf(result);
    }
}
