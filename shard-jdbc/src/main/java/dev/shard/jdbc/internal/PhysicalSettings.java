package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/**
 * The settings an application made on its logical connection that every physical connection must share: read-only,
 * transaction isolation, holdability and network timeout. They are checked when made, since they are applied again
 * to connections opened later, where a bad value would fail a statement far from the call that set it.
 */
final class PhysicalSettings {

    private boolean readOnly;
    private int isolation = -1;
    private int holdability = -1;
    private int networkTimeoutMillis = -1;
    private Executor networkTimeoutExecutor;

    /** Applies every setting made so far (and the auto-commit mode) to a newly borrowed connection. */
    void applyTo(Connection connection, boolean autoCommit) throws SQLException {
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

    boolean readOnly() {
        return readOnly;
    }

    void readOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** The isolation level set, or -1 if none was. */
    int isolation() {
        return isolation;
    }

    static void checkIsolation(int level) throws SQLException {
        if (level != Connection.TRANSACTION_READ_UNCOMMITTED && level != Connection.TRANSACTION_READ_COMMITTED
                && level != Connection.TRANSACTION_REPEATABLE_READ && level != Connection.TRANSACTION_SERIALIZABLE) {
            throw new SQLException("Invalid transaction isolation level " + level + "; use one of the "
                    + "Connection.TRANSACTION_* constants other than TRANSACTION_NONE", "HY024");
        }
    }

    void isolation(int level) {
        isolation = level;
    }

    /** The holdability set, or -1 if none was. */
    int holdability() {
        return holdability;
    }

    static void checkHoldability(int holdability) throws SQLException {
        if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw new SQLException("Invalid result set holdability " + holdability + "; use "
                    + "ResultSet.HOLD_CURSORS_OVER_COMMIT or ResultSet.CLOSE_CURSORS_AT_COMMIT", "HY024");
        }
    }

    void holdability(int holdability) {
        this.holdability = holdability;
    }

    /** MySQL Connector/J refuses a null executor, so it is refused here first, for every driver alike. */
    static void checkNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        if (executor == null) {
            throw new SQLException("setNetworkTimeout needs an executor", "HY009");
        }
        if (milliseconds < 0) {
            throw new SQLException("Network timeout must not be negative: " + milliseconds, "HY024");
        }
    }

    void networkTimeout(Executor executor, int milliseconds) {
        networkTimeoutExecutor = executor;
        networkTimeoutMillis = milliseconds;
    }

    int networkTimeoutMillis() {
        return Math.max(networkTimeoutMillis, 0);
    }
}
