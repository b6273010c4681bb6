package dev.shard.core.internal.merge;

import java.sql.SQLException;

/** A copied row, readable as a {@link RowView}. */
final class ArrayRow implements RowView {

    private final Object[] values;

    ArrayRow(Object[] values) {
        this.values = values;
    }

    @Override
    public Object get(int column) throws SQLException {
        if (column < 0 || column >= values.length) {
            throw BaseCursor.badColumn(column, values.length);
        }
        return values[column];
    }

    @Override
    public int columnCount() {
        return values.length;
    }
}
