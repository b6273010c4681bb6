package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;

/**
 * The shards' rows one shard after another, for queries with no order to keep. Each input is closed as soon as
 * it is exhausted, so its connection goes back early.
 */
public record Concat() implements MergeSource {

    @Override
    public RowCursor open(List<? extends RowCursor> inputs) throws SQLException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("Concat needs at least one input");
        }
        int columnCount = inputs.get(0).columnCount();
        for (int i = 1; i < inputs.size(); i++) {
            if (inputs.get(i).columnCount() != columnCount) {
                throw new SQLException("Concat: shard input " + i + " has " + inputs.get(i).columnCount()
                        + " columns, input 0 has " + columnCount, "HY000");
            }
        }
        return new Cursor(List.copyOf(inputs), columnCount);
    }

    @Override
    public String describe() {
        return "Concat";
    }

    private static final class Cursor extends BaseCursor {
        private final List<RowCursor> inputs;
        private final int columnCount;
        private int index;
        private boolean onRow;

        Cursor(List<RowCursor> inputs, int columnCount) {
            this.inputs = inputs;
            this.columnCount = columnCount;
        }

        @Override
        protected boolean nextRow() throws SQLException {
            while (index < inputs.size()) {
                RowCursor input = inputs.get(index);
                if (input.next()) {
                    onRow = true;
                    return true;
                }
                input.close();
                index++;
            }
            onRow = false;
            return false;
        }

        @Override
        public Object get(int column) throws SQLException {
            checkOpen();
            if (!onRow) {
                throw noCurrentRow();
            }
            return inputs.get(index).get(column);
        }

        @Override
        public int columnCount() {
            return columnCount;
        }

        @Override
        protected void doClose() throws SQLException {
            closeAll(inputs);
        }
    }
}
