package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A plain Statement's executions: a fresh physical statement per shard and execution, given the SQL text. */
record TextStatements(LogicalConnection connection, StatementOptions options, GeneratedKeys keys)
        implements OwnStatements {

    @Override
    public Statement open(int shard, Topology.Intent intent) throws SQLException {
        Connection physical = connection.physical(shard, intent);
        return options.resultSetHoldability() >= 0
                ? physical.createStatement(options.resultSetType(), options.resultSetConcurrency(),
                options.resultSetHoldability())
                : physical.createStatement(options.resultSetType(), options.resultSetConcurrency());
    }

    @Override
    public ResultSet executeQuery(Statement physical, String sql) throws SQLException {
        return physical.executeQuery(sql);
    }

    @Override
    public long executeUpdate(Statement physical, String sql, boolean large) throws SQLException {
        if (keys.columnIndexes() != null) {
            return large ? physical.executeLargeUpdate(sql, keys.columnIndexes())
                    : physical.executeUpdate(sql, keys.columnIndexes());
        }
        if (keys.columnNames() != null) {
            return large ? physical.executeLargeUpdate(sql, keys.columnNames())
                    : physical.executeUpdate(sql, keys.columnNames());
        }
        return large ? physical.executeLargeUpdate(sql, keys.flag()) : physical.executeUpdate(sql, keys.flag());
    }

    @Override
    public boolean execute(Statement physical, String sql) throws SQLException {
        if (keys.columnIndexes() != null) {
            return physical.execute(sql, keys.columnIndexes());
        }
        if (keys.columnNames() != null) {
            return physical.execute(sql, keys.columnNames());
        }
        return physical.execute(sql, keys.flag());
    }

    @Override
    public boolean kept() {
        return false;
    }
}
