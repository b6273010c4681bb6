package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import com.zaxxer.hikari.pool.ProxyConnection;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.route.ShardMap;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One version of the shard set: the data sources (by index, in the slot map's order), their pools, the slot map
 * that places keys on them, and a version number. Immutable; the runtime holds the current one in an atomic
 * reference and swaps in a new one when shards are added or keys move. A statement outside a transaction reads
 * it once and routes, runs and reports against that one; a transaction keeps the one it started with, so a
 * change never splits one transaction across two versions.
 */
final class Topology implements ShardMap {

    private final long version;
    private final SlotMap slotMap;
    private final List<String> names;
    private final List<HikariDataSource> pools;
    private final List<ShardBreaker> breakers;
    private final int defaultShard;
    /** The read replicas of each shard, in the same order ({@link ReplicaSet#NONE} for a shard without). */
    private final List<ReplicaSet> replicas;
    /** Which replica a connection came from; shared by every version, since connections outlive versions. */
    private final ReplicaConnections replicaConnections;
    /** How long each wait for a connection is while a shard is suspect (see {@link ShardBreaker}). */
    private static final long SUSPECT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * @param pools          one per name of the slot map, in its order
     * @param breakers       the health of each of those pools, in the same order
     * @param defaultSource  the data source where tables with no rule live
     * @param replicas       the read replicas of each of those pools, in the same order
     */
    Topology(long version, SlotMap slotMap, List<HikariDataSource> pools, List<ShardBreaker> breakers,
             String defaultSource, List<ReplicaSet> replicas, ReplicaConnections replicaConnections) {
        this.version = version;
        this.slotMap = slotMap;
        this.names = slotMap.shards();
        this.pools = List.copyOf(pools);
        this.breakers = List.copyOf(breakers);
        this.defaultShard = names.indexOf(defaultSource);
        this.replicas = List.copyOf(replicas);
        this.replicaConnections = replicaConnections;
        if (this.pools.size() != names.size() || this.breakers.size() != names.size() || defaultShard < 0
                || this.replicas.size() != names.size()) {
            throw new IllegalArgumentException("topology " + version + ": " + names.size() + " shards, "
                    + this.pools.size() + " pools, default " + defaultSource);
        }
    }

    long version() {
        return version;
    }

    SlotMap slotMap() {
        return slotMap;
    }

    List<String> names() {
        return names;
    }

    @Override
    public int shardCount() {
        return names.size();
    }

    @Override
    public int defaultShard() {
        return defaultShard;
    }

    @Override
    public int shardOf(Object value) {
        return slotMap.shardIndexOf(value);
    }

    @Override
    public String shardName(int shard) {
        return names.get(shard);
    }

    /** The index of a data source in this version, or -1 if it has none. */
    int indexOf(String name) {
        return names.indexOf(name);
    }

    HikariDataSource pool(int shard) {
        return pools.get(shard);
    }

    ShardBreaker breaker(int shard) {
        return breakers.get(shard);
    }

    /** The breaker of the server {@code connection} is on: the shard's primary, or the replica it came from. */
    ShardBreaker breaker(int shard, Connection connection) {
        ReplicaSet.Replica replica = replicaConnections.of(connection);
        return replica != null ? replica.breaker() : breakers.get(shard);
    }

    int replicaCount(int shard) {
        return replicas.get(shard).size();
    }

    ReplicaSet replicas(int shard) {
        return replicas.get(shard);
    }

    /**
     * A connection for a read that may go to a replica: the next usable replica of the shard (see
     * {@link ReplicaSet}), else the primary.
     */
    Connection borrowForRead(int shard, QueryDeadline deadline) throws SQLException {
        Connection replica = replicas.get(shard).borrow(deadline, replicaConnections);
        if (replica != null) {
            return replica;
        }
        if (!deadline.expired()) { // else the primary's borrow says that the statement's time is up
            replicas.get(shard).checkFallBack(shardName(shard));
        }
        return borrow(shard, Intent.WRITE, deadline);
    }

    /** Whether {@code connection} is on one of the shard's replicas rather than its primary. */
    boolean onReplica(Connection connection) {
        return replicaConnections.of(connection) != null;
    }

    /**
     * A physical connection to a shard's primary (a read that may go to a replica takes {@link #borrowForRead}).
     * The wait for the pool is bounded by its
     * {@code connectionTimeout} and by the statement's deadline, whichever comes first.
     *
     * @throws java.sql.SQLTimeoutException if the statement's deadline passed while waiting: the pool was busy,
     *                                      which does not open the shard's breaker
     */
    Connection borrow(int shard, Intent intent, QueryDeadline deadline) throws SQLException {
        ShardBreaker breaker = breakers.get(shard);
        breaker.check(); // a shard known to be down fails at once rather than queueing on its pool
        HikariDataSource pool = pools.get(shard);
        long remaining = deadline.remainingMillis();
        boolean cutShort = remaining < pool.getConnectionTimeout();
        long until = System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(Math.min(remaining, pool.getConnectionTimeout()));
        Connection connection;
        try {
            connection = borrowWhileSuspect(pool, breaker, until);
            if (connection == null && !breaker.isOpen()) {
                connection = borrowWithin(pool, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()));
            }
        } catch (SQLException e) {
            throw failedToBorrow(shard, breaker, cutShort, deadline, e);
        }
        if (connection == null) {
            breaker.check(); // it opened while this statement waited
            return borrow(shard, intent, deadline); // and closed again already
        }
        return connection;
    }

    /**
     * While a shard is suspect its breaker may open any moment: a wait in short slices ends then, rather than at
     * the statement's deadline. Null if no connection came before the breaker opened or the suspicion ended.
     */
    private static Connection borrowWhileSuspect(HikariDataSource pool, ShardBreaker breaker, long until)
            throws SQLException {
        while (breaker.isSuspect() && !breaker.isOpen() && until - System.nanoTime() > SUSPECT_SLICE_NANOS
                && !pool.isClosed()) {
            try {
                return borrowWithin(pool, TimeUnit.NANOSECONDS.toMillis(SUSPECT_SLICE_NANOS));
            } catch (SQLTransientConnectionException notYet) {
                // Another slice, unless the breaker has decided.
            }
        }
        return null;
    }

    private SQLException failedToBorrow(int shard, ShardBreaker breaker, boolean cutShort, QueryDeadline deadline,
                                        SQLException e) {
        if (cutShort && !pools.get(shard).isClosed()) {
            return deadline.expiredWhileBorrowing(shardName(shard), e);
        }
        breaker.failed("no connection: " + e.getMessage());
        // Same kind (HikariCP's pool timeout is an SQLTransientConnectionException, which callers may retry).
        return SqlExceptions.withMessage(e, "Cannot get a connection to shard " + shardName(shard) + ": "
                + e.getMessage());
    }

    /** A statement on the shard returned: its server answers (see {@link ShardBreaker#suspect}). */
    void answered(int shard) {
        breakers.get(shard).answered();
    }

    /** As {@link #answered(int)}, for a statement that may have run on a replica: that server answered. */
    void answered(int shard, java.sql.Statement statement) throws SQLException {
        // Every statement ends here: a shard without replicas needs no lookup of where the statement ran.
        ShardBreaker breaker = replicas.get(shard).size() == 0 ? breakers.get(shard)
                : breaker(shard, statement.getConnection());
        breaker.answered();
    }

    /** A connection for Shard's own use (a cancel), waiting at most {@code millis}; a failure opens no breaker. */
    Connection borrowWithin(int shard, long millis) throws SQLException {
        breakers.get(shard).check();
        return borrowWithin(pools.get(shard), millis);
    }

    /**
     * Another connection to the server {@code connection} is on (the shard's primary or the replica it came from),
     * for a cancel or a ping: waiting at most {@code millis}; a failure opens no breaker.
     */
    Connection borrowBeside(int shard, Connection connection, long millis) throws SQLException {
        ReplicaSet.Replica replica = replicaConnections.of(connection);
        if (replica == null) {
            return borrowWithin(shard, millis);
        }
        replica.breaker().check();
        return borrowWithin(replica.pool(), millis);
    }

    /** A connection from {@code pool}, waiting at most {@code millis} (HikariCP's own wait is connectionTimeout). */
    static Connection borrowWithin(HikariDataSource pool, long millis) throws SQLException {
        if (pool.isClosed() || !(pool.getHikariPoolMXBean() instanceof HikariPool hikari)) {
            return pool.getConnection(); // says that the pool is closed
        }
        if (millis <= 0) {
            throw new SQLTransientConnectionException(pool.getPoolName() + " - no time left to wait for a "
                    + "connection", "08001");
        }
        return hikari.getConnection(millis);
    }

    /**
     * Takes a physical connection out of its pool for good: it is broken, or a commit or rollback on it failed and
     * its transaction state is unknown, so it must not be handed out again. Evicting closes the driver's
     * connection, which makes the server roll back whatever it had not committed.
     */
    void discard(int shard, Connection connection) {
        ReplicaSet.Replica replica = replicaConnections.of(connection);
        HikariDataSource pool = replica != null ? replica.pool() : pools.get(shard);
        if (connection instanceof ProxyConnection && !pool.isClosed()) {
            // Not close(): that would roll back on a possibly dead link and return the connection to the pool.
            pool.evictConnection(connection);
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing is all that is left to do with it; the failure that led here is what gets reported.
        }
    }

    /** Why a physical connection is wanted: where a read may go depends on it once shards have replicas. */
    enum Intent {
        /** A statement that writes, or any statement while the data source has no replicas. */
        WRITE,
        /** A read outside a transaction: may be served by a replica. */
        READ,
        /**
         * A read inside a transaction: must see the transaction's own writes, so it stays on the primary; in a
         * read-only transaction there are none, and it may go to a replica.
         */
        READ_IN_TRANSACTION,
        /** A read that must run on the primary: a locking read, or one with the hint comment shard:primary. */
        READ_ON_PRIMARY
    }

    @Override
    public String toString() {
        return "Topology[version=" + version + ", shards=" + names + "]";
    }
}
