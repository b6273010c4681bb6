package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The read replicas of one shard, and which of them the next read goes to.
 *
 * <p>Round robin, not least busy: a logical connection keeps the replica connection it borrowed for its following
 * reads (as it keeps its primary connection), so the choice is made once per logical connection and shard, where
 * "busy" says little about the statements still to come; round robin spreads connections evenly, costs one atomic
 * increment, and is easy to predict in tests and incidents.
 *
 * <p>{@link #borrow} skips a replica whose breaker is open (it failed to give a connection, or a statement lost its
 * connection there) until a probe gets through, and one whose health check keeps it out of the rotation (down,
 * stopped, lagging: {@link ReplicaHealth}). With no replica usable, the caller reads from the primary, unless
 * {@code settings.readsFallBackToPrimary} is false.
 */
final class ReplicaSet {

    static final ReplicaSet NONE = new ReplicaSet(List.of(), true);

    /** One replica: its name in logs ({@code ds0-replica0}), its pool, its breaker and its health check. */
    record Replica(String name, HikariDataSource pool, ShardBreaker breaker, ReplicaHealth health) {

        boolean inRotation() {
            return !breaker.isOpen() && health.inRotation() && !pool.isClosed();
        }
    }

    private final List<Replica> replicas;
    private final boolean fallBackToPrimary;
    private final AtomicInteger next = new AtomicInteger();
    /** The shard's kind of GTIDs once read-your-writes has asked its primary, or null; a benign race. */
    private volatile ReadYourWrites.Gtids gtids;

    ReplicaSet(List<Replica> replicas, boolean fallBackToPrimary) {
        this.replicas = List.copyOf(replicas);
        this.fallBackToPrimary = fallBackToPrimary;
    }

    /** Whether a read would go to a replica now: one is in the rotation, or reads may not fall back anyway. */
    boolean wouldServeReads() {
        return !fallBackToPrimary || replicas.stream().anyMatch(Replica::inRotation);
    }

    /**
     * With no usable replica: fine when reads may fall back to the primary ({@code settings.readsFallBackToPrimary}).
     *
     * @throws java.sql.SQLTransientConnectionException naming the shard and each replica's state otherwise
     */
    void checkFallBack(String shard) throws SQLException {
        if (fallBackToPrimary) {
            return;
        }
        StringBuilder states = new StringBuilder();
        for (Replica replica : replicas) {
            states.append(states.isEmpty() ? "" : "; ").append(replica.name()).append(' ')
                    .append(replica.breaker().isOpen() ? "breaker open" : replica.health().seen().state());
        }
        throw new java.sql.SQLTransientConnectionException("No usable replica of shard " + shard + " (" + states
                + ") and settings.readsFallBackToPrimary is false: the read is not sent to the primary", "08001");
    }

    int size() {
        return replicas.size();
    }

    List<Replica> replicas() {
        return replicas;
    }

    ReadYourWrites.Gtids gtids() {
        return gtids;
    }

    void gtids(ReadYourWrites.Gtids known) {
        gtids = known;
    }

    /**
     * A connection to the next usable replica, each tried at most once, each wait bounded by its pool's
     * {@code connectionTimeout} and the statement's deadline; null when none gives one (the read goes to the
     * primary). A replica that gives none is marked down (its breaker opens), so that later reads skip it at once.
     */
    Connection borrow(QueryDeadline deadline, ReplicaConnections owners) {
        int start = Math.floorMod(next.getAndIncrement(), Math.max(1, replicas.size()));
        for (int i = 0; i < replicas.size(); i++) {
            Replica replica = replicas.get((start + i) % replicas.size());
            if (!replica.inRotation()) {
                continue;
            }
            long wait = Math.min(deadline.remainingMillis(), replica.pool().getConnectionTimeout());
            if (wait <= 0) {
                return null; // the statement's time is up: the primary's borrow says so
            }
            try {
                Connection connection = Topology.borrowWithin(replica.pool(), wait);
                owners.register(connection, replica);
                return connection;
            } catch (SQLException e) {
                if (deadline.expired()) {
                    return null;
                }
                replica.breaker().failed("no connection: " + e.getMessage());
            }
        }
        return null;
    }
}
