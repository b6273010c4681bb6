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
    private final List<String> batch = new ArrayList<>();

    /** The physical statement that ran last (one-shard executions), or null. */
    private volatile Statement current;
    /** The physical connection {@link #current} ran on. */
    private Connection currentConnection;
    private ResultSet currentResultSet;
    /** The statement running on several shards, while its result is open; cancel() reaches all of them. */
    private volatile ScatterExecution currentScatter;
    private long updateCount = -1;
    private GeneratedKeys lastKeys = GeneratedKeys.NONE;
    /** Keys Shard generated for the last INSERT, one per row in row order. */
    private Execution.GeneratedValues generated = Execution.GeneratedValues.NONE;

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
        lastKeys = keys;
        generated = Execution.GeneratedValues.NONE;
        connection.topologyForStatement();
        Execution execution = route(routed, parameters, true);
        generated = execution.generated();
        connection.runtime().notifyRouted(execution);
        Topology.Intent intent = routed.plan().kind() == StatementKind.SELECT ? Topology.Intent.READ
                : Topology.Intent.WRITE;
        return new ExecutionRunner(this, own, parameters, mode, intent, routed.sql()).run(execution);
    }

    /** The execution for the parameters' values (see {@link ShardRuntime#route}). */
    final Execution route(RoutedStatement routed, StatementParameters parameters, boolean generateKeys)
            throws SQLException {
        try {
            return connection.runtime().route(routed, parameters, generateKeys, connection.topology(),
                    connection.preferredShardForAnyOne());
        } catch (SQLException e) {
            connection.runtime().notifyRefused(e);
            throw e;
        }
    }

    // ------------------------------------------------------------------ what an execution leaves behind

    /** A one-shard execution ran on this physical statement. */
    final void ranOn(Statement physical, Connection on) {
        current = physical;
        currentConnection = on;
    }

    final void resultIs(ResultSet resultSet) {
        currentResultSet = resultSet;
    }

    final void updateCountIs(long count) {
        updateCount = count;
    }

    /** A statement that is running and that cancel() should reach, or null once it is done. */
    final void cancelReaches(Statement running) {
        current = running;
    }

    /** A statement is running on several shards (null: no longer); cancel() reaches all of them. */
    final void scatterRunning(ScatterExecution execution) {
        currentScatter = execution;
    }

    final void scatterFinished(ScatterExecution execution) {
        if (currentScatter == execution) {
            currentScatter = null;
        }
    }

    /**
     * After a batch: the keys generated across its entries, and no physical statement whose getGeneratedKeys
     * could be mistaken for the batch's.
     */
    final void afterBatch(Execution.GeneratedValues keys) throws SQLException {
        clearResults();
        generated = keys;
    }

    /** The keys the last execution generated. */
    final Execution.GeneratedValues generatedByLastExecution() {
        return generated;
    }

    /** Closes the previous execution's result set, and its physical statement unless the statement keeps it. */
    void clearResults() throws SQLException {
        closeCurrentResultSet();
        if (current != null && !keepsPhysicalStatements()) {
            current.close();
        }
        current = null;
        updateCount = -1;
    }

    private void closeCurrentResultSet() {
        if (currentResultSet instanceof ShardResultSet single) {
            single.closeQuietly();
        } else if (currentResultSet instanceof MergedResultSet merged) {
            merged.closeQuietly();
        }
        currentResultSet = null;
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
        return current;
    }

    // ------------------------------------------------------------------ Statement: execute

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        runText(sql, Mode.QUERY, GeneratedKeys.NONE);
        return currentResultSet;
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.NONE);
        return (int) updateCount;
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.of(autoGeneratedKeys));
        return (int) updateCount;
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.of(columnIndexes));
        return (int) updateCount;
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.of(columnNames));
        return (int) updateCount;
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.NONE);
        return updateCount;
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.of(autoGeneratedKeys));
        return updateCount;
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.of(columnIndexes));
        return updateCount;
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.of(columnNames));
        return updateCount;
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
        batch.add(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return ShardBatches.toInts(executeLargeBatch());
    }

    /**
     * Consecutive statements that each route to one shard run as one JDBC batch per shard, the shards in
     * parallel; a statement that needs several shards runs on its own, in order.
     */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<String> work = new ArrayList<>(batch);
        batch.clear();
        connection.topologyForStatement();
        long[] counts = ShardBatches.runInOrder(connection, work.size(), "statement",
                entry -> {
                    String sql = work.get(entry);
                    return ShardBatches.batchableShard(route(connection.runtime().router().prepare(sql),
                            StatementParameters.none(sql), false));
                },
                entry -> {
                    runText(work.get(entry), Mode.LARGE_UPDATE, GeneratedKeys.NONE);
                    return updateCount;
                },
                (shard, entries, opened) -> {
                    Statement physical = new TextStatements(connection, options, GeneratedKeys.NONE)
                            .open(shard, Topology.Intent.WRITE);
                    opened.add(physical);
                    settings.applyTo(physical, true, false);
                    for (int entry : entries) {
                        physical.addBatch(work.get(entry));
                    }
                    return physical::executeLargeBatch;
                });
        clearResults();
        return counts;
    }

    // ------------------------------------------------------------------ Statement: results

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        return currentResultSet;
    }

    @Override
    public int getUpdateCount() throws SQLException {
        checkOpen();
        return (int) updateCount;
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        return updateCount;
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(Statement.CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int how) throws SQLException {
        checkOpen();
        closeCurrentResultSet();
        if (current != null && current.getMoreResults(how)) {
            currentResultSet = new ShardResultSet(current.getResultSet(), this);
            return true;
        }
        updateCount = current == null ? -1 : current.getUpdateCount();
        return false;
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        if (generated.any() && lastKeys.wanted()) {
            return GeneratedKeysResultSet.of(this, generated.column(), generated.keys().toArray());
        }
        if (!lastKeys.wanted()) {
            throw new SQLException("Generated keys were not requested for the last statement; pass "
                    + "Statement.RETURN_GENERATED_KEYS or key columns when executing it", "HY000");
        }
        if (current == null) {
            // Each shard's AUTO_INCREMENT counts on its own, so their keys would not identify rows across shards.
            throw new SQLException("No generated keys from the last execution: it ran on several shards or as a"
                    + " batch, and per-shard AUTO_INCREMENT keys are neither unique across shards nor returned;"
                    + " configure a keyGenerator for the table to get keys back", "HY000");
        }
        return new ShardResultSet(current.getGeneratedKeys(), this);
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
        Statement running = current;
        if (running != null) {
            running.cancel();
        }
        ScatterExecution scatter = currentScatter;
        if (scatter != null) {
            scatter.cancelAll();
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return current == null ? null : current.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        if (current != null) {
            current.clearWarnings();
        }
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
        if (currentConnection == discarded) {
            current = null;
            currentConnection = null;
        }
    }

    /** Prepared statements close their kept per-shard statements here. */
    void closePhysical() throws SQLException {
    }
}
