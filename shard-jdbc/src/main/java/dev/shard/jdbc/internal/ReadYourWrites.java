package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

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
 * with {@code WAIT_FOR_EXECUTED_GTID_SET}. A wait that times out sends that read to the primary; a server whose
 * write cannot be compared with a replica's progress (MySQL with {@code gtid_mode} off, a server without these
 * variables) sends every read of the shard to the primary until the connection's next write there.
 */
final class ReadYourWrites {

    /** The GTIDs a shard's servers keep: how to learn a write's and how to wait for them on a replica. */
    enum Gtids {
        MARIADB, MYSQL;

        /** Told by the server's version string: MariaDB's says so (through either driver); MySQL's does not. */
        static Gtids ofVersion(String productVersion) {
            return productVersion != null && productVersion.toLowerCase(Locale.ROOT).contains("mariadb")
                    ? MARIADB : MYSQL;
        }

        /** What to read on the primary after a write: on the connection that wrote, or on another one. */
        String writeQuery(boolean onWritingConnection) {
            if (this == MYSQL) {
                return "SELECT @@global.gtid_executed";
            }
            return onWritingConnection ? "SELECT @@last_gtid" : "SELECT @@global.gtid_binlog_pos";
        }

        /**
         * The replica's wait, with the GTIDs and the timeout in seconds as parameters where it takes one.
         * MySQL's {@code WAIT_FOR_EXECUTED_GTID_SET} waits without end for a timeout of 0 (MariaDB's
         * {@code MASTER_GTID_WAIT} does not wait at all), so a timeout of 0 on MySQL asks {@code GTID_SUBSET}
         * instead, which only looks.
         */
        String waitQuery(long timeoutMillis) {
            if (this == MARIADB) {
                return "SELECT MASTER_GTID_WAIT(?, ?)";
            }
            return timeoutMillis > 0 ? "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)"
                    : "SELECT GTID_SUBSET(?, @@global.gtid_executed)";
        }

        /**
         * Whether the wait's answer says the replica has the GTIDs: {@code MASTER_GTID_WAIT} and
         * {@code WAIT_FOR_EXECUTED_GTID_SET} return 0 (at the timeout -1 and 1), {@code GTID_SUBSET} returns 1;
         * NULL is an error.
         */
        boolean applied(long timeoutMillis, int answer, boolean wasNull) {
            return !wasNull && answer == (this == MYSQL && timeoutMillis <= 0 ? 1 : 0);
        }

        /**
         * Whether a write whose GTID reads empty needs no wait: on MariaDB the session logged nothing; on MySQL
         * {@code gtid_mode} is off, and a replica's progress cannot be compared with the write.
         */
        boolean emptyMeansNothingToWaitFor() {
            return this == MARIADB;
        }
    }

    private final long timeoutMillis;
    /** By shard: the primary connection last handed out for a write, until its GTID is known. */
    private Connection[] wroteOn;
    /** By shard: the GTID to wait for, and the replica connection known to have applied it. */
    private String[] gtid;
    private Connection[] caughtUpOn;
    /** By shard: the GTIDs of {@link #gtid}, MariaDB's or MySQL's. */
    private Gtids[] kind;
    /** By shard: the last write cannot be compared with a replica's progress; the primary reads until the next. */
    private boolean[] primaryOnly;

    ReadYourWrites(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
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
            kind = new Gtids[shards];
            primaryOnly = new boolean[shards];
        }
        wroteOn[shard] = primary;
        caughtUpOn[shard] = null;
        primaryOnly[shard] = false;
    }

    /**
     * Whether {@code read} (a replica connection, or the primary's when no replica was usable) may serve a read of
     * the shard: it has applied this connection's last write there, waiting for it if needed.
     *
     * @param primary the connection's primary connection on the shard now, or null
     */
    boolean mayRead(int shard, Connection read, Connection primary, Topology topology) throws SQLException {
        if (nothingToWaitFor(shard) || read == caughtUpOn[shard]) {
            return true;
        }
        return mayRead(shard, read, topology.onReplica(read), primary, topology.replicas(shard));
    }

    private boolean nothingToWaitFor(int shard) {
        return wroteOn == null || shard >= wroteOn.length
                || (wroteOn[shard] == null && gtid[shard] == null && !primaryOnly[shard]);
    }

    /**
     * {@link #mayRead(int, Connection, Connection, Topology)} with what the topology knows.
     *
     * @param replicas the shard's replicas, which keep what kind of GTIDs the shard's servers have once asked
     */
    boolean mayRead(int shard, Connection read, boolean onReplica, Connection primary, ReplicaSet replicas)
            throws SQLException {
        if (nothingToWaitFor(shard) || read == caughtUpOn[shard] || !onReplica) {
            return true;
        }
        if (primaryOnly[shard]) {
            return false;
        }
        if (wroteOn[shard] != null) {
            if (primary == null) {
                return false; // the write's connection is gone, and no other one is at hand: read the primary
            }
            Gtids gtids = replicas.gtids();
            if (gtids == null) {
                // Once per shard and topology version: the driver's metadata is an object (HikariCP wraps it too)
                // that the first read after every write would otherwise make again.
                gtids = Gtids.ofVersion(primary.getMetaData().getDatabaseProductVersion());
                replicas.gtids(gtids);
            }
            String written;
            boolean comparable = true;
            try (Statement statement = primary.createStatement();
                 ResultSet rows = statement.executeQuery(gtids.writeQuery(primary == wroteOn[shard]))) {
                written = rows.next() ? rows.getString(1) : null;
            } catch (SQLException e) {
                if (SqlExceptions.isConnectionFailure(e)) {
                    throw e;
                }
                written = null;
                comparable = false; // a server without these GTIDs
            }
            wroteOn[shard] = null;
            if (written == null || written.isEmpty()) {
                gtid[shard] = null;
                primaryOnly[shard] = !comparable || !gtids.emptyMeansNothingToWaitFor();
                return !primaryOnly[shard];
            }
            gtid[shard] = written;
            kind[shard] = gtids;
        }
        try (PreparedStatement wait = read.prepareStatement(kind[shard].waitQuery(timeoutMillis))) {
            wait.setString(1, gtid[shard]);
            if (kind[shard] == Gtids.MARIADB || timeoutMillis > 0) {
                wait.setDouble(2, timeoutMillis / 1000.0);
            }
            try (ResultSet rows = wait.executeQuery()) {
                if (rows.next() && kind[shard].applied(timeoutMillis, rows.getInt(1), rows.wasNull())) {
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
}
