package dev.shard.jdbc;

import java.time.Instant;
import java.util.Objects;

/**
 * One read replica as its background health check last saw it ({@link ShardingDataSource#replicaStatuses()}); no
 * database is asked for it. See docs/replication.md.
 *
 * @param name       the replica's name, {@code <data source>-replica<i>}
 * @param dataSource the data source it replicates
 * @param state      what the last check saw
 * @param lagMillis  how far behind its primary it was ({@code Seconds_Behind_Master}), -1 when unknown
 * @param since      when it entered this state
 * @param detail     what the check saw, in words, with configured secrets masked
 * @param inRotation whether reads go to it now: its state allows it and its circuit breaker is closed
 * @param pool       its connection pool
 */
public record ReplicaStatus(String name, String dataSource, State state, long lagMillis, Instant since,
                            String detail, boolean inRotation, PoolStatistics pool) {

    /** What a replica's check saw. */
    public enum State {
        /** Not checked yet (or checks are off): in the rotation. */
        UNCHECKED,
        /** Answers, replicates, and lags within {@code settings.maxReplicaLagMillis}. */
        UP,
        /** Further behind than the bound (or its lag is unknown). */
        LAGGING,
        /** A replication thread does not run, or the server is not a replica. */
        STOPPED,
        /** Does not answer, or its replication status cannot be read. */
        DOWN
    }

    public ReplicaStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
