package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Read-your-writes for one logical connection ({@code settings.readYourWrites}, docs/replication.md): after it
 * writes on a shard, its reads from that shard's replicas first wait until the replica has applied the write.
 *
 * <p>Lazy, so that connections that never write pay nothing, and so that every write path (statements, batches,
 * transactions) is covered by one mark: handing out the primary connection for a write marks the shard. The GTID
 * is read only when a read is about to go to a replica: {@code @@last_gtid} on the primary connection that wrote
 * (MariaDB: the last transaction this session logged, committed by then since reads go to a replica only outside
 * read-write transactions), or the primary's {@code @@gtid_binlog_pos} if that connection has been replaced. The
 * replica connection then runs {@code MASTER_GTID_WAIT(gtid, timeout)}; once it has the GTID, later reads on that
 * connection skip the wait until the next write. MySQL has neither: there the primary's
 * {@code @@global.gtid_executed} (every transaction committed on it, so this connection's write too) is waited for
 * with {@code WAIT_FOR_EXECUTED_GTID_SET}. A wait that times out, or a server without GTIDs, sends the read to the
 * primary.
 */
final class ReadYourWrites {

    private final double timeoutSeconds;
    /** By shard: the primary connection last handed out for a write, until its GTID is known. */
    private Connection[] wroteOn;
    /** By shard: the GTID to wait for, and the replica connection known to have applied it. */
    private String[] gtid;
    private Connection[] caughtUpOn;
    /** By shard: the function that waits for {@link #gtid} on a replica, MariaDB's or MySQL's. */
    private String[] waitFunction;

    private ReadYourWrites(long timeoutMillis) {
        this.timeoutSeconds = timeoutMillis / 1000.0;
    }

    /** For a new logical connection: null (nothing to do) unless {@code settings.readYourWrites}. */
    static ReadYourWrites of(dev.shard.core.config.ReplicaSettings settings) {
        return settings.readYourWrites() ? new ReadYourWrites(settings.readYourWritesTimeoutMillis()) : null;
    }

    /** A shard's primary connection was handed out for a write. */
    void wrote(int shard, int shards, Connection primary) {
        if (wroteOn == null || wroteOn.length != shards) {
            wroteOn = new Connection[shards];
            gtid = new String[shards];
            caughtUpOn = new Connection[shards];
            waitFunction = new String[shards];
        }
        wroteOn[shard] = primary;
        caughtUpOn[shard] = null;
    }

    /**
     * Whether {@code read} (a replica connection, or the primary's when no replica was usable) may serve a read of
     * the shard: it has applied this connection's last write there, waiting for it if needed.
     *
     * @param primary the connection's primary connection on the shard now, or null
     */
    boolean mayRead(int shard, Connection read, Connection primary, Topology topology) throws SQLException {
        if (wroteOn == null || shard >= wroteOn.length || (wroteOn[shard] == null && gtid[shard] == null)
                || read == caughtUpOn[shard] || !topology.onReplica(read)) {
            return true;
        }
        if (wroteOn[shard] != null) {
            if (primary == null) {
                return false; // the write's connection is gone, and no other one is at hand: read the primary
            }
            boolean mariaDb = isMariaDb(primary);
            String variable = !mariaDb ? "@@global.gtid_executed"
                    : primary == wroteOn[shard] ? "@@last_gtid" : "@@global.gtid_binlog_pos";
            try (Statement statement = primary.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT " + variable)) {
                gtid[shard] = rows.next() ? rows.getString(1) : null;
            } catch (SQLException e) {
                if (SqlExceptions.isConnectionFailure(e)) {
                    throw e;
                }
                return false; // a server without these GTIDs: reads after writes go to the primary
            }
            wroteOn[shard] = null;
            if (gtid[shard] == null || gtid[shard].isEmpty()) {
                gtid[shard] = null;
                // MariaDB: this session logged nothing, so there is nothing to wait for. MySQL: GTIDs are off
                // (gtid_mode), and a replica's progress cannot be compared with the write: read the primary.
                return mariaDb;
            }
            waitFunction[shard] = mariaDb ? "MASTER_GTID_WAIT" : "WAIT_FOR_EXECUTED_GTID_SET";
        }
        // Both return 0 once the replica has applied the GTIDs, 1 (MariaDB -1) at the timeout, NULL on error.
        try (PreparedStatement wait = read.prepareStatement("SELECT " + waitFunction[shard] + "(?, ?)")) {
            wait.setString(1, gtid[shard]);
            wait.setDouble(2, timeoutSeconds);
            try (ResultSet rows = wait.executeQuery()) {
                if (rows.next() && rows.getInt(1) == 0 && !rows.wasNull()) {
                    caughtUpOn[shard] = read;
                    return true;
                }
                return false;
            }
        } catch (SQLException e) {
            if (SqlExceptions.isConnectionFailure(e)) {
                throw e;
            }
            return false;
        }
    }

    /**
     * MariaDB's GTIDs or MySQL's, told by the server's version string (Connector/J and the MariaDB driver both keep
     * it from the handshake: no round trip).
     */
    private static boolean isMariaDb(Connection primary) throws SQLException {
        return primary.getMetaData().getDatabaseProductVersion().toLowerCase(java.util.Locale.ROOT)
                .contains("mariadb");
    }
}
