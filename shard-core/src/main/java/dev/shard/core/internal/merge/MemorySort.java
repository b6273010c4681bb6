package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorts all input rows in memory, for an ORDER BY the input is not already sorted by: typically a final ORDER BY
 * over grouped rows ({@code ORDER BY COUNT(*) DESC}). This step buffers: memory is proportional to the number of
 * rows it reads, which after a GROUP BY is the number of groups.
 *
 * <p>With {@link #top} set (the plan sets it when a {@link Limit} follows), only the best {@code top} rows are
 * kept, in a bounded heap: {@code ORDER BY COUNT(*) DESC LIMIT 3} holds 3 rows whatever the number of groups.
 * Rows with equal keys keep their input order, with or without {@code top}, so results are deterministic.
 * The input is closed as soon as it has been read.
 *
 * @param top how many leading rows are needed, or {@link Limit#UNBOUNDED} for all
 */
public record MemorySort(List<SortKey> keys, long top) implements MergeStep {

    // Initial capacity cap: LIMIT 1000000000 must not allocate a billion slots before seeing a row.
    private static final int MAX_INITIAL_CAPACITY = 1024;

    public MemorySort {
        keys = SortKey.requireResolved("MemorySort", keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("MemorySort needs at least one key");
        }
        if (top < 0 && top != Limit.UNBOUNDED) {
            throw new IllegalArgumentException("top must be >= 0 or UNBOUNDED: " + top);
        }
    }

    public MemorySort(List<SortKey> keys) {
        this(keys, Limit.UNBOUNDED);
    }

    /** This sort keeping only its first {@code top} rows. */
    public MemorySort withTop(long top) {
        return new MemorySort(keys, top);
    }

    @Override
    public RowCursor open(RowCursor input) throws SQLException {
        RowKeys rowKeys = new RowKeys(keys);
        rowKeys.checkColumns("MemorySort", input.columnCount());
        return new Cursor(input, rowKeys, top);
    }

    @Override
    public String describe() {
        return "MemorySort(keys=" + SortKey.describe(keys) + (top == Limit.UNBOUNDED ? "" : ", top=" + top) + ")";
    }

    /** A buffered row; {@code seq} is its arrival number, the tie-breaker that keeps the sort stable. */
    private static final class Entry {
        final Object[] keys;
        final Object[] row;
        final long seq;

        Entry(Object[] keys, Object[] row, long seq) {
            this.keys = keys;
            this.row = row;
            this.seq = seq;
        }
    }

    private static final class Cursor extends BaseCursor {
        private final RowCursor input;
        private final RowKeys rowKeys;
        private final long top;
        private final Comparator<Entry> order;
        private final int columnCount;
        private List<Entry> sorted;
        private int position = -1;

        Cursor(RowCursor input, RowKeys rowKeys, long top) {
            this.input = input;
            this.rowKeys = rowKeys;
            this.top = top;
            this.columnCount = input.columnCount();
            this.order = (a, b) -> {
                int c = rowKeys.compare(a.keys, b.keys);
                return c != 0 ? c : Long.compare(a.seq, b.seq);
            };
        }

        @Override
        protected boolean nextRow() throws SQLException {
            if (sorted == null) {
                try {
                    sorted = top == Limit.UNBOUNDED || top > Integer.MAX_VALUE - 8 ? sortAll() : sortTop((int) top);
                } catch (IllegalArgumentException e) {
                    throw comparisonFailure(e);
                }
                input.close();
            }
            if (position < sorted.size()) {
                position++;
            }
            return position < sorted.size();
        }

        private List<Entry> sortAll() throws SQLException {
            List<Entry> rows = new ArrayList<>();
            long seq = 0;
            while (input.next()) {
                Object[] row = copyRow(input);
                rows.add(new Entry(rowKeys.extract(row), row, seq++));
            }
            rows.sort(order);
            return rows;
        }

        /**
         * Keeps the best {@code n} rows in a heap whose head is the worst kept. A new row replaces it only when
         * strictly better: on equal keys the newer row is the worse (higher seq), as a stable sort would have it.
         */
        private List<Entry> sortTop(int n) throws SQLException {
            PriorityQueue<Entry> heap = new PriorityQueue<>(Math.max(1, Math.min(n, MAX_INITIAL_CAPACITY)),
                    order.reversed());
            long seq = 0;
            while (input.next()) {
                if (n == 0) {
                    continue;
                }
                // Compare the keys first and copy the whole row only if it is kept.
                Object[] keys = rowKeys.extract(input);
                if (heap.size() == n) {
                    Entry worst = heap.peek();
                    if (rowKeys.compare(keys, worst.keys) >= 0) {
                        seq++;
                        continue;
                    }
                    heap.poll();
                }
                heap.add(new Entry(keys, copyRow(input), seq++));
            }
            List<Entry> rows = new ArrayList<>(heap);
            rows.sort(order);
            return rows;
        }

        @Override
        public Object get(int column) throws SQLException {
            checkOpen();
            if (sorted == null || position < 0 || position >= sorted.size()) {
                throw noCurrentRow();
            }
            Object[] row = sorted.get(position).row;
            if (column < 0 || column >= row.length) {
                throw badColumn(column, row.length);
            }
            return row[column];
        }

        @Override
        public int columnCount() {
            return columnCount;
        }

        @Override
        protected void doClose() throws SQLException {
            sorted = null;
            input.close();
        }
    }
}
