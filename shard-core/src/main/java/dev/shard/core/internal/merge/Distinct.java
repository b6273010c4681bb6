package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;

/**
 * SELECT DISTINCT across shards, streaming. The shard queries ORDER BY the distinct columns and an
 * {@link OrderedMerge} on the same keys combines them, so equal rows arrive together and this step drops each
 * row whose key columns equal the previous row's by {@link ValueComparator} (so 'a' and 'A ' in a
 * case-insensitive column are one row, shown as first seen). Memory: one row's keys.
 *
 * <p>Only the key columns count; other columns (hidden helpers) come from the first row of each run. The keys'
 * order is checked: a row sorting before its predecessor means duplicates might not be adjacent, so the step
 * fails rather than return duplicates. A hash-based variant for unsorted input is not provided: the rewrite can
 * always add the ORDER BY, and sorting on the shards keeps the merge's memory bounded.
 *
 * @param keys the distinct columns, in the order and direction the input is sorted by
 */
public record Distinct(List<SortKey> keys) implements MergeStep {

    public Distinct {
        keys = SortKey.requireResolved("Distinct", keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("Distinct needs at least one key");
        }
    }

    @Override
    public RowCursor open(RowCursor input) throws SQLException {
        RowKeys rowKeys = new RowKeys(keys);
        rowKeys.checkColumns("Distinct", input.columnCount());
        return new Cursor(input, rowKeys);
    }

    @Override
    public String describe() {
        return "Distinct(keys=" + SortKey.describe(keys) + ")";
    }

    private static final class Cursor extends PassThroughCursor {
        private final RowKeys rowKeys;
        private Object[] previousKeys;
        private boolean done;

        Cursor(RowCursor input, RowKeys rowKeys) {
            super(input);
            this.rowKeys = rowKeys;
        }

        @Override
        protected boolean nextRow() throws SQLException {
            onRow = false;
            if (done) {
                return false;
            }
            try {
                while (input.next()) {
                    Object[] keys = rowKeys.extract(input);
                    if (previousKeys != null) {
                        int c = rowKeys.compare(keys, previousKeys);
                        if (c == 0) {
                            continue;
                        }
                        if (c < 0) {
                            throw rowKeys.outOfOrder("Distinct input", previousKeys, keys);
                        }
                    }
                    previousKeys = keys;
                    onRow = true;
                    return true;
                }
            } catch (IllegalArgumentException e) {
                throw comparisonFailure(e);
            }
            done = true;
            input.close();
            return false;
        }
    }
}
