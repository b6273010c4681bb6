package dev.shard.jdbc.internal;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;

/** Database errors re-thrown with more context, keeping what callers decide on. */
final class SqlExceptions {

    private SqlExceptions() {
    }

    /**
     * A copy of {@code e} with another message, of the same standard java.sql kind: applications, Spring's
     * exception translation and retry logic tell a timeout from a deadlock from a constraint violation by the
     * subclass, so a plain SQLException would lose what the database said. Driver-specific subclasses become
     * their standard parent; SQLState, vendor code and cause (the original) are kept.
     */
    static SQLException withMessage(SQLException e, String message) {
        String state = e.getSQLState();
        int code = e.getErrorCode();
        // Most specific first: each standard subclass before its parent.
        if (e instanceof SQLTimeoutException) {
            return new SQLTimeoutException(message, state, code, e);
        }
        if (e instanceof SQLTransactionRollbackException) {
            return new SQLTransactionRollbackException(message, state, code, e);
        }
        if (e instanceof SQLTransientConnectionException) {
            return new SQLTransientConnectionException(message, state, code, e);
        }
        if (e instanceof SQLTransientException) {
            return new SQLTransientException(message, state, code, e);
        }
        if (e instanceof SQLIntegrityConstraintViolationException) {
            return new SQLIntegrityConstraintViolationException(message, state, code, e);
        }
        if (e instanceof SQLSyntaxErrorException) {
            return new SQLSyntaxErrorException(message, state, code, e);
        }
        if (e instanceof SQLDataException) {
            return new SQLDataException(message, state, code, e);
        }
        if (e instanceof SQLFeatureNotSupportedException) {
            return new SQLFeatureNotSupportedException(message, state, code, e);
        }
        if (e instanceof SQLInvalidAuthorizationSpecException) {
            return new SQLInvalidAuthorizationSpecException(message, state, code, e);
        }
        if (e instanceof SQLNonTransientConnectionException) {
            return new SQLNonTransientConnectionException(message, state, code, e);
        }
        if (e instanceof SQLNonTransientException) {
            return new SQLNonTransientException(message, state, code, e);
        }
        if (e instanceof SQLRecoverableException) {
            return new SQLRecoverableException(message, state, code, e);
        }
        return new SQLException(message, state, code, e);
    }

    /** Closes each one, all of them even if some fail; the first failure is thrown with the others suppressed. */
    static void closeAll(Iterable<? extends AutoCloseable> resources) throws SQLException {
        SQLException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                SQLException error = e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), "HY000", e);
                if (failure == null) {
                    failure = error;
                } else {
                    failure.addSuppressed(error);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * An unchecked exception or a stack overflow from a driver or from Shard itself, as the SQLException every
     * JDBC caller expects: nothing else may leave a JDBC call (an in-process database such as H2 overflows its
     * own parser's stack on 5,000 nested NOTs, which a server would report as an error).
     */
    static SQLException unexpected(Throwable e, String sql) {
        String what = e instanceof StackOverflowError ? "the statement is nested too deeply to run"
                : "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
        return new SQLException(what + ": " + dev.shard.core.internal.sql.SqlText.abbreviate(sql), "HY000", e);
    }

    /** The first failure, with {@code next} added to it as suppressed. */
    static SQLException chain(SQLException first, SQLException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    static boolean isConnectionFailure(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    /** The same failure with the shard's name, keeping the JDBC class that callers may decide retries by. */
    static SQLException onShard(String shard, SQLException e) {
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

    /**
     * The failure of a statement that was running when its connection was aborted or its data source closed: what
     * the driver says then (a broken connection, on some shard) is only the consequence, so the cause is told.
     */
    static SQLException stopped(String reason, SQLException failure, String sql) {
        return new SQLException(reason + " while a statement was running; its physical connections were closed: "
                + dev.shard.core.internal.sql.SqlText.abbreviate(sql), "08003", failure);
    }
}
