package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.Execution;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * What the last execution of a logical statement left for the application to read: its result set or update
 * count, the keys Shard generated, and the physical statement of a one-shard execution (for warnings, more
 * results and the driver's generated keys), which stays current until the next execution or close.
 */
final class StatementOutcome {

    /** The physical statement that ran last (one-shard executions), or null; read by cancel() on other threads. */
    private volatile Statement current;
    /** The physical connection {@link #current} ran on. */
    private Connection currentConnection;
    private ResultSet resultSet;
    /** The statement running on several shards, while its result is open; cancel() reaches all of them. */
    private volatile ScatterExecution scatter;
    private long updateCount = -1;
    private GeneratedKeys requestedKeys = GeneratedKeys.NONE;
    /** Keys Shard generated for the last INSERT, one per row in row order. */
    private Execution.GeneratedValues generated = Execution.GeneratedValues.NONE;

    /** A new execution starts: what the caller asked of generated keys, and none made yet. */
    void starting(GeneratedKeys keys) {
        requestedKeys = keys;
        generated = Execution.GeneratedValues.NONE;
    }

    void generated(Execution.GeneratedValues keys) {
        generated = keys;
    }

    Execution.GeneratedValues generated() {
        return generated;
    }

    /** A one-shard execution ran on this physical statement. */
    void ranOn(Statement physical, Connection on) {
        current = physical;
        currentConnection = on;
    }

    void resultIs(ResultSet result) {
        resultSet = result;
    }

    void updateCountIs(long count) {
        updateCount = count;
    }

    /** A statement that is running and that cancel() should reach, or null once it is done. */
    void cancelReaches(Statement running) {
        current = running;
    }

    /** A statement is running on several shards (null: no longer); cancel() reaches all of them. */
    void scatterRunning(ScatterExecution execution) {
        scatter = execution;
    }

    void scatterFinished(ScatterExecution execution) {
        if (scatter == execution) {
            scatter = null;
        }
    }

    ResultSet resultSet() {
        return resultSet;
    }

    long updateCount() {
        return updateCount;
    }

    Statement current() {
        return current;
    }

    /**
     * Closes the previous execution's result set, and its physical statement if the logical statement does not
     * keep it.
     */
    void clear(boolean closePhysical) throws SQLException {
        closeResultSet();
        Statement physical = current;
        if (physical != null && closePhysical) {
            physical.close();
        }
        current = null;
        updateCount = -1;
    }

    private void closeResultSet() {
        if (resultSet instanceof ShardResultSet single) {
            single.closeQuietly();
        } else if (resultSet instanceof MergedResultSet merged) {
            merged.closeQuietly();
        }
        resultSet = null;
    }

    /** The physical connection was discarded, and its statements with it: forget the one that ran there. */
    void connectionDiscarded(Connection discarded) {
        if (currentConnection == discarded) {
            current = null;
            currentConnection = null;
        }
    }

    boolean moreResults(int how, ShardStatement owner) throws SQLException {
        closeResultSet();
        Statement physical = current;
        if (physical != null && physical.getMoreResults(how)) {
            resultSet = new ShardResultSet(physical.getResultSet(), owner);
            return true;
        }
        updateCount = physical == null ? -1 : physical.getUpdateCount();
        return false;
    }

    ResultSet generatedKeys(ShardStatement owner) throws SQLException {
        if (generated.any() && requestedKeys.wanted()) {
            return GeneratedKeysResultSet.of(owner, generated.column(), generated.keys().toArray());
        }
        if (!requestedKeys.wanted()) {
            throw new SQLException("Generated keys were not requested for the last statement; pass "
                    + "Statement.RETURN_GENERATED_KEYS or key columns when executing it", "HY000");
        }
        Statement physical = current;
        if (physical == null) {
            // Each shard's AUTO_INCREMENT counts on its own, so their keys would not identify rows across shards.
            throw new SQLException("No generated keys from the last execution: it ran on several shards or as a"
                    + " batch, and per-shard AUTO_INCREMENT keys are neither unique across shards nor returned;"
                    + " configure a keyGenerator for the table to get keys back", "HY000");
        }
        return new ShardResultSet(physical.getGeneratedKeys(), owner);
    }

    /** Statement.cancel(), from any thread: the running physical statement, or every shard of a scatter. */
    void cancel() throws SQLException {
        Statement running = current;
        if (running != null) {
            running.cancel();
        }
        ScatterExecution scattered = scatter;
        if (scattered != null) {
            scattered.cancelAll();
        }
    }

    SQLWarning warnings() throws SQLException {
        Statement physical = current;
        return physical == null ? null : physical.getWarnings();
    }

    void clearWarnings() throws SQLException {
        Statement physical = current;
        if (physical != null) {
            physical.clearWarnings();
        }
    }
}
