package dev.shard.core.internal.merge;

import java.sql.SQLException;

/** One row that can be read, column by column (0-based): what {@link Expr}s evaluate against. */
public interface RowView {

    /** The value in the current row, as JDBC {@code getObject} returns it; {@code null} for SQL NULL. */
    Object get(int column) throws SQLException;

    int columnCount();
}
