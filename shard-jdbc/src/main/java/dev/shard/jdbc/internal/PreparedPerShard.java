package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A prepared statement's physical statements: one per physical connection it has run on, prepared the first time
 * and kept until close. Keyed by the physical connection, not by a shard number, so that a connection replaced
 * after a failure, or a shard list that changes, can never hand out a statement of another connection.
 */
final class PreparedPerShard implements OwnStatements {

    private final LogicalConnection connection;
    private final String sql;
    private final StatementOptions options;
    private final GeneratedKeys keys;
    /** The parameters bound by {@link #open}; a batch swaps in each entry's. */
    private RecordedParameters parameters;
    private final Map<Connection, PreparedStatement> byConnection = new IdentityHashMap<>(4);

    PreparedPerShard(LogicalConnection connection, String sql, StatementOptions options, GeneratedKeys keys,
                     RecordedParameters parameters) {
        this.connection = connection;
        this.sql = sql;
        this.options = options;
        this.keys = keys;
        this.parameters = parameters;
    }

    /** The kept physical statement for a shard, prepared on first use, without binding anything. */
    PreparedStatement prepared(int shard, Topology.Intent intent) throws SQLException {
        Connection physical = connection.physical(shard, intent);
        PreparedStatement statement = byConnection.get(physical);
        if (statement == null) {
            statement = prepareOn(physical);
            byConnection.put(physical, statement);
        }
        return statement;
    }

    @Override
    public Statement open(int shard, Topology.Intent intent) throws SQLException {
        PreparedStatement statement = prepared(shard, intent);
        parameters.bindAll(statement);
        return statement;
    }

    void bindFrom(RecordedParameters parameters) {
        this.parameters = parameters;
    }

    private PreparedStatement prepareOn(Connection physical) throws SQLException {
        if (keys.columnIndexes() != null) {
            return physical.prepareStatement(sql, keys.columnIndexes());
        }
        if (keys.columnNames() != null) {
            return physical.prepareStatement(sql, keys.columnNames());
        }
        if (keys.wanted()) {
            return physical.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
        }
        return options.resultSetHoldability() >= 0
                ? physical.prepareStatement(sql, options.resultSetType(), options.resultSetConcurrency(),
                options.resultSetHoldability())
                : physical.prepareStatement(sql, options.resultSetType(), options.resultSetConcurrency());
    }

    @Override
    public ResultSet executeQuery(Statement physical, String ignored) throws SQLException {
        return ((PreparedStatement) physical).executeQuery();
    }

    @Override
    public long executeUpdate(Statement physical, String ignored, boolean large) throws SQLException {
        PreparedStatement prepared = (PreparedStatement) physical;
        return large ? prepared.executeLargeUpdate() : prepared.executeUpdate();
    }

    @Override
    public boolean execute(Statement physical, String ignored) throws SQLException {
        return ((PreparedStatement) physical).execute();
    }

    @Override
    public boolean kept() {
        return true;
    }

    /** The connection was discarded, and its statements with it: they are not closed here, only forgotten. */
    void forget(Connection discarded) {
        byConnection.remove(discarded);
    }

    /** After a batch: no entry's parameters stay behind on a kept statement. */
    void clearBatches() {
        for (PreparedStatement statement : byConnection.values()) {
            try {
                statement.clearBatch();
            } catch (SQLException ignored) {
                // The statement is unusable anyway; its next use will say so.
            }
        }
    }

    void closeAll() throws SQLException {
        List<PreparedStatement> open = new ArrayList<>(byConnection.values());
        byConnection.clear();
        SqlExceptions.closeAll(open);
    }
}
