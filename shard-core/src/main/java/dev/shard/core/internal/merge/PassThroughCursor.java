package dev.shard.core.internal.merge;

import java.sql.SQLException;

/**
 * A step's cursor that keeps or drops its input's rows but never changes them (Filter, Distinct, Limit): its
 * current row is the input's, so reading a column reads the input.
 */
abstract class PassThroughCursor extends BaseCursor {

    protected final RowCursor input;
    private final int columnCount;
    /** Whether the input's current row is this cursor's current row. */
    protected boolean onRow;

    PassThroughCursor(RowCursor input) {
        this.input = input;
        this.columnCount = input.columnCount();
    }

    @Override
    public Object get(int column) throws SQLException {
        checkOpen();
        if (!onRow) {
            throw noCurrentRow();
        }
        return input.get(column);
    }

    @Override
    public int columnCount() {
        return columnCount;
    }

    @Override
    protected void doClose() throws SQLException {
        input.close();
    }
}
