package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.shard.jdbc.ReplicaStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The health of one read replica, as its background check last saw it (see {@link ReplicaChecks}), and that check.
 *
 * <p>A check asks the replica, over a connection of its own (never one of the pool's, so that it does not queue
 * behind the application, and with a network timeout of about one interval), {@code SHOW REPLICA STATUS} (falling
 * back to {@code SHOW SLAVE STATUS} on servers that lack it): both replication threads must run, and the lag is
 * {@code Seconds_Behind_Master}. Lag comes from there, not from a heartbeat table: a heartbeat needs a writer on
 * the primary with write rights and a table in the application's schema, where this needs only the monitoring
 * privilege; its one-second resolution is enough for a bound meant to keep replicas that fell behind out of the
 * rotation, and reads that must see a connection's own writes have read-your-writes, which waits for the exact
 * GTID instead.
 *
 * <p>States: {@code UP} (in the rotation), {@code LAGGING} (behind by more than the bound), {@code STOPPED} (a
 * replication thread does not run, or the server is not a replica), {@code DOWN} (no answer, or the status cannot be
 * read). Hysteresis: a replica out for lag comes back once it is at most half the bound behind, so that one hovering
 * at the bound does not flap in and out with every check. Before its first check a replica is {@code UNCHECKED} and
 * in the rotation: the breaker keeps a dead one out meanwhile. A server that knows neither statement (H2 in tests)
 * is {@code UP} while it answers, its lag unknown.
 */
final class ReplicaHealth {

    /** What the last check saw; replaced whole, read without locking. */
    record Seen(ReplicaStatus.State state, long lagMillis, Instant since, String detail) {
    }

    private final String name;
    private final HikariDataSource pool;
    private final long maxLagMillis;
    private final int timeoutMillis;
    /** Whether the replica's primary is down now (its breaker is open): see {@link #fromStatus}. */
    private final java.util.function.BooleanSupplier primaryDown;
    private volatile Seen seen = new Seen(ReplicaStatus.State.UNCHECKED, -1, Instant.now(), "not checked yet");
    /** Only the check's own thread touches these (checks of one replica never overlap). */
    private Connection own;
    private String statusQuery = "SHOW REPLICA STATUS";

    ReplicaHealth(String name, HikariDataSource pool, long maxLagMillis, long intervalMillis,
                  java.util.function.BooleanSupplier primaryDown) {
        this.name = name;
        this.primaryDown = primaryDown;
        this.pool = pool;
        this.maxLagMillis = maxLagMillis;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1000, intervalMillis));
    }

    String name() {
        return name;
    }

    boolean inRotation() {
        ReplicaStatus.State state = seen.state();
        return state == ReplicaStatus.State.UP || state == ReplicaStatus.State.UNCHECKED;
    }

    Seen seen() {
        return seen;
    }

    /** One check; on the checks' threads only. */
    void check() {
        if (pool.isClosed()) {
            closeOwn();
            return;
        }
        Seen next;
        try {
            next = status(connection());
        } catch (SQLException | RuntimeException e) {
            closeOwn(); // a new connection next time: this one may be what broke
            next = new Seen(ReplicaStatus.State.DOWN, -1, null, "check failed: " + e.getMessage());
        }
        record(next);
    }

    /** Applies a check's result, with the hysteresis of the class comment; logs changes of state. */
    void record(Seen next) {
        Seen previous = seen;
        ReplicaStatus.State state = next.state();
        if (previous.state() == ReplicaStatus.State.LAGGING && state == ReplicaStatus.State.UP
                && next.lagMillis() > maxLagMillis / 2) {
            state = ReplicaStatus.State.LAGGING;
        }
        Instant since = state == previous.state() ? previous.since() : Instant.now();
        seen = new Seen(state, next.lagMillis(), since, next.detail());
        if (state != previous.state()) {
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReplicaHealth.class);
            if (state == ReplicaStatus.State.UP) {
                log.info("Replica {} is back in the rotation ({})", name, next.detail());
            } else {
                log.warn("Replica {} leaves the rotation: {} ({})", name, state, next.detail());
            }
        }
    }

    private Seen status(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            ResultSet rows;
            try {
                rows = statement.executeQuery(statusQuery);
            } catch (SQLException e) {
                if (!isSyntaxError(e)) {
                    throw e;
                }
                if (!statusQuery.startsWith("SHOW REPLICA")) {
                    statement.execute("SELECT 1"); // it answers; what it replicates, it cannot say
                    return new Seen(ReplicaStatus.State.UP, -1, null, "answers; the server has no replica status");
                }
                statusQuery = "SHOW SLAVE STATUS"; // MariaDB before 10.5, MySQL before 8.0.22
                return status(connection);
            }
            try (rows) {
                return fromStatus(rows);
            }
        }
    }

    /**
     * The state a status row shows. An IO thread that is {@code Connecting} (to a primary it lost) leaves the rotation
     * like a stopped one, since the primary may be taking writes the replica does not get, except while Shard itself
     * finds the primary down: then the replica has all there is, and serves reads rather than send them to a dead
     * primary.
     */
    Seen fromStatus(ResultSet rows) throws SQLException {
        if (!rows.next()) {
            return new Seen(ReplicaStatus.State.STOPPED, -1, null, "not a replica: " + statusQuery + " is empty");
        }
        ResultSetMetaData meta = rows.getMetaData();
        String io = column(rows, meta, "Slave_IO_Running", "Replica_IO_Running");
        String sql = column(rows, meta, "Slave_SQL_Running", "Replica_SQL_Running");
        String behind = column(rows, meta, "Seconds_Behind_Master", "Seconds_Behind_Source");
        boolean primaryGone = "Connecting".equalsIgnoreCase(io) && "Yes".equalsIgnoreCase(sql)
                && primaryDown.getAsBoolean();
        if (primaryGone) {
            return new Seen(ReplicaStatus.State.UP, -1, null, "IO thread Connecting while the primary is down: "
                    + "serves what it has applied");
        }
        if (!"Yes".equalsIgnoreCase(io) || !"Yes".equalsIgnoreCase(sql)) {
            String error = column(rows, meta, "Last_Error", "Last_SQL_Error");
            String ioError = column(rows, meta, "Last_IO_Error", "Last_IO_Error");
            return new Seen(ReplicaStatus.State.STOPPED, -1, null, "IO thread " + io + ", SQL thread " + sql
                    + (ioError == null || ioError.isEmpty() ? "" : ", IO error: " + ioError)
                    + (error == null || error.isEmpty() ? "" : ", SQL error: " + error));
        }
        // MySQL 8.0.22 renamed the columns of its SHOW REPLICA STATUS (Replica_*, *_Source); MariaDB kept them.
        String lagColumn = hasColumn(meta, "Seconds_Behind_Source") ? "Seconds_Behind_Source" : "Seconds_Behind_Master";
        if (behind == null) {
            return new Seen(ReplicaStatus.State.LAGGING, -1, null, "lag unknown (" + lagColumn + " is NULL)");
        }
        long lag = Long.parseLong(behind) * 1000;
        return new Seen(lag > maxLagMillis ? ReplicaStatus.State.LAGGING : ReplicaStatus.State.UP, lag, null,
                lagColumn + "=" + behind + ", bound " + maxLagMillis + " ms");
    }

    private static boolean hasColumn(ResultSetMetaData meta, String name) throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnLabel(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static String column(ResultSet rows, ResultSetMetaData meta, String name, String otherName)
            throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String label = meta.getColumnLabel(i);
            if (label.equalsIgnoreCase(name) || label.equalsIgnoreCase(otherName)) {
                return rows.getString(i);
            }
        }
        return null;
    }

    /** MySQL and MariaDB's 1064 (ER_PARSE_ERROR), SQLState 42000, and H2's syntax errors (42xxx). */
    private static boolean isSyntaxError(SQLException e) {
        return e.getErrorCode() == 1064 || (e.getSQLState() != null && e.getSQLState().startsWith("42")
                && e.getErrorCode() != 1227 && e.getErrorCode() != 1044 && e.getErrorCode() != 1045);
    }

    /** The check's own connection, made as HikariCP makes the pool's (its credentials if it has them). */
    private Connection connection() throws SQLException {
        if (own != null && !own.isClosed()) {
            return own;
        }
        if (!(pool.getHikariPoolMXBean() instanceof HikariPool hikari)) {
            throw new SQLException("the pool of " + name + " is not running", "08003");
        }
        javax.sql.DataSource server = hikari.getUnwrappedDataSource();
        Connection made = pool.getUsername() == null ? server.getConnection()
                : server.getConnection(pool.getUsername(), pool.getPassword());
        try {
            made.setNetworkTimeout(Runnable::run, timeoutMillis);
        } catch (SQLException | UnsupportedOperationException notSupported) {
            // H2 and some drivers: the check then waits on the driver's own socket timeout.
        }
        own = made;
        return made;
    }

    void closeOwn() {
        Connection connection = own;
        own = null;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // It was broken anyway.
            }
        }
    }
}
