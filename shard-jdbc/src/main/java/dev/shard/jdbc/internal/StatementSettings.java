package dev.shard.jdbc.internal;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * The per-statement options an application sets on a logical statement (fetch size, max rows, query timeout,
 * max field size, escape processing), kept here and applied to every physical statement that runs for it (except
 * the query timeout, which {@link QueryDeadline} enforces).
 */
final class StatementSettings {

    private int fetchSize;
    private long maxRows;
    private int maxFieldSize;
    private int queryTimeout;
    private boolean escapeProcessing = true;
    /** Whether any option was ever set: until then every physical statement keeps the driver's defaults. */
    private boolean changed;

    int fetchSize() {
        return fetchSize;
    }

    void fetchSize(int rows) {
        // MySQL Connector/J streams row by row when given Integer.MIN_VALUE, so negative values pass through.
        fetchSize = rows;
        changed = true;
    }

    long maxRows() {
        return maxRows;
    }

    void maxRows(long max) throws SQLException {
        if (max < 0) {
            throw new SQLException("maxRows must not be negative: " + max, "HY024");
        }
        maxRows = max;
        changed = true;
    }

    int maxFieldSize() {
        return maxFieldSize;
    }

    void maxFieldSize(int max) throws SQLException {
        if (max < 0) {
            throw new SQLException("maxFieldSize must not be negative: " + max, "HY024");
        }
        maxFieldSize = max;
        changed = true;
    }

    int queryTimeout() {
        return queryTimeout;
    }

    void queryTimeout(int seconds) throws SQLException {
        if (seconds < 0) {
            throw new SQLException("queryTimeout must not be negative: " + seconds, "HY024");
        }
        queryTimeout = seconds;
        changed = true;
    }

    void escapeProcessing(boolean enable) {
        escapeProcessing = enable;
        changed = true;
    }

    /**
     * Applies the settings to a physical statement.
     *
     * @param withMaxRows false for the shards of a merged query: a shard cut to maxRows could drop rows (or
     *                    partial groups) the merged result needs; the merge applies maxRows itself
     * @param kept        whether the physical statement is kept between executions (a prepared statement's)
     */
    void applyTo(Statement physical, boolean withMaxRows, boolean kept) throws SQLException {
        // A fresh physical statement has the driver's defaults, so only changed settings need a call. A kept one
        // still holds what an earlier execution set, so a setting put back to its default (setMaxRows(0) after
        // setMaxRows(2)) must be applied too. Until an option is set at all, a kept statement has only ever had
        // defaults (setting them anyway costs a round of driver calls per execution; H2 even runs a SET
        // QUERY_TIMEOUT command).
        boolean reapply = kept && changed;
        if (fetchSize != 0 || reapply) {
            physical.setFetchSize(fetchSize);
        }
        if (withMaxRows && (maxRows != 0 || reapply)) {
            // PostgreSQL's driver does not implement setLargeMaxRows: the int call for what fits in an int.
            if (maxRows <= Integer.MAX_VALUE) {
                physical.setMaxRows((int) maxRows);
            } else {
                physical.setLargeMaxRows(maxRows);
            }
        }
        // The query timeout is not passed on: Shard enforces it (QueryDeadline). The driver's own timer would cancel
        // through Connector/J's Statement.cancel(), which holds a lock the statement's thread then waits on for as
        // long as a frozen server takes to refuse the cancel's new connection (30 s).
        if (maxFieldSize != 0 || reapply) {
            physical.setMaxFieldSize(maxFieldSize);
        }
        if (!escapeProcessing || reapply) {
            physical.setEscapeProcessing(escapeProcessing);
        }
    }
}
