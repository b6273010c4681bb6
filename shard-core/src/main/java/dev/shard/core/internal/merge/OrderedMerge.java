package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A k-way merge of inputs that are each sorted by {@link #keys} (the shard queries carry the ORDER BY): the
 * result is sorted by the same keys. A priority queue holds one row per input, copied when the input advances
 * (a JDBC cursor loses its previous row), so memory is proportional to the number of inputs, not rows. Rows
 * with equal keys come out in input order, which keeps the result deterministic.
 *
 * <p>Each input's order is checked as it is read: a row that sorts before the same input's previous row means
 * the shard's order and {@link ValueComparator}'s disagree, and the merge fails rather than return rows out of
 * order (or, above it, split groups or keep duplicates).
 */
public record OrderedMerge(List<SortKey> keys) implements MergeSource {

    public OrderedMerge {
        keys = SortKey.requireResolved("OrderedMerge", keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("OrderedMerge needs at least one key; use Concat for none");
        }
    }

    @Override
    public RowCursor open(List<? extends RowCursor> inputs) throws SQLException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("OrderedMerge needs at least one input");
        }
        int columnCount = inputs.get(0).columnCount();
        for (int i = 1; i < inputs.size(); i++) {
            if (inputs.get(i).columnCount() != columnCount) {
                throw new SQLException("OrderedMerge: shard input " + i + " has " + inputs.get(i).columnCount()
                        + " columns, input 0 has " + columnCount, "HY000");
            }
        }
        RowKeys rowKeys = new RowKeys(keys);
        rowKeys.checkColumns("OrderedMerge", columnCount);
        return new Cursor(List.copyOf(inputs), columnCount, rowKeys);
    }

    @Override
    public String describe() {
        return "OrderedMerge(keys=" + SortKey.describe(keys) + ")";
    }

    /** An input's current row, copied, with its keys extracted. */
    private static final class Head {
        final int input;
        final Object[] keys;
        final Object[] row;

        Head(int input, Object[] keys, Object[] row) {
            this.input = input;
            this.keys = keys;
            this.row = row;
        }
    }

    private static final class Cursor extends BaseCursor {
        private final List<RowCursor> inputs;
        private final int columnCount;
        private final RowKeys rowKeys;
        private final PriorityQueue<Head> queue;
        private boolean started;
        private boolean finished;
        private Head current;

        Cursor(List<RowCursor> inputs, int columnCount, RowKeys rowKeys) {
            this.inputs = inputs;
            this.columnCount = columnCount;
            this.rowKeys = rowKeys;
            this.queue = new PriorityQueue<>(inputs.size(), (a, b) -> {
                int c = rowKeys.compare(a.keys, b.keys);
                return c != 0 ? c : Integer.compare(a.input, b.input);
            });
        }

        @Override
        protected boolean nextRow() throws SQLException {
            if (finished) {
                return false;
            }
            try {
                if (!started) {
                    // The first call reads one row from every input; each call after that advances only the
                    // input whose row was just returned.
                    started = true;
                    for (int i = 0; i < inputs.size(); i++) {
                        advance(i, null);
                    }
                } else {
                    advance(current.input, current.keys);
                }
                current = queue.poll();
            } catch (IllegalArgumentException e) {
                throw comparisonFailure(e);
            }
            if (current == null) {
                finished = true;
                return false;
            }
            return true;
        }

        private void advance(int index, Object[] previousKeys) throws SQLException {
            RowCursor input = inputs.get(index);
            if (!input.next()) {
                input.close();
                return;
            }
            Object[] row = copyRow(input);
            Object[] keys = rowKeys.extract(row);
            if (previousKeys != null && rowKeys.compare(keys, previousKeys) < 0) {
                throw rowKeys.outOfOrder("shard input " + index, previousKeys, keys);
            }
            queue.add(new Head(index, keys, row));
        }

        @Override
        public Object get(int column) throws SQLException {
            checkOpen();
            if (current == null) {
                throw noCurrentRow();
            }
            if (column < 0 || column >= columnCount) {
                throw badColumn(column, columnCount);
            }
            return current.row[column];
        }

        @Override
        public int columnCount() {
            return columnCount;
        }

        @Override
        protected void doClose() throws SQLException {
            current = null;
            queue.clear();
            closeAll(inputs);
        }
    }
}
