package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.RoutedStatement;
import dev.shard.core.internal.sql.StatementKind;
import dev.shard.jdbc.internal.ExecutionRunner.Mode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A logical Statement. Each execution is routed into an {@link Execution} (the shard calls, and the merge for a
 * query on several shards), which an {@link ExecutionRunner} runs; this class keeps what the JDBC interface
 * exposes afterwards: the result set, the update count, generated keys, warnings. The physical statement of a
 * one-shard execution stays current until the next execution or close, so that those come from it.
 */
public class ShardStatement extends JdbcWrapper implements Statement {

    final LogicalConnection connection;
    final StatementOptions options;
    final StatementSettings settings = new StatementSettings();
    private int fetchDirection = ResultSet.FETCH_FORWARD;
    private boolean poolable;
    private boolean closeOnCompletion;
    private boolean closed;
    /** Null until addBatch: most statements never batch, and OLTP code makes a statement per execution. */
    private List<String> batch;

    final StatementOutcome outcome = new StatementOutcome();
    /** Where the statement running may go (a replica or the primary): what its scatter reads borrow by. */
    Topology.Intent runningIntent = Topology.Intent.READ;

    ShardStatement(LogicalConnection connection, StatementOptions options) {
        this.connection = connection;
        this.options = options;
    }

    // ------------------------------------------------------------------ execution

    /**
     * Routes and runs one execution.
     *
     * @return true if the result is a result set
     */
    final boolean run(RoutedStatement routed, StatementParameters parameters, OwnStatements own, Mode mode,
                      GeneratedKeys keys) throws SQLException {
        checkOpen();
        clearResults();
        outcome.starting(keys);
        connection.pin().statementStarted();
        try {
            connection.topologyForStatement();
            Execution execution = route(routed, parameters, true);
            outcome.generated(execution.generated());
            connection.runtime().notifyRouted(execution);
            Topology.Intent intent = ReadRouting.intentOf(routed);
            runningIntent = intent;
            QueryDeadline batch = connection.deadline();
            if (batch.isSet()) {
                // An entry of a batch that runs on its own: the batch's timeout is the one that applies.
                return new ExecutionRunner(this, own, parameters, mode, intent, routed.sql(), batch).run(execution);
            }
            try (QueryDeadline deadline = QueryDeadline.start(connection.runtime(), settings.queryTimeout(),
                    routed.sql())) {
                QueryDeadline previous = connection.runUnder(deadline);
                try {
                    return new ExecutionRunner(this, own, parameters, mode, intent, routed.sql(), deadline)
                            .run(execution);
                } catch (SQLException e) {
                    throw connection.failedBecauseStopped(e, routed.sql());
                } catch (RuntimeException | StackOverflowError e) {
                    throw SqlExceptions.unexpected(e, routed.sql());
                } finally {
                    connection.runUnder(previous);
                }
            }
        } finally {
            connection.pin().statementEnded();
            if (routed.plan().kind() == StatementKind.DDL) {
                // Failed DDL may have changed some shards, so this runs either way.
                connection.runtime().schemaChanged();
            }
        }
    }

    /** The execution for the parameters' values (see {@link ShardRuntime#route}). */
    final Execution route(RoutedStatement routed, StatementParameters parameters, boolean generateKeys)
            throws SQLException {
        try {
            return connection.runtime().route(connection, routed, parameters, generateKeys);
        } catch (SQLException e) {
            connection.runtime().notifyRefused(e);
            throw e;
        }
    }

    /**
     * After a batch: the keys generated across its entries, and no physical statement whose getGeneratedKeys
     * could be mistaken for the batch's.
     */
    final void afterBatch(Execution.GeneratedValues keys) throws SQLException {
        clearResults();
        outcome.generated(keys);
    }

    /** Closes the previous execution's result set, and its physical statement unless the statement keeps it. */
    void clearResults() throws SQLException {
        outcome.clear(!keepsPhysicalStatements());
    }

    /** A plain statement's physical statements are its executions'; a prepared one keeps its own. */
    boolean keepsPhysicalStatements() {
        return false;
    }

    void resultSetClosed() throws SQLException {
        if (closeOnCompletion && !closed) {
            close();
        }
    }

    final void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("Statement is closed", "HY010");
        }
        connection.checkOpen();
    }

    private boolean runText(String sql, Mode mode, GeneratedKeys keys) throws SQLException {
        checkOpen();
        RoutedStatement routed = connection.runtime().router().prepare(sql);
        return run(routed, StatementParameters.none(sql), new TextStatements(connection, options, keys), mode, keys);
    }

    @Override
    Object unwrapTarget() {
        return outcome.current();
    }

    // ------------------------------------------------------------------ Statement: execute

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        runText(sql, Mode.QUERY, GeneratedKeys.NONE);
        return outcome.resultSet();
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.NONE);
        return (int) outcome.updateCount();
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.of(autoGeneratedKeys));
        return (int) outcome.updateCount();
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.of(columnIndexes));
        return (int) outcome.updateCount();
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.of(columnNames));
        return (int) outcome.updateCount();
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.NONE);
        return outcome.updateCount();
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.of(autoGeneratedKeys));
        return outcome.updateCount();
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.of(columnIndexes));
        return outcome.updateCount();
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.of(columnNames));
        return outcome.updateCount();
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return runText(sql, Mode.ANY, GeneratedKeys.NONE);
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return runText(sql, Mode.ANY, GeneratedKeys.of(autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return runText(sql, Mode.ANY, GeneratedKeys.of(columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return runText(sql, Mode.ANY, GeneratedKeys.of(columnNames));
    }

    // ------------------------------------------------------------------ Statement: batches

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        if (batch == null) {
            batch = new ArrayList<>();
        }
        batch.add(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch = null;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return ShardBatches.toInts(executeLargeBatch());
    }

    /**
     * Consecutive statements that each route to one shard run as one JDBC batch per shard, the shards in
     * parallel, and so do consecutive broadcast writes (all or nothing); any other statement that needs several
     * shards, and DDL, runs on its own, in order.
     */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<String> work = batch == null ? List.of() : batch;
        batch = null;
        connection.topologyForStatement();
        // Not paced: the texts of a plain statement's batch, hence their costs, change from one batch to the next.
        long[] counts = ShardBatches.runInOrder(connection, work.size(), "statement", settings.queryTimeout(), null,
                entry -> ShardBatches.target(route(connection.runtime().router().prepare(work.get(entry)),
                        StatementParameters.none(work.get(entry)), false)),
                entry -> {
                    runText(work.get(entry), Mode.LARGE_UPDATE, GeneratedKeys.NONE);
                    return outcome.updateCount();
                },
                (shard, entries, opened) -> {
                    Statement physical = new TextStatements(connection, options, GeneratedKeys.NONE)
                            .open(shard, Topology.Intent.WRITE);
                    opened.add(physical);
                    settings.applyTo(physical, true, false);
                    for (int entry : entries) {
                        physical.addBatch(work.get(entry));
                    }
                    return new ShardBatches.ShardBatch(physical, physical::executeLargeBatch);
                });
        clearResults();
        return counts;
    }

    // ------------------------------------------------------------------ Statement: results

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        return outcome.resultSet();
    }

    @Override
    public int getUpdateCount() throws SQLException {
        checkOpen();
        return (int) outcome.updateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        return outcome.updateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(Statement.CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int how) throws SQLException {
        checkOpen();
        return outcome.moreResults(how, this);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        return outcome.generatedKeys(this);
    }

    // ------------------------------------------------------------------ Statement: settings

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return settings.maxFieldSize();
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        settings.maxFieldSize(max);
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return (int) Math.min(settings.maxRows(), Integer.MAX_VALUE);
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        setLargeMaxRows(max);
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return settings.maxRows();
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        settings.maxRows(max);
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        settings.escapeProcessing(enable);
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return settings.queryTimeout();
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        settings.queryTimeout(seconds);
    }

    @Override
    public void cancel() throws SQLException {
        checkOpen();
        outcome.cancel();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return outcome.warnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        outcome.clearWarnings();
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        throw unsupported("setCursorName", "positioned updates cannot follow a row across shards");
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != ResultSet.FETCH_FORWARD && direction != ResultSet.FETCH_REVERSE
                && direction != ResultSet.FETCH_UNKNOWN) {
            throw new SQLException("Unknown fetch direction " + direction, "HY024");
        }
        fetchDirection = direction;
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        settings.fetchSize(rows);
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return settings.fetchSize();
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        checkOpen();
        return options.resultSetConcurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        checkOpen();
        return options.resultSetType();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        checkOpen();
        return options.resultSetHoldability() >= 0 ? options.resultSetHoldability() : connection.getHoldability();
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
        this.poolable = poolable;
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        try {
            clearResults();
            closePhysical();
        } finally {
            closed = true;
            connection.forget(this);
        }
    }

    /**
     * The connection's physical connection to a shard was discarded (broken, or a commit or rollback failed on
     * it), and its statements with it: forgetting the last one keeps later calls (the next execution closes it)
     * off it.
     */
    void connectionDiscarded(Connection discarded) {
        outcome.connectionDiscarded(discarded);
    }

    /** Prepared statements close their kept per-shard statements here. */
    void closePhysical() throws SQLException {
    }
}
