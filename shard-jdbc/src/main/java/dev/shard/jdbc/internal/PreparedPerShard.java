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
    /**
     * The first physical connection's statement lives in two fields: most prepared statements run on one shard
     * (a point query) and are closed soon after, and a map for them would be most of what preparing allocates.
     * The map holds the statements of any further connections, keyed by identity.
     */
    private Connection firstConnection;
    private PreparedStatement firstStatement;
    private Map<Connection, PreparedStatement> others;

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
        if (physical == firstConnection) {
            return firstStatement;
        }
        PreparedStatement statement = others == null ? null : others.get(physical);
        if (statement == null) {
            try {
                statement = prepareOn(physical);
            } catch (RuntimeException | StackOverflowError e) {
                throw SqlExceptions.unexpected(e, sql); // H2 parses in this call, and may overflow on deep text
            }
            if (firstConnection == null) {
                firstConnection = physical;
                firstStatement = statement;
            } else {
                if (others == null) {
                    others = new IdentityHashMap<>(4);
                }
                others.put(physical, statement);
            }
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
        // The plain call where the application asked for nothing else: the MariaDB driver (3.5) prepares for
        // generated keys in prepareStatement(sql, type, concurrency), which turns off its bulk protocol for
        // batches (one INSERT command per entry instead of one per batch; MariaDbBatchIT). Identity first: the
        // record's equals showed in a CPU profile of every prepare, and prepareStatement(sql) passes DEFAULT itself.
        if (options == StatementOptions.DEFAULT || options.equals(StatementOptions.DEFAULT)) {
            return physical.prepareStatement(sql);
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
        if (discarded == firstConnection) {
            firstConnection = null;
            firstStatement = null;
        } else if (others != null) {
            others.remove(discarded);
        }
    }

    /** After a batch: no entry's parameters stay behind on a kept statement. */
    void clearBatches() {
        clearBatch(firstStatement);
        if (others != null) {
            for (PreparedStatement statement : others.values()) {
                clearBatch(statement);
            }
        }
    }

    private static void clearBatch(PreparedStatement statement) {
        if (statement == null) {
            return;
        }
        try {
            statement.clearBatch();
        } catch (SQLException ignored) {
            // The statement is unusable anyway; its next use will say so.
        }
    }

    void closeAll() throws SQLException {
        PreparedStatement first = firstStatement;
        firstConnection = null;
        firstStatement = null;
        if (others == null) {
            if (first != null) {
                // The common case, one statement: closed without a list to gather failures in (as closeAll would).
                try {
                    first.close();
                } catch (RuntimeException e) {
                    throw new SQLException(e.getMessage(), "HY000", e);
                }
            }
            return;
        }
        List<PreparedStatement> open = new ArrayList<>(others.size() + 1);
        if (first != null) {
            open.add(first);
        }
        open.addAll(others.values());
        others = null;
        SqlExceptions.closeAll(open);
    }
}
