package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.RowCursor;
import java.sql.ResultSet;
import java.sql.SQLException;

/** One shard's result set as a merge input. Reads through getObject; closing it closes the result set. */
final class ResultSetCursor implements RowCursor {

    private final ResultSet resultSet;
    private final int columns;
    private final String shard;
    private boolean closed;

    ResultSetCursor(ResultSet resultSet, String shard) throws SQLException {
        this.resultSet = resultSet;
        this.columns = resultSet.getMetaData().getColumnCount();
        this.shard = shard;
    }

    @Override
    public boolean next() throws SQLException {
        try {
            return resultSet.next();
        } catch (SQLException e) {
            throw ScatterExecution.onShard(shard, e);
        }
    }

    @Override
    public Object get(int column) throws SQLException {
        return resultSet.getObject(column + 1);
    }

    @Override
    public int columnCount() {
        return columns;
    }

    @Override
    public void close() throws SQLException {
        if (!closed) {
            closed = true;
            resultSet.close();
        }
    }
}
