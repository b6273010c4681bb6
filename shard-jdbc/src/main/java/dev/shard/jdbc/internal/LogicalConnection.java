package dev.shard.jdbc.internal;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * What the application holds as its Connection: at most one physical connection per shard, each borrowed from
 * that shard's pool the first time a statement routes there, and given back on close.
 *
 * <p>Settings the application makes (auto-commit, read-only, isolation, holdability, network timeout) are kept
 * here and applied to every physical connection, including those opened later, so that a transaction behaves
 * the same whichever shards it happens to touch.
 */
public final class LogicalConnection extends JdbcWrapper implements Connection {

    private final ShardRuntime runtime;
    private final Connection[] physical;
    /** For each shard, how many savepoints existed when its physical connection was opened. */
    private final int[] openedAtSavepointDepth;
    private final List<LogicalSavepoint> savepoints = new ArrayList<>();
    private final List<ShardStatement> statements = new ArrayList<>();
    private boolean autoCommit = true;
    private boolean readOnly;
    private int isolation = -1;
    private int holdability = -1;
    private int networkTimeoutMillis = -1;
    private Executor networkTimeoutExecutor;
    /** Made on first use: a Properties is a ConcurrentHashMap, and a pooled point query never needs one. */
    private Properties clientInfo;
    private boolean closed;
    private int savepointCounter;

    /** Made by {@link ShardRuntime#openConnection()}, which is how ShardingDataSource hands connections out. */
    LogicalConnection(ShardRuntime runtime) {
        this.runtime = runtime;
        this.physical = new Connection[runtime.shardCount()];
        this.openedAtSavepointDepth = new int[runtime.shardCount()];
    }

    /** The runtime (pools and router) this connection borrows from; internal API for the driver, tests and tools. */
    public ShardRuntime runtime() {
        return runtime;
    }

    /** The physical connection to a shard, borrowed and configured on first use. */
    Connection physical(int shard) throws SQLException {
        checkOpen();
        Connection connection = physical[shard];
        if (connection != null && autoCommit && isBroken(connection)) {
            // An earlier failure broke it. With auto-commit on, no transaction went with it: replace it.
            discard(shard);
            connection = null;
        }
        if (connection == null) {
            connection = runtime.borrow(shard);
            try {
                applySettings(connection);
            } catch (SQLException e) {
                // Often the first use of a pooled connection that died with its server: say which server.
                connection.close();
                throw onShard(runtime.shardName(shard), e);
            }
            physical[shard] = connection;
            openedAtSavepointDepth[shard] = savepoints.size();
        }
        return connection;
    }

    boolean holds(int shard) {
        return physical[shard] != null;
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
        if (physical[shard] == null) {
            return failure; // borrowing it failed, and that error names the shard already
        }
        dropIfBroken(shard, borrowedForIt);
        return isConnectionFailure(failure) ? onShard(runtime.shardName(shard), failure) : failure;
    }

    /** The part of {@link #statementFailed} that drops a broken connection, for callers that name shards. */
    void dropIfBroken(int shard, boolean borrowedForIt) {
        Connection connection = physical[shard];
        if (connection != null && isBroken(connection) && (autoCommit || borrowedForIt)) {
            discard(shard);
        }
    }

    private static boolean isConnectionFailure(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    /** The same failure with the shard's name, keeping the JDBC class that callers may decide retries by. */
    private static SQLException onShard(String shard, SQLException e) {
        String message = "Shard " + shard + ": " + e.getMessage();
        if (e instanceof SQLRecoverableException) {
            return new SQLRecoverableException(message, e.getSQLState(), e.getErrorCode(), e);
        }
        if (e instanceof SQLTransientConnectionException) {
            return new SQLTransientConnectionException(message, e.getSQLState(), e.getErrorCode(), e);
        }
        if (e instanceof SQLNonTransientConnectionException) {
            return new SQLNonTransientConnectionException(message, e.getSQLState(), e.getErrorCode(), e);
        }
        return new SQLException(message, e.getSQLState(), e.getErrorCode(), e);
    }

    /** Closed without our closing it: the pool (or driver) saw a connection-level failure on it. */
    private static boolean isBroken(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** A shard this connection already holds, else the default one: any shard serves broadcast reads. */
    int preferredShardForAnyOne() {
        int preferred = runtime.defaultShard();
        if (physical[preferred] != null) {
            return preferred;
        }
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
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

    /** Runs an action on every open physical connection; all are attempted, the first error carries the rest. */
    private void forEachOpen(String what, PhysicalAction action) throws SQLException {
        SQLException failure = null;
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                try {
                    action.apply(i, physical[i]);
                } catch (SQLException e) {
                    failed.add(runtime.shardName(i));
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw new SQLException(what + " failed on shard(s) " + failed + ": " + failure.getMessage(),
                    failure.getSQLState(), failure.getErrorCode(), failure);
        }
    }

    @FunctionalInterface
    private interface PhysicalAction {
        void apply(int shard, Connection connection) throws SQLException;
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("Connection is closed", "08003");
        }
    }

    void forget(ShardStatement statement) {
        statements.remove(statement);
    }

    @Override
    Object unwrapTarget() throws SQLException {
        return physical(runtime.defaultShard());
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
    public CallableStatement prepareCall(String sql) throws SQLException {
        throw unsupported("prepareCall", "stored procedures cannot be routed by shard key");
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        throw unsupported("prepareCall", "stored procedures cannot be routed by shard key");
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        throw unsupported("prepareCall", "stored procedures cannot be routed by shard key");
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
            savepoints.clear();
            commitEveryShard();
        }
        forEachOpen("setAutoCommit", (shard, c) -> c.setAutoCommit(autoCommit));
        this.autoCommit = autoCommit;
        if (autoCommit) {
            savepoints.clear();
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
        savepoints.clear();
        commitEveryShard();
    }

    /**
     * Commits each shard's local transaction, one shard after another in shard order (the order the data sources
     * are declared in). There is no two-phase commit, so once one shard has committed nothing can undo it; what
     * this does guarantee is that a failure is never a silent partial commit:
     * <ul>
     *   <li>at the first failure it stops: the shards after the failed one are rolled back, not committed, so
     *       that the report below is the whole truth;</li>
     *   <li>the SQLException names the shards that committed, the one that failed (with the driver's exception
     *       as its cause) and the ones rolled back;</li>
     *   <li>the failed shard's physical connection is discarded: its transaction state is unknown and it is
     *       usually broken. The next statement there borrows a new one.</li>
     * </ul>
     * With a single shard in the transaction this is a plain commit: the driver's exception passes unchanged.
     */
    private void commitEveryShard() throws SQLException {
        int single = singleOpenShard();
        if (single >= 0) {
            try {
                physical[single].commit();
            } catch (SQLException e) {
                discard(single);
                throw e;
            }
            return;
        }
        refuseIfWorkWasLost();
        List<String> committed = new ArrayList<>();
        for (int shard = 0; shard < physical.length; shard++) {
            if (physical[shard] != null) {
                try {
                    physical[shard].commit();
                } catch (SQLException e) {
                    throw commitFailed(shard, e, committed);
                }
                committed.add(runtime.shardName(shard));
            }
        }
    }

    /**
     * A connection that broke during the transaction took its shard's uncommitted work with it: its server rolled
     * it back. Committing the other shards would be a partial commit known in advance, so everything is rolled
     * back instead.
     */
    private void refuseIfWorkWasLost() throws SQLException {
        List<String> lost = new ArrayList<>();
        for (int shard = 0; shard < physical.length; shard++) {
            if (physical[shard] != null && isBroken(physical[shard])) {
                lost.add(runtime.shardName(shard));
                discard(shard);
            }
        }
        if (lost.isEmpty()) {
            return;
        }
        List<String> others = new ArrayList<>();
        for (int shard = 0; shard < physical.length; shard++) {
            if (physical[shard] != null) {
                others.add(runtime.shardName(shard));
            }
        }
        String message = "Commit refused: the connection to " + lost + " was lost during the transaction, and "
                + "the work done there with it (a server rolls back what a lost connection had not committed). "
                + "Nothing was committed";
        try {
            rollbackEveryShard();
        } catch (SQLException e) {
            throw new SQLTransactionRollbackException(message + ". Rolling back the other shards: " + e.getMessage(),
                    "40000", e);
        }
        throw new SQLTransactionRollbackException(message + "; rolled back on " + others, "40000");
    }

    /** After a commit failed on one shard: discard it, roll back the shards not yet committed, report it all. */
    private SQLException commitFailed(int failedShard, SQLException cause, List<String> committed) {
        String failed = runtime.shardName(failedShard);
        discard(failedShard);
        List<String> rolledBack = new ArrayList<>();
        List<String> rollbackFailed = new ArrayList<>();
        for (int shard = failedShard + 1; shard < physical.length; shard++) {
            if (physical[shard] != null) {
                rolledBack.add(runtime.shardName(shard));
                try {
                    physical[shard].rollback();
                } catch (SQLException e) {
                    // Closing the connection ends its transaction without a commit: the server rolls it back.
                    rollbackFailed.add(runtime.shardName(shard));
                    cause.addSuppressed(e);
                    discard(shard);
                }
            }
        }
        StringBuilder message = new StringBuilder("Cross-shard commit incomplete: committed on ").append(committed)
                .append("; failed on ").append(failed).append(": ").append(cause.getMessage())
                .append("; not committed (rolled back) on ").append(rolledBack).append('.');
        if (!rollbackFailed.isEmpty()) {
            message.append(" The rollback failed on ").append(rollbackFailed).append(" too; their connections were "
                    + "closed, so their servers roll the work back.");
        }
        if (cause.getSQLState() != null && cause.getSQLState().startsWith("08")) {
            message.append(" The connection to ").append(failed).append(" was lost during the commit, so whether ")
                    .append(failed).append(" committed is not known.");
        }
        if (!committed.isEmpty()) {
            message.append(" What committed stays committed: there is no two-phase commit across shards.");
        }
        return new SQLException(message.toString(), cause.getSQLState(), cause.getErrorCode(), cause);
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("rollback() called while auto-commit is on", "25000");
        }
        savepoints.clear();
        rollbackEveryShard();
    }

    /**
     * Rolls back every shard, whatever happens to the others. A shard whose rollback fails has its physical
     * connection discarded: closing it is what makes its server roll back, and the next statement there borrows
     * a new one. With a single shard in the transaction the driver's exception passes unchanged.
     */
    private void rollbackEveryShard() throws SQLException {
        int single = singleOpenShard();
        if (single >= 0) {
            try {
                physical[single].rollback();
            } catch (SQLException e) {
                discard(single);
                throw e;
            }
            return;
        }
        SQLException first = null;
        StringBuilder failures = new StringBuilder();
        List<String> rolledBack = new ArrayList<>();
        for (int shard = 0; shard < physical.length; shard++) {
            if (physical[shard] != null) {
                try {
                    physical[shard].rollback();
                    rolledBack.add(runtime.shardName(shard));
                } catch (SQLException e) {
                    failures.append(failures.isEmpty() ? "" : "; failed on ").append(runtime.shardName(shard))
                            .append(": ").append(e.getMessage());
                    first = chain(first, e);
                    discard(shard);
                }
            }
        }
        if (first != null) {
            throw new SQLException("Rollback failed on " + failures + "; rolled back on " + rolledBack
                    + ". The failed shards' connections were closed, so their servers roll the work back.",
                    first.getSQLState(), first.getErrorCode(), first);
        }
    }

    /** The only shard this connection holds, or -1 if it holds none or several. */
    private int singleOpenShard() {
        int found = -1;
        for (int shard = 0; shard < physical.length; shard++) {
            if (physical[shard] != null) {
                if (found >= 0) {
                    return -1;
                }
                found = shard;
            }
        }
        return found;
    }

    /**
     * Drops a shard's physical connection: after a failed commit or rollback, or once a failure broke it. It goes
     * out of its pool rather than back into it, and statements forget what they had prepared on it; the next
     * statement there borrows anew.
     */
    private void discard(int shard) {
        Connection connection = physical[shard];
        physical[shard] = null;
        for (ShardStatement statement : statements) {
            statement.connectionDiscarded(shard);
        }
        runtime.discard(shard, connection);
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
        int id = ++savepointCounter;
        Savepoint[] perShard = new Savepoint[physical.length];
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                perShard[i] = name == null ? physical[i].setSavepoint() : physical[i].setSavepoint(name);
            }
        }
        LogicalSavepoint savepoint = new LogicalSavepoint(id, name, perShard, savepoints.size());
        savepoints.add(savepoint);
        return savepoint;
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkOpen();
        LogicalSavepoint target = own(savepoint);
        // Connections opened after the savepoint hold only work done after it: roll all of it back.
        forEachOpen("rollback to savepoint", (shard, c) -> {
            if (target.perShard[shard] != null) {
                c.rollback(target.perShard[shard]);
            } else if (openedAtSavepointDepth[shard] > target.depth) {
                c.rollback();
            }
        });
        savepoints.subList(target.depth + 1, savepoints.size()).clear();
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        LogicalSavepoint target = own(savepoint);
        forEachOpen("release savepoint", (shard, c) -> {
            if (target.perShard[shard] != null) {
                c.releaseSavepoint(target.perShard[shard]);
            }
        });
        savepoints.subList(target.depth, savepoints.size()).clear();
    }

    private LogicalSavepoint own(Savepoint savepoint) throws SQLException {
        if (savepoint instanceof LogicalSavepoint logical && savepoints.contains(logical)) {
            return logical;
        }
        throw new SQLException("Savepoint " + savepoint + " does not belong to this transaction", "3B001");
    }

    private static final class LogicalSavepoint implements Savepoint {
        private final int id;
        private final String name;
        private final Savepoint[] perShard;
        private final int depth;

        LogicalSavepoint(int id, String name, Savepoint[] perShard, int depth) {
            this.id = id;
            this.name = name;
            this.perShard = perShard;
            this.depth = depth;
        }

        @Override
        public int getSavepointId() throws SQLException {
            if (name != null) {
                throw new SQLException("Savepoint is named; use getSavepointName()", "HY000");
            }
            return id;
        }

        @Override
        public String getSavepointName() throws SQLException {
            if (name == null) {
                throw new SQLException("Savepoint is not named; use getSavepointId()", "HY000");
            }
            return name;
        }

        @Override
        public String toString() {
            return name == null ? "savepoint " + id : "savepoint " + name;
        }
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
        forEachOpen("setTransactionIsolation", (shard, c) -> c.setTransactionIsolation(level));
        isolation = level;
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return isolation >= 0 ? isolation : physical(runtime.defaultShard()).getTransactionIsolation();
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        forEachOpen("setReadOnly", (shard, c) -> c.setReadOnly(readOnly));
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
        forEachOpen("setHoldability", (shard, c) -> c.setHoldability(holdability));
        this.holdability = holdability;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability >= 0 ? holdability : physical(runtime.defaultShard()).getHoldability();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        SQLException failure = null;
        for (ShardStatement statement : new ArrayList<>(statements)) {
            try {
                statement.close();
            } catch (SQLException e) {
                failure = chain(failure, e);
            }
        }
        statements.clear();
        // Every physical connection goes back to its pool, whatever happens to the others; HikariCP rolls back
        // uncommitted work and resets the settings we changed.
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                try {
                    physical[i].close();
                } catch (SQLException e) {
                    failure = chain(failure, e);
                } finally {
                    physical[i] = null;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static SQLException chain(SQLException first, SQLException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
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
        boolean any = false;
        for (Connection c : physical) {
            if (c != null) {
                any = true;
                if (!c.isValid(timeout)) {
                    return false;
                }
            }
        }
        return any || physical(runtime.defaultShard()).isValid(timeout);
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                physical[i].abort(executor);
                physical[i] = null;
            }
        }
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
        forEachOpen("setNetworkTimeout", (shard, c) -> c.setNetworkTimeout(executor, milliseconds));
        networkTimeoutExecutor = executor;
        networkTimeoutMillis = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return Math.max(networkTimeoutMillis, 0);
    }

    // ------------------------------------------------------------------ metadata and the rest

    /** Answered by the default data source: ORMs read it at start-up, and every shard runs the same server. */
    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return physical(runtime.defaultShard()).getMetaData();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        SQLWarning head = null;
        for (Connection c : physical) {
            if (c != null) {
                SQLWarning warning = c.getWarnings();
                if (warning != null) {
                    if (head == null) {
                        head = warning;
                    } else {
                        head.setNextWarning(warning);
                    }
                }
            }
        }
        return head;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        forEachOpen("clearWarnings", (shard, c) -> c.clearWarnings());
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        throw unsupported("setCatalog", "each shard is its own database; name it in the data source's jdbcUrl");
    }

    @Override
    public String getCatalog() throws SQLException {
        return physical(runtime.defaultShard()).getCatalog();
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        throw unsupported("setSchema", "each shard is its own database; name it in the data source's jdbcUrl");
    }

    @Override
    public String getSchema() throws SQLException {
        return physical(runtime.defaultShard()).getSchema();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return physical(runtime.defaultShard()).getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        throw unsupported("setTypeMap", "custom type maps are not carried across shards");
    }

    @Override
    public Clob createClob() throws SQLException {
        return physical(runtime.defaultShard()).createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return physical(runtime.defaultShard()).createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return physical(runtime.defaultShard()).createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return physical(runtime.defaultShard()).createSQLXML();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return physical(runtime.defaultShard()).createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return physical(runtime.defaultShard()).createStruct(typeName, attributes);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        checkOpenForClientInfo();
        if (value == null) {
            if (clientInfo != null) {
                clientInfo.remove(name);
            }
        } else {
            clientInfo().setProperty(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        checkOpenForClientInfo();
        clientInfo = null;
        if (properties != null) {
            clientInfo().putAll(properties);
        }
    }

    private Properties clientInfo() {
        if (clientInfo == null) {
            clientInfo = new Properties();
        }
        return clientInfo;
    }

    /** setClientInfo may only throw SQLClientInfoException, so the closed check needs its own exception type. */
    private void checkOpenForClientInfo() throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("Connection is closed", "08003", 0, Map.of());
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return clientInfo == null ? null : clientInfo.getProperty(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        Properties copy = new Properties();
        if (clientInfo != null) {
            copy.putAll(clientInfo);
        }
        return copy;
    }

    @Override
    public String toString() {
        return "LogicalConnection[shards=" + runtime.shardNames() + ", closed=" + closed + "]";
    }
}
