package dev.shard.core.config;

/**
 * How reads use read replicas (docs/replication.md): the health check, the lag bound, what happens with no usable
 * replica, and read-your-writes. Part of {@link Settings}; each is a key under {@code settings} of its own.
 *
 * @param maxReplicaLagMillis         a replica further behind its primary than this leaves the rotation; it comes
 *                                    back once it is at most half as far behind. Positive
 * @param replicaCheckMillis          how often each replica's health and lag are checked; 0 checks nothing (replicas
 *                                    stay in the rotation unless their breaker opens)
 * @param readsFallBackToPrimary      with no usable replica, a shard's reads go to its primary; false makes them fail
 *                                    instead, so that replica trouble cannot overload the primary
 * @param readYourWrites              after a connection writes on a shard, its reads from that shard's replicas first
 *                                    wait until the replica has applied the write (MariaDB or MySQL GTIDs)
 * @param readYourWritesTimeoutMillis how long such a read waits for the replica before it goes to the primary; 0 or
 *                                    more
 */
public record ReplicaSettings(long maxReplicaLagMillis, long replicaCheckMillis, boolean readsFallBackToPrimary,
                              boolean readYourWrites, long readYourWritesTimeoutMillis) {

    /** Ten seconds: a replica a few seconds behind under a write burst stays in; a stopped one is out at once. */
    public static final long DEFAULT_MAX_REPLICA_LAG_MILLIS = 10_000;
    /** One check a second: one round trip per replica per second, and a dead replica is out within about that. */
    public static final long DEFAULT_REPLICA_CHECK_MILLIS = 1_000;
    public static final long DEFAULT_READ_YOUR_WRITES_TIMEOUT_MILLIS = 1_000;

    private static final ReplicaSettings DEFAULTS = new ReplicaSettings(DEFAULT_MAX_REPLICA_LAG_MILLIS,
            DEFAULT_REPLICA_CHECK_MILLIS, true, false, DEFAULT_READ_YOUR_WRITES_TIMEOUT_MILLIS);

    public static ReplicaSettings defaults() {
        return DEFAULTS;
    }

    public ReplicaSettings withMaxReplicaLagMillis(long millis) {
        return new ReplicaSettings(millis, replicaCheckMillis, readsFallBackToPrimary, readYourWrites,
                readYourWritesTimeoutMillis);
    }

    public ReplicaSettings withReplicaCheckMillis(long millis) {
        return new ReplicaSettings(maxReplicaLagMillis, millis, readsFallBackToPrimary, readYourWrites,
                readYourWritesTimeoutMillis);
    }

    public ReplicaSettings withReadsFallBackToPrimary(boolean fallBack) {
        return new ReplicaSettings(maxReplicaLagMillis, replicaCheckMillis, fallBack, readYourWrites,
                readYourWritesTimeoutMillis);
    }

    public ReplicaSettings withReadYourWrites(boolean on) {
        return new ReplicaSettings(maxReplicaLagMillis, replicaCheckMillis, readsFallBackToPrimary, on,
                readYourWritesTimeoutMillis);
    }

    public ReplicaSettings withReadYourWritesTimeoutMillis(long millis) {
        return new ReplicaSettings(maxReplicaLagMillis, replicaCheckMillis, readsFallBackToPrimary, readYourWrites,
                millis);
    }

    /** The first problem, as a message naming the setting, or null. */
    String problem() {
        return SettingBounds.first(
                SettingBounds.positive("maxReplicaLagMillis", maxReplicaLagMillis),
                SettingBounds.zeroOrMore("replicaCheckMillis", replicaCheckMillis, "no checks"),
                SettingBounds.zeroOrMore("readYourWritesTimeoutMillis", readYourWritesTimeoutMillis, "no wait"));
    }
}
