package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What the application holds as its Connection: at most one physical connection per shard, each borrowed from
 * that shard's pool the first time a statement routes there, and given back on close.
 *
 * <p>Settings the application makes (auto-commit, read-only, isolation, holdability, network timeout) are kept
 * here and applied to every physical connection, including those opened later, so that a transaction behaves
 * the same whichever shards it happens to touch.
 */
public final class LogicalConnection extends DefaultShardConnection {

    private final ShardRuntime runtime;
    private final HeldConnections held;
    private final ShardTransaction transaction;
    private final List<ShardStatement> statements = new ArrayList<>();
    private boolean autoCommit = true;
    private boolean readOnly;
    private int isolation = -1;
    private int holdability = -1;
    private int networkTimeoutMillis = -1;
    private Executor networkTimeoutExecutor;
    private boolean closed;
    /** Whether a statement ran since the last commit or rollback with auto-commit off. */
    private boolean transactionOpen;

    /** Made by {@link ShardRuntime#openConnection()}, which is how ShardingDataSource hands connections out. */
    LogicalConnection(ShardRuntime runtime) {
        this.runtime = runtime;
        this.held = new HeldConnections(runtime.topology());
        this.transaction = new ShardTransaction(held, this::discard);
    }

    /** The topology this connection routes against now: the one its statement or transaction started with. */
    Topology topology() {
        return held.topology();
    }

    /**
     * Called as a statement starts: outside a transaction, and at the start of one (before it touches a shard),
     * the connection moves to the runtime's current topology; inside a transaction it keeps the one it started
     * with, so that a transaction never spans two versions of the shard set.
     */
    Topology topologyForStatement() throws SQLException {
        Topology current = runtime.topology();
        boolean startsTransaction = !autoCommit && !transactionOpen;
        transactionOpen = !autoCommit;
        if (current != held.topology() && (autoCommit || startsTransaction)) {
            for (Connection returned : held.repin(current)) {
                for (ShardStatement statement : statements) {
                    statement.connectionDiscarded(returned);
                }
            }
        }
        return held.topology();
    }

    /** The runtime (pools and router) this connection borrows from; internal API for the driver, tests and tools. */
    public ShardRuntime runtime() {
        return runtime;
    }

    /**
     * The physical connection for a statement on a shard, borrowed and configured on first use. Every physical
     * connection a statement uses comes from here: this is where a read may one day go to a replica (the intent
     * says whether it may), while writes and reads inside a transaction stay on the connection that holds the
     * transaction.
     */
    Connection physical(int shard, Topology.Intent intent) throws SQLException {
        checkOpen();
        Topology.Intent effective = intent == Topology.Intent.READ && !autoCommit
                ? Topology.Intent.READ_IN_TRANSACTION : intent;
        Connection connection = held.get(shard);
        if (connection != null && autoCommit && HeldConnections.isBroken(connection)) {
            // An earlier failure broke it. With auto-commit on, no transaction went with it: replace it.
            discard(shard);
            connection = null;
        }
        if (connection == null) {
            connection = held.topology().borrow(shard, effective);
            try {
                applySettings(connection);
            } catch (SQLException e) {
                // Often the first use of a pooled connection that died with its server: say which server.
                connection.close();
                throw SqlExceptions.onShard(held.topology().shardName(shard), e);
            }
            held.hold(shard, connection, transaction.savepointDepth());
        }
        return connection;
    }

    boolean holds(int shard) {
        return held.holds(shard);
    }

    /** The connection for metadata and other calls that any shard can answer: the default data source's. */
    @Override
    Connection defaultPhysical() throws SQLException {
        return physical(held.topology().defaultShard(), Topology.Intent.READ);
    }

    /**
     * A statement on one shard failed. If the failure broke that shard's physical connection and no work of the
     * open transaction went with it (auto-commit is on, or the connection was borrowed for this very statement),
     * the connection is dropped, so that the next statement there borrows a new one. If work did go with it, it is
     * kept, and {@link #commit()} refuses to commit the other shards.
     *
     * @return the exception to throw: a lost connection is named with its shard, since the driver's message does
     *         not say which server it was; any other failure is the driver's, unchanged
     */
    SQLException statementFailed(int shard, boolean borrowedForIt, SQLException failure) {
        if (!held.holds(shard)) {
            return failure; // borrowing it failed, and that error names the shard already
        }
        dropIfBroken(shard, borrowedForIt);
        if (!SqlExceptions.isConnectionFailure(failure)) {
            return failure;
        }
        // The next statements for this shard fail at once instead of waiting on its pool, until a probe gets through.
        held.topology().breaker(shard).failed("connection failure: " + failure.getMessage());
        return SqlExceptions.onShard(held.topology().shardName(shard), failure);
    }

    /** The part of {@link #statementFailed} that drops a broken connection, for callers that name shards. */
    void dropIfBroken(int shard, boolean borrowedForIt) {
        Connection connection = held.get(shard);
        if (connection != null && HeldConnections.isBroken(connection) && (autoCommit || borrowedForIt)) {
            discard(shard);
        }
    }

    /** A shard this connection already holds, else the default one: any shard serves broadcast reads. */
    int preferredShardForAnyOne() {
        int preferred = held.topology().defaultShard();
        if (held.holds(preferred)) {
            return preferred;
        }
        for (int i = 0; i < held.size(); i++) {
            if (held.holds(i)) {
                return i;
            }
        }
        return preferred;
    }

    private void applySettings(Connection connection) throws SQLException {
        if (connection.getAutoCommit() != autoCommit) {
            connection.setAutoCommit(autoCommit);
        }
        if (readOnly) {
            connection.setReadOnly(true);
        }
        if (isolation >= 0) {
            connection.setTransactionIsolation(isolation);
        }
        if (holdability >= 0) {
            connection.setHoldability(holdability);
        }
        if (networkTimeoutMillis >= 0) {
            connection.setNetworkTimeout(networkTimeoutExecutor, networkTimeoutMillis);
        }
    }

    @Override
    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("Connection is closed", "08003");
        }
    }

    void forget(ShardStatement statement) {
        if (!closed) { // while the connection closes, close() walks the list and clears it itself
            statements.remove(statement);
        }
    }

    @Override
    Object unwrapTarget() throws SQLException {
        return defaultPhysical();
    }

    // ------------------------------------------------------------------ statements

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return createStatement(resultSetType, resultSetConcurrency, -1);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        ShardStatement statement = new ShardStatement(this,
                new StatementOptions(resultSetType, resultSetConcurrency, resultSetHoldability));
        statements.add(statement);
        return statement;
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepare(sql, StatementOptions.DEFAULT, GeneratedKeys.NONE);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        return prepare(sql, new StatementOptions(resultSetType, resultSetConcurrency, -1), GeneratedKeys.NONE);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        return prepare(sql, new StatementOptions(resultSetType, resultSetConcurrency, resultSetHoldability),
                GeneratedKeys.NONE);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepare(sql, StatementOptions.DEFAULT, GeneratedKeys.of(autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepare(sql, StatementOptions.DEFAULT, GeneratedKeys.of(columnIndexes));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepare(sql, StatementOptions.DEFAULT, GeneratedKeys.of(columnNames));
    }

    private PreparedStatement prepare(String sql, StatementOptions options, GeneratedKeys keys)
            throws SQLException {
        checkOpen();
        ShardPreparedStatement statement = new ShardPreparedStatement(this, options, sql, keys);
        statements.add(statement);
        return statement;
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        checkOpen();
        return sql;
    }

    // ------------------------------------------------------------------ transactions

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        checkOpen();
        if (this.autoCommit == autoCommit) {
            return;
        }
        if (autoCommit) {
            // Switching auto-commit on commits the open transaction (JDBC 4.3 §10.1.1). Committing explicitly
            // first gives it commit()'s order and report; otherwise each driver would commit on its own, and a
            // failure part way would not say which shards had committed.
            transaction.clearSavepoints();
            transactionOpen = false;
            transaction.commitEveryShard();
        }
        held.forEach("setAutoCommit", (shard, c) -> c.setAutoCommit(autoCommit));
        this.autoCommit = autoCommit;
        if (autoCommit) {
            transaction.clearSavepoints();
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("commit() called while auto-commit is on", "25000");
        }
        transaction.clearSavepoints();
        transactionOpen = false;
        transaction.commitEveryShard();
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("rollback() called while auto-commit is on", "25000");
        }
        transaction.clearSavepoints();
        transactionOpen = false;
        transaction.rollbackEveryShard();
    }

    /**
     * Drops a shard's physical connection: after a failed commit or rollback, or once a failure broke it. It goes
     * out of its pool rather than back into it, and statements forget what they had prepared on it; the next
     * statement there borrows anew.
     */
    private void discard(int shard) {
        Connection connection = held.release(shard);
        for (ShardStatement statement : statements) {
            statement.connectionDiscarded(connection);
        }
        held.topology().discard(shard, connection);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return setSavepoint(null);
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("Cannot set a savepoint while auto-commit is on", "25000");
        }
        return transaction.setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkOpen();
        transaction.rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        transaction.releaseSavepoint(savepoint);
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        // Checked here because the level is kept for connections opened later: a bad one would otherwise fail
        // every later statement that opens a shard, far from the call that caused it.
        if (level != TRANSACTION_READ_UNCOMMITTED && level != TRANSACTION_READ_COMMITTED
                && level != TRANSACTION_REPEATABLE_READ && level != TRANSACTION_SERIALIZABLE) {
            throw new SQLException("Invalid transaction isolation level " + level + "; use one of the "
                    + "Connection.TRANSACTION_* constants other than TRANSACTION_NONE", "HY024");
        }
        held.forEach("setTransactionIsolation", (shard, c) -> c.setTransactionIsolation(level));
        isolation = level;
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return isolation >= 0 ? isolation : defaultPhysical().getTransactionIsolation();
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        held.forEach("setReadOnly", (shard, c) -> c.setReadOnly(readOnly));
        this.readOnly = readOnly;
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly;
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        // Kept for later connections, like the isolation level: refuse a bad value now rather than later.
        if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw new SQLException("Invalid result set holdability " + holdability + "; use "
                    + "ResultSet.HOLD_CURSORS_OVER_COMMIT or ResultSet.CLOSE_CURSORS_AT_COMMIT", "HY024");
        }
        held.forEach("setHoldability", (shard, c) -> c.setHoldability(holdability));
        this.holdability = holdability;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability >= 0 ? holdability : defaultPhysical().getHoldability();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        SQLException failure = null;
        for (ShardStatement statement : statements) {
            try {
                statement.close();
            } catch (SQLException e) {
                failure = SqlExceptions.chain(failure, e);
            }
        }
        statements.clear();
        failure = held.returnAll(failure);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("timeout must not be negative", "HY000");
        }
        if (closed) {
            return false;
        }
        Boolean heldValid = held.allValid(timeout);
        return heldValid != null ? heldValid : defaultPhysical().isValid(timeout);
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        held.abortAll(executor);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        // Kept for later connections too; MySQL Connector/J refuses a null executor, so refuse it here first.
        if (executor == null) {
            throw new SQLException("setNetworkTimeout needs an executor", "HY009");
        }
        if (milliseconds < 0) {
            throw new SQLException("Network timeout must not be negative: " + milliseconds, "HY024");
        }
        held.forEach("setNetworkTimeout", (shard, c) -> c.setNetworkTimeout(executor, milliseconds));
        networkTimeoutExecutor = executor;
        networkTimeoutMillis = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return Math.max(networkTimeoutMillis, 0);
    }

    // ------------------------------------------------------------------ metadata and the rest

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return held.warnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        held.forEach("clearWarnings", (shard, c) -> c.clearWarnings());
    }

    @Override
    public String toString() {
        return "LogicalConnection[shards=" + held.topology().names() + ", closed=" + closed + "]";
    }
}
