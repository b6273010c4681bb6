package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which replica each borrowed replica connection came from. Code that cancels, discards or blames a physical
 * connection is told its shard; this says whether it is the shard's primary (not here) or one of its replicas, so
 * that a {@code KILL QUERY} goes to the server that runs the statement, an eviction to the pool that owns the
 * connection, and a failure to the replica's breaker rather than the primary's.
 *
 * <p>Weak keys: HikariCP hands out a new proxy object per borrow and drops it on close, so entries go with it.
 * Proxies do not override equals, so the map compares by identity.
 */
final class ReplicaConnections {

    private final Map<Connection, ReplicaSet.Replica> owners = Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * Whether any connection was registered: until then (no replicas configured, or none used yet) a lookup, which
     * every statement makes when it answers, takes no lock that all the application's threads would share.
     */
    private volatile boolean anyRegistered;

    void register(Connection connection, ReplicaSet.Replica replica) {
        anyRegistered = true;
        owners.put(connection, replica);
    }

    /** The replica a connection was borrowed from, or null for a primary's connection. */
    ReplicaSet.Replica of(Connection connection) {
        return connection == null || !anyRegistered ? null : owners.get(connection);
    }
}
