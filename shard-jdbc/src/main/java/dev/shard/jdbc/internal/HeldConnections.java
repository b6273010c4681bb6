package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical connections one logical connection holds: at most one per shard of the topology it is pinned to,
 * each borrowed the first time a statement goes there. Indexes are that topology's shard indexes; re-pinning to
 * a newer topology moves every held connection to its shard's new index.
 *
 * <p>Only the logical connection's own thread uses it, except {@link #detachAll()}, which abort and the data
 * source's close call from another thread: changes to the held connections are synchronized for that, and no I/O
 * happens under the lock.
 */
final class HeldConnections {

    private Topology topology;
    private Connection[] physical;
    /** For each shard, how many savepoints existed when its physical connection was opened. */
    private int[] openedAtSavepointDepth;
    /** Set by {@link #detachAll()}: nothing is held any more, ever. */
    private boolean detached;

    HeldConnections(Topology topology) {
        pin(topology);
    }

    private void pin(Topology next) {
        topology = next;
        physical = new Connection[next.shardCount()];
        openedAtSavepointDepth = new int[next.shardCount()];
    }

    Topology topology() {
        return topology;
    }

    int size() {
        return physical.length;
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

    /** The only shard held, or -1 if none or several are. */
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

    /** The names of the shards held, in shard order. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (int shard = 0; shard < physical.length; shard++) {
            if (physical[shard] != null) {
                names.add(topology.shardName(shard));
            }
        }
        return names;
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
            for (int shard = 0; shard < held.length; shard++) {
                if (held[shard] == null) {
                    continue;
                }
                int index = next.indexOf(previous.shardName(shard));
                if (index >= 0 && !detached) {
                    physical[index] = held[shard];
                    openedAtSavepointDepth[index] = depths[shard];
                } else if (!detached) {
                    returned.add(held[shard]);
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
                    failed.add(topology.shardName(i));
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
        void apply(int shard, Connection connection) throws SQLException;
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
                released.add(new Held(topology, i, physical[i]));
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

    /** Closed without our closing it: the pool (or driver) saw a connection-level failure on it. */
    static boolean isBroken(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
