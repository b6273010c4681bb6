package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical connections one logical connection holds: at most one per shard of the topology it is pinned to,
 * each borrowed the first time a statement goes there. Indexes are that topology's shard indexes; re-pinning to
 * a newer topology moves every held connection to its shard's new index.
 */
final class HeldConnections {

    private Topology topology;
    private Connection[] physical;
    /** For each shard, how many savepoints existed when its physical connection was opened. */
    private int[] openedAtSavepointDepth;

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

    void hold(int shard, Connection connection, int savepointDepth) {
        physical[shard] = connection;
        openedAtSavepointDepth[shard] = savepointDepth;
    }

    /** Stops holding a shard's connection and returns it (null if none was held). */
    Connection release(int shard) {
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
        Topology previous = topology;
        Connection[] held = physical;
        int[] depths = openedAtSavepointDepth;
        pin(next);
        List<Connection> returned = new ArrayList<>();
        SQLException failure = null;
        for (int shard = 0; shard < held.length; shard++) {
            if (held[shard] == null) {
                continue;
            }
            int index = next.indexOf(previous.shardName(shard));
            if (index >= 0) {
                hold(index, held[shard], depths[shard]);
                continue;
            }
            returned.add(held[shard]);
            try {
                held[shard].close();
            } catch (SQLException e) {
                failure = SqlExceptions.chain(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
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
        for (int i = 0; i < physical.length; i++) {
            Connection connection = release(i);
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    failure = SqlExceptions.chain(failure, e);
                }
            }
        }
        return failure;
    }

    void abortAll(java.util.concurrent.Executor executor) throws SQLException {
        for (int i = 0; i < physical.length; i++) {
            Connection connection = release(i);
            if (connection != null) {
                connection.abort(executor);
            }
        }
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
