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
    private final PhysicalSettings settings = new PhysicalSettings();
    private boolean autoCommit = true;
    /** Set by close, by abort and by the data source's close, which may come from other threads. */
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Why the connection was closed under the application's feet (abort, the data source closing), or null. */
    private volatile String stopReason;
    /** The query timeout of the statement running, which bounds the wait for a physical connection. */
    private QueryDeadline deadline = QueryDeadline.NONE;
    /** Whether a statement ran since the last commit or rollback with auto-commit off. */
    private boolean transactionOpen;
    private final TopologyPin pin;
    /** Set when a statement lost its replica connection (see {@link #lostReplicaConnection}). */
    private boolean replicaLost;
    /** Null unless {@code settings.readYourWrites}. */
    private final ReadYourWrites readYourWrites;

    /** Made by {@link ShardRuntime#openConnection()}, which is how ShardingDataSource hands connections out. */
    LogicalConnection(ShardRuntime runtime) {
        this.runtime = runtime;
        this.held = new HeldConnections(runtime.topology());
        this.transaction = new ShardTransaction(held, this::discard);
        this.pin = new TopologyPin(this, held, returned -> statements.forEach(s -> s.connectionDiscarded(returned)),
                () -> autoCommit);
        this.readYourWrites = ReadYourWrites.of(runtime.config().settings().replicas());
    }

    /** The topology this connection routes against now: the one its statement or transaction started with. */
    Topology topology() {
        return held.topology();
    }

    /** Called as a statement starts; see {@link TopologyPin}. */
    Topology topologyForStatement() throws SQLException {
        boolean startsTransaction = !autoCommit && !transactionOpen;
        transactionOpen = !autoCommit;
        return pin.forStatement(autoCommit || startsTransaction);
    }

    TopologyPin pin() {
        return pin;
    }

    /** The runtime (pools and router) this connection borrows from; internal API for the driver, tests and tools. */
    public ShardRuntime runtime() {
        return runtime;
    }

    /**
     * The statement that starts now runs under {@code next}: borrowing a connection for it waits no longer than
     * its deadline. The same connection is never used by two threads at once (JDBC), so this is a plain field.
     *
     * @return the deadline to restore when that statement is done
     */
    QueryDeadline runUnder(QueryDeadline next) {
        QueryDeadline previous = deadline;
        deadline = next;
        return previous;
    }

    /** The deadline of the statement running (set by a batch for its entries too); NONE without a timeout. */
    QueryDeadline deadline() {
        return deadline;
    }

    /**
     * The physical connection for a statement on a shard, borrowed and configured on first use. Every physical
     * connection a statement uses comes from here: a read that may go to a replica ({@link ReadRouting}) takes the
     * shard's read connection, writes and reads in a read-write transaction the primary's, which holds it.
     */
    Connection physical(int shard, Topology.Intent intent) throws SQLException {
        checkOpen();
        Topology.Intent effective = intent == Topology.Intent.READ && !autoCommit
                ? Topology.Intent.READ_IN_TRANSACTION : intent;
        Topology topology = held.topology();
        if (ReadRouting.mayUseReplica(effective, settings.readOnly(), isPrimaryOnly(), topology.replicaCount(shard))) {
            Connection read = connectionIn(held.readSlot(shard), shard, true, effective);
            if (readYourWrites == null || readYourWrites.mayRead(shard, read, held.get(shard), topology)) {
                return read;
            } // else it has not applied this connection's write in time (read-your-writes): the primary has
        }
        Connection primary = connectionIn(shard, shard, false, effective);
        if (readYourWrites != null && effective == Topology.Intent.WRITE) {
            readYourWrites.wrote(shard, topology.shardCount(), primary);
        }
        return primary;
    }

    /** The connection in a slot, borrowed (from a replica when {@code forRead}) and configured if none is held. */
    private Connection connectionIn(int slot, int shard, boolean forRead, Topology.Intent intent) throws SQLException {
        Topology topology = held.topology();
        Connection connection = held.get(slot);
        if (connection != null && autoCommit && HeldConnections.isBroken(connection)) {
            // An earlier failure broke it. With auto-commit on, no transaction went with it: replace it.
            discard(slot);
            connection = null;
        }
        held.serve(shard, slot);
        if (connection == null) {
            connection = forRead ? topology.borrowForRead(shard, deadline) : topology.borrow(shard, intent, deadline);
            // Round trips to the server: under the statement's deadline, like the statement itself.
            try (QueryDeadline.Watch watched = deadline.watch(topology, shard, connection)) {
                settings.applyTo(connection, autoCommit);
            } catch (SQLException e) {
                // Often the first use of a pooled connection that died with its server: say which (a read may retry).
                replicaLost = forRead && topology.onReplica(connection) && SqlExceptions.isConnectionFailure(e);
                connection.close();
                throw SqlExceptions.onShard(topology.shardName(shard), e);
            }
            if (!held.hold(slot, connection, transaction.savepointDepth())) {
                // Aborted, or the data source closed, while this one was borrowed.
                runtime.cancels().stop(topology, shard, connection, false);
                checkOpen();
            }
            runtime.track(this); // a set: from the first physical connection on, the runtime knows this one
        }
        return connection;
    }

    /** A read outside a transaction failed: whether it lost a replica connection, so may run once more elsewhere. */
    boolean lostReplicaConnection(SQLException failure) {
        boolean lost = replicaLost;
        replicaLost = false;
        return autoCommit && stopReason == null && !deadline.expired() && SqlExceptions.isConnectionFailure(failure)
                && (held.dropBrokenReplicaReads(failure.getMessage(), this::discard) | lost);
    }

    boolean holds(int shard) {
        return held.holdsAny(shard);
    }

    /** For metadata and other calls any shard can answer (and unwrap): the default data source's primary. */
    @Override
    Connection defaultPhysical() throws SQLException {
        return physical(held.topology().defaultShard(), Topology.Intent.READ_ON_PRIMARY);
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
        Connection used = held.served(shard);
        if (used == null) {
            return failure; // borrowing it failed, and that error names the shard already
        }
        replicaLost = held.topology().onReplica(used) && SqlExceptions.isConnectionFailure(failure);
        dropIfBroken(shard, borrowedForIt);
        // Not when the connection was given up on purpose: by abort, by the data source's close, or at the
        // statement's deadline (whether that shard is down is then the breaker's decision, see ShardBreaker).
        if (!SqlExceptions.isConnectionFailure(failure) || stopReason != null || deadline.expired()) {
            return failure;
        }
        // The next statements for this shard fail at once instead of waiting on its pool, until a probe gets through.
        held.topology().breaker(shard, used).failed("connection failure: " + failure.getMessage());
        return SqlExceptions.onShard(held.topology().shardName(shard), failure);
    }

    /** The part of {@link #statementFailed} that drops a broken connection, for callers that name shards. */
    void dropIfBroken(int shard, boolean borrowedForIt) {
        for (int slot : new int[] {shard, held.readSlot(shard)}) {
            Connection connection = held.get(slot);
            if (connection != null && HeldConnections.isBroken(connection) && (autoCommit || borrowedForIt)) {
                discard(slot);
            }
        }
    }

    /** A shard this connection already holds, else the default one: any shard serves broadcast reads. */
    int preferredShardForAnyOne() {
        return held.preferredShardForAnyOne();
    }

    @Override
    void checkOpen() throws SQLException {
        if (closed.get()) {
            String reason = stopReason;
            throw new SQLException(reason == null ? "Connection is closed" : "Connection is closed: " + reason,
                    "08003");
        }
    }

    /** A statement's failure once the connection was aborted or its data source closed: with the cause. */
    SQLException failedBecauseStopped(SQLException failure, String sql) {
        return stopReason == null ? failure : SqlExceptions.stopped(stopReason, failure, sql);
    }

    void forget(ShardStatement statement) {
        if (!closed.get()) { // while the connection closes, close() walks the list and clears it itself
            statements.remove(statement);
        }
    }

    @Override
    Object unwrapTarget() throws SQLException {
        return defaultPhysical();
    }

    // ------------------------------------------------------------------ statements

    @Override
    Statement createStatement(StatementOptions options) throws SQLException {
        checkOpen();
        ShardStatement statement = new ShardStatement(this, options);
        statements.add(statement);
        return statement;
    }

    @Override
    PreparedStatement prepare(String sql, StatementOptions options, GeneratedKeys keys)
            throws SQLException {
        checkOpen();
        ShardPreparedStatement statement = new ShardPreparedStatement(this, options, sql, keys);
        statements.add(statement);
        return statement;
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
            pin.transactionEnded(); // after: a failed commit ends with the rollback or close that follows
        }
        if (!autoCommit) {
            for (Connection returned : held.returnReads()) {
                statements.forEach(statement -> statement.connectionDiscarded(returned));
            }
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
        pin.transactionEnded(); // after: a failed commit ends with the rollback or close that follows
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
        pin.transactionEnded(); // after: a failed commit ends with the rollback or close that follows
    }

    /**
     * Drops a shard's physical connection: after a failed commit or rollback, or once a failure broke it. It goes
     * out of its pool rather than back into it, and statements forget what they had prepared on it; the next
     * statement there borrows anew.
     */
    private void discard(int slot) {
        Connection connection = held.release(slot);
        for (ShardStatement statement : statements) {
            statement.connectionDiscarded(connection);
        }
        held.topology().discard(held.shardOf(slot), connection);
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
        PhysicalSettings.checkIsolation(level);
        held.forEach("setTransactionIsolation", (shard, c) -> c.setTransactionIsolation(level));
        settings.isolation(level);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return settings.isolation() >= 0 ? settings.isolation() : defaultPhysical().getTransactionIsolation();
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        held.forEach("setReadOnly", (shard, c) -> c.setReadOnly(readOnly));
        settings.readOnly(readOnly);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return settings.readOnly();
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        // Kept for later connections, like the isolation level: refuse a bad value now rather than later.
        PhysicalSettings.checkHoldability(holdability);
        held.forEach("setHoldability", (shard, c) -> c.setHoldability(holdability));
        settings.holdability(holdability);
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return settings.holdability() >= 0 ? settings.holdability() : defaultPhysical().getHoldability();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() throws SQLException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
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
        pin.transactionEnded(); // returned connections roll back what they had not committed
        runtime.untrack(this);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("timeout must not be negative", "HY000");
        }
        if (closed.get()) {
            return false;
        }
        Boolean heldValid = held.allValid(timeout);
        return heldValid != null ? heldValid : defaultPhysical().isValid(timeout);
    }

    /**
     * JDBC's abort, callable from any thread, also while another thread runs a statement here: the connection is
     * closed at once; on {@code executor}, each physical connection's statement is cancelled (on MySQL and MariaDB
     * by a {@code KILL QUERY}), the connection aborted and evicted from its pool. The thread running a statement
     * gets an SQLException saying that the connection was aborted.
     */
    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("abort needs an executor", "HY009");
        }
        stop("the connection was aborted (Connection.abort)", executor, true);
    }

    /** The data source is closing: the same as abort, on the closing thread, with no cancel sent to the servers. */
    void dataSourceClosed() {
        stop("the ShardingDataSource was closed", Runnable::run, false);
    }

    private void stop(String reason, Executor executor, boolean cancelStatements) {
        if (closed.get()) {
            return;
        }
        // The reason first: a statement that sees the connection closed must also see why.
        stopReason = reason;
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (HeldConnections.Held physical : held.detachAll()) {
            executor.execute(() -> runtime.cancels().stop(physical.topology(), physical.shard(),
                    physical.connection(), cancelStatements));
        }
        runtime.untrack(this);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        PhysicalSettings.checkNetworkTimeout(executor, milliseconds);
        held.forEach("setNetworkTimeout", (shard, c) -> c.setNetworkTimeout(executor, milliseconds));
        settings.networkTimeout(executor, milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return settings.networkTimeoutMillis();
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
        return "LogicalConnection[shards=" + held.topology().names() + ", closed=" + closed.get() + "]";
    }
}
