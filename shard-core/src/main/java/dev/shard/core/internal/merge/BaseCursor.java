package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;

/**
 * The bookkeeping every step's cursor shares: idempotent close, errors for use after close, and failures that
 * stick. A step whose {@code next} failed may be midway through changing its state (a merge that has advanced
 * one input but not queued its row); reading on would silently skip or repeat rows, so every later {@code next}
 * fails too.
 */
abstract class BaseCursor implements RowCursor {

    private boolean closed;
    private Exception failure;

    @Override
    public final boolean next() throws SQLException {
        checkOpen();
        if (failure != null) {
            throw new SQLException("merge cursor failed earlier: " + failure.getMessage(), "HY000", failure);
        }
        try {
            return nextRow();
        } catch (SQLException | RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** {@link #next}'s work, on an open cursor that has not failed. */
    protected abstract boolean nextRow() throws SQLException;

    protected final void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("merge cursor is closed", "HY000");
        }
    }

    protected final boolean isClosed() {
        return closed;
    }

    @Override
    public final void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        doClose();
    }

    /** Closes the inputs; called once. */
    protected abstract void doClose() throws SQLException;

    /** A column of a row the step built itself, or the error for no row / no such column. */
    static Object valueOf(Object[] row, int column) throws SQLException {
        if (row == null) {
            throw noCurrentRow();
        }
        if (column < 0 || column >= row.length) {
            throw badColumn(column, row.length);
        }
        return row[column];
    }

    static SQLException noCurrentRow() {
        return new SQLException("merge cursor has no current row: call next() first", "HY000");
    }

    static SQLException badColumn(int column, int columnCount) {
        return new SQLException("column " + column + " out of range: the merged rows have " + columnCount
                + " columns (0-based)", "HY000");
    }

    /** Failures of the value order ({@link ValueComparator}) surface as SQL errors, where JDBC callers look. */
    static SQLException comparisonFailure(IllegalArgumentException e) {
        return new SQLException("merge: " + e.getMessage(), "HY000", e);
    }

    static void checkColumn(String step, int column, int columnCount) throws SQLException {
        if (column < 0 || column >= columnCount) {
            throw new SQLException(step + " refers to column " + column + " but its input has " + columnCount
                    + " columns (0-based)", "HY000");
        }
    }

    static Object[] copyRow(RowView row) throws SQLException {
        Object[] values = new Object[row.columnCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i);
        }
        return values;
    }

    /** Closes every cursor even if some fail; the first failure is thrown with the others suppressed. */
    static void closeAll(List<? extends RowCursor> cursors) throws SQLException {
        SQLException failure = null;
        for (RowCursor cursor : cursors) {
            try {
                cursor.close();
            } catch (SQLException | RuntimeException e) {
                SQLException sql = e instanceof SQLException ? (SQLException) e
                        : new SQLException("closing a shard cursor failed: " + e, "HY000", e);
                if (failure == null) {
                    failure = sql;
                } else {
                    failure.addSuppressed(sql);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
