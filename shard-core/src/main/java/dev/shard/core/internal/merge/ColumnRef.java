package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * A column of the merged row, resolved: its index, and its {@link ColumnInfo}, whose collation string
 * comparisons, sorting and grouping use.
 */
public record ColumnRef(int index, ColumnInfo info) implements Column, Expr {

    public ColumnRef {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
        Objects.requireNonNull(info, "info");
    }

    @Override
    public ColumnRef resolve(Resolver resolver) {
        return this;
    }

    @Override
    public ColumnRef ref() {
        return this;
    }

    @Override
    public Slot slot() {
        throw new IllegalStateException("column " + index + " is resolved; its slot is no longer known");
    }

    @Override
    public String position() {
        return String.valueOf(index);
    }

    @Override
    public List<Expr> operands() {
        return List.of();
    }

    @Override
    public boolean isResolved() {
        return true;
    }

    @Override
    public Object eval(RowView row) throws SQLException {
        return row.get(index);
    }

    @Override
    public void checkColumns(String step, int columnCount) throws SQLException {
        BaseCursor.checkColumn(step, index, columnCount);
    }

    /** The column's label, or {@code #index} when it has none. */
    @Override
    public String describe() {
        return info.label().isEmpty() ? "#" + index : info.label();
    }
}
