package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical connections one logical connection holds: at most two per shard of the topology it is pinned to,
 * each borrowed the first time a statement needs it. They sit in slots: slot {@code shard} is the connection for
 * writes and for every statement of a read-write transaction (on the primary); slot {@link #readSlot(int)} is the
 * one for reads that may go to a replica (outside transactions, and in read-only ones). Shards without replicas
 * only ever use the first. Indexes are that topology's shard indexes; re-pinning to a newer topology moves every
 * held connection to its shard's new slot.
 *
 * <p>Only the logical connection's own thread uses it, except {@link #detachAll()}, which abort and the data
 * source's close call from another thread: changes to the held connections are synchronized for that, and no I/O
 * happens under the lock.
 */
final class HeldConnections {

    private Topology topology;
    /** By slot: {@code shard} for the primary's, {@code shardCount + shard} for reads. */
    private Connection[] physical;
    /** For each shard, the slot of the connection its last statement was handed (see {@link #served}). */
    private int[] served;
    /** For each shard, how many savepoints existed when its physical connection was opened. */
    private int[] openedAtSavepointDepth;
    /** Set by {@link #detachAll()}: nothing is held any more, ever. */
    private boolean detached;

    HeldConnections(Topology topology) {
        pin(topology);
    }

    private void pin(Topology next) {
        topology = next;
        physical = new Connection[2 * next.shardCount()];
        openedAtSavepointDepth = new int[2 * next.shardCount()];
        served = new int[next.shardCount()];
        for (int shard = 0; shard < served.length; shard++) {
            served[shard] = shard;
        }
    }

    Topology topology() {
        return topology;
    }

    /** The number of slots: twice the number of shards. */
    int size() {
        return physical.length;
    }

    /** The slot of the connection that serves a shard's reads when they may go to a replica. */
    int readSlot(int shard) {
        return topology.shardCount() + shard;
    }

    int shardOf(int slot) {
        return slot % topology.shardCount();
    }

    /** The shard a slot serves, for messages: a read slot is marked, since it may be on a replica. */
    String name(int slot) {
        String shard = topology.shardName(shardOf(slot));
        return slot < topology.shardCount() ? shard : shard + " (read connection)";
    }

    /** Records that a statement on the shard was handed the connection in {@code slot}. */
    void serve(int shard, int slot) {
        served[shard] = slot;
    }

    /** The connection the last statement on the shard was handed (null if it has been given up since). */
    Connection served(int shard) {
        return physical[served[shard]];
    }

    /** Whether either of a shard's slots holds a connection. */
    boolean holdsAny(int shard) {
        return physical[shard] != null || physical[readSlot(shard)] != null;
    }

    Connection get(int shard) {
        return physical[shard];
    }

    boolean holds(int shard) {
        return physical[shard] != null;
    }

    /** @return false, holding nothing, if the connections were detached (the caller must dispose of it) */
    synchronized boolean hold(int shard, Connection connection, int savepointDepth) {
        if (detached) {
            return false;
        }
        physical[shard] = connection;
        openedAtSavepointDepth[shard] = savepointDepth;
        return true;
    }

    /** Stops holding a shard's connection and returns it (null if none was held). */
    synchronized Connection release(int shard) {
        Connection connection = physical[shard];
        physical[shard] = null;
        return connection;
    }

    int openedAtSavepointDepth(int shard) {
        return openedAtSavepointDepth[shard];
    }

    boolean any() {
        for (Connection connection : physical) {
            if (connection != null) {
                return true;
            }
        }
        return false;
    }

    /** The only slot held, or -1 if none or several are. */
    int single() {
        int found = -1;
        for (int shard = 0; shard < physical.length; shard++) {
            if (physical[shard] != null) {
                if (found >= 0) {
                    return -1;
                }
                found = shard;
            }
        }
        return found;
    }

    /**
     * Pins a newer topology. A held connection keeps serving its data source at that source's new index; one
     * whose data source the new topology does not have is returned to its pool (only done between
     * transactions, so no work goes with it).
     *
     * @return the connections returned, so that statements can forget what they prepared on them
     */
    List<Connection> repin(Topology next) throws SQLException {
        List<Connection> returned = new ArrayList<>();
        synchronized (this) {
            Topology previous = topology;
            Connection[] held = physical;
            int[] depths = openedAtSavepointDepth;
            pin(next);
            for (int slot = 0; slot < held.length; slot++) {
                if (held[slot] == null) {
                    continue;
                }
                int shards = previous.shardCount();
                int index = next.indexOf(previous.shardName(slot % shards));
                if (index >= 0 && !detached) {
                    int moved = slot < shards ? index : readSlot(index);
                    physical[moved] = held[slot];
                    openedAtSavepointDepth[moved] = depths[slot];
                } else if (!detached) {
                    returned.add(held[slot]);
                }
            }
        }
        SqlExceptions.closeAll(returned);
        return returned;
    }

    /** Runs an action on every open physical connection; all are attempted, the first error carries the rest. */
    void forEach(String what, PhysicalAction action) throws SQLException {
        SQLException failure = null;
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                try {
                    action.apply(i, physical[i]);
                } catch (SQLException e) {
                    failed.add(name(i));
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw new SQLException(what + " failed on shard(s) " + failed + ": " + failure.getMessage(),
                    failure.getSQLState(), failure.getErrorCode(), failure);
        }
    }

    @FunctionalInterface
    interface PhysicalAction {
        void apply(int slot, Connection connection) throws SQLException;
    }

    /**
     * Gives the read slots' connections back to their pools: done as a transaction starts, since outside one they
     * carry no work, and a transaction that is not read-only has no use for them.
     *
     * @return the connections returned, so that statements can forget what they prepared on them
     */
    List<Connection> returnReads() throws SQLException {
        List<Connection> returned = new ArrayList<>();
        synchronized (this) {
            for (int slot = topology.shardCount(); slot < physical.length; slot++) {
                if (physical[slot] != null) {
                    returned.add(physical[slot]);
                    physical[slot] = null;
                }
            }
        }
        SqlExceptions.closeAll(returned);
        return returned;
    }

    /** Every held connection goes back to its pool (HikariCP rolls back uncommitted work), whatever the others do. */
    SQLException returnAll(SQLException failure) {
        List<Connection> returned = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < physical.length; i++) {
                if (physical[i] != null) {
                    returned.add(physical[i]);
                    physical[i] = null;
                }
            }
        }
        for (Connection connection : returned) {
            try {
                connection.close();
            } catch (SQLException e) {
                failure = SqlExceptions.chain(failure, e);
            }
        }
        return failure;
    }

    /** A connection given up by {@link #detachAll()}, with where it came from. */
    record Held(Topology topology, int shard, Connection connection) {
    }

    /**
     * From any thread: stops holding every connection, for good (a later {@link #hold} is refused), and returns
     * them for the caller to dispose of.
     */
    synchronized List<Held> detachAll() {
        detached = true;
        List<Held> released = new ArrayList<>();
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                released.add(new Held(topology, shardOf(i), physical[i]));
                physical[i] = null;
            }
        }
        return released;
    }

    /** Whether every held connection is valid; null when none is held. */
    Boolean allValid(int timeout) throws SQLException {
        Boolean valid = null;
        for (Connection connection : physical) {
            if (connection != null) {
                if (!connection.isValid(timeout)) {
                    return false;
                }
                valid = true;
            }
        }
        return valid;
    }

    /** The warnings of every held connection, chained in shard order. */
    java.sql.SQLWarning warnings() throws SQLException {
        java.sql.SQLWarning head = null;
        for (Connection connection : physical) {
            if (connection != null) {
                java.sql.SQLWarning warning = connection.getWarnings();
                if (warning != null) {
                    if (head == null) {
                        head = warning;
                    } else {
                        head.setNextWarning(warning);
                    }
                }
            }
        }
        return head;
    }

    /** A shard this connection already holds, else the default one: any shard serves broadcast reads. */
    int preferredShardForAnyOne() {
        int preferred = topology.defaultShard();
        if (holds(preferred)) {
            return preferred;
        }
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                return shardOf(i);
            }
        }
        return preferred;
    }

    /**
     * Drops the read connections that are on a replica and broken (a failure closed them), and opens those
     * replicas' breakers, so that the next borrow skips them.
     *
     * @return whether there was any
     */
    boolean dropBrokenReplicaReads(String cause, java.util.function.IntConsumer discard) {
        boolean any = false;
        for (int slot = topology.shardCount(); slot < physical.length; slot++) {
            Connection connection = physical[slot];
            if (connection != null && topology.onReplica(connection) && isBroken(connection)) {
                topology.breaker(shardOf(slot), connection).failed("connection lost: " + cause);
                discard.accept(slot);
                any = true;
            }
        }
        return any;
    }

    /** Closed without our closing it: the pool (or driver) saw a connection-level failure on it. */
    static boolean isBroken(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
