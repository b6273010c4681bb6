package dev.shard.jdbc.internal;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * The result set of a single-shard route: the shard's own result set, except that it answers getStatement()
 * with the logical statement and tells it when it closes. Everything else is forwarded by the generated
 * {@link DelegatingResultSet}.
 */
final class ShardResultSet extends DelegatingResultSet {

    private final ShardStatement statement;

    ShardResultSet(java.sql.ResultSet delegate, ShardStatement statement) {
        super(delegate);
        this.statement = statement;
    }

    @Override
    public Statement getStatement() throws SQLException {
        // The contract asks for an exception on a closed result set; not every driver throws one (H2 does not).
        if (delegate.isClosed()) {
            throw new SQLException("ResultSet is closed", "HY010");
        }
        return statement;
    }

    @Override
    public void close() throws SQLException {
        boolean wasOpen = !delegate.isClosed();
        delegate.close();
        if (wasOpen) {
            statement.resultSetClosed();
        }
    }

    void closeQuietly() {
        try {
            delegate.close();
        } catch (SQLException ignored) {
            // Superseded by the next execution; the driver's own close error has nobody left to tell.
        }
    }
}
