package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A shard cursor for tests: rows from a list or generated lazily (so a test can stream millions of rows without
 * holding them), counting how many rows were pulled and whether it was closed. Like a JDBC cursor, it has no
 * current row after it moves past the end, and its values are gone once it advances.
 */
final class FakeCursor implements RowCursor {

    private final int columnCount;
    private final long size;
    private final LongFunction<Object[]> rowAt;
    private long position = -1;
    private Object[] current;
    private long pulls;
    private int closeCount;

    FakeCursor(int columnCount, long size, LongFunction<Object[]> rowAt) {
        this.columnCount = columnCount;
        this.size = size;
        this.rowAt = rowAt;
    }

    static FakeCursor of(int columnCount, List<Object[]> rows) {
        return new FakeCursor(columnCount, rows.size(), i -> rows.get((int) i));
    }

    @Override
    public boolean next() throws SQLException {
        if (closeCount > 0) {
            throw new SQLException("fake cursor used after close");
        }
        current = null;
        if (position + 1 >= size) {
            position = size;
            return false;
        }
        position++;
        current = rowAt.apply(position);
        if (current.length != columnCount) {
            throw new IllegalStateException("row " + position + " has " + current.length + " columns");
        }
        pulls++;
        return true;
    }

    @Override
    public Object get(int column) throws SQLException {
        if (closeCount > 0) {
            throw new SQLException("fake cursor used after close");
        }
        if (current == null) {
            throw new SQLException("no current row");
        }
        return current[column];
    }

    @Override
    public int columnCount() {
        return columnCount;
    }

    @Override
    public void close() {
        closeCount++;
        current = null;
    }

    /** Rows returned by {@link #next} so far. */
    long pulls() {
        return pulls;
    }

    boolean closed() {
        return closeCount > 0;
    }
}
