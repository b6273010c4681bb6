package dev.shard.core.config;

/**
 * Tuning knobs that are not about topology.
 *
 * @param parseCacheSize         entries kept in the SQL analysis cache; 0 disables caching
 * @param parseTimeoutMillis     upper bound on analysing one statement, so one pathological statement cannot pin a
 *                               thread; must be positive
 * @param workerId               this process's Snowflake worker id, {@value #MIN_WORKER_ID}..{@value #MAX_WORKER_ID}.
 *                               Every process writing the same tables needs its own, or generated keys collide.
 * @param maxClockBackwardMillis how long a Snowflake generator waits for a clock that moved back before it refuses
 *                               to generate; 0 or more
 * @param sequentialScatterBelowMicros a statement that runs on several shards runs them one after another on the
 *                               calling thread, instead of in parallel on Shard's threads, while its shard
 *                               statements have recently taken less than this many microseconds together: handing
 *                               work to another thread costs more than such statements. The shards of a prepared
 *                               statement's batch are paced the same way. 0 means always parallel
 * @param storeSlotMap           keep the slot map in force in a metadata table (see docs/resharding.md), so that
 *                               adding a data source moves no row and every instance routes by the same map; false
 *                               routes by the map the configuration implies. On by default
 * @param metadataDataSource     the data source holding that table; null for the default data source
 * @param slotMapPollMillis      how often each instance checks the stored map's version; positive
 * @param metadataLeaseMillis    an instance whose last successful read of the metadata is older than this refuses
 *                               every write to sharded and broadcast tables until a read succeeds (a reshard may
 *                               have switched without it); more than twice slotMapPollMillis
 * @param reshardWriteHoldMillis how long a write to a moving slot waits while a reshard switches before it fails
 *                               with an SQLTransientException; positive
 * @param replicas               how reads use read replicas (health, lag bound, read-your-writes)
 */
public record Settings(int parseCacheSize, long parseTimeoutMillis, int workerId, long maxClockBackwardMillis,
                       long sequentialScatterBelowMicros, boolean storeSlotMap, String metadataDataSource,
                       long slotMapPollMillis, long metadataLeaseMillis, long reshardWriteHoldMillis,
                       ReplicaSettings replicas) {

    public static final int DEFAULT_PARSE_CACHE_SIZE = 10_000;
    public static final long DEFAULT_PARSE_TIMEOUT_MILLIS = 2_000;
    public static final int DEFAULT_WORKER_ID = 0;
    public static final int MIN_WORKER_ID = 0;
    /** 10 bits of a Snowflake id hold the worker id. */
    public static final int MAX_WORKER_ID = 1023;
    /**
     * One second: long enough to ride out the small steps back NTP makes when it corrects a fast clock, short enough
     * that inserts stalled behind the wait fail visibly instead of piling up.
     */
    public static final long DEFAULT_MAX_CLOCK_BACKWARD_MILLIS = 1_000;
    /**
     * Waking a parked pool thread and being woken back costs some tens of microseconds (more on a loaded machine);
     * shard statements that together take less than this (an in-memory database, an indexed top-N on a local
     * server) answer sooner one after another than in parallel.
     */
    public static final long DEFAULT_SEQUENTIAL_SCATTER_BELOW_MICROS = 100;

    /** A new stored map is followed within this bound: the "at most 1 s", at one cheap query a second. */
    public static final long DEFAULT_SLOT_MAP_POLL_MILLIS = 1_000;

    /**
     * Ten polls, and at least 5 s: a metadata server that misses a few polls (a restart, a failover) does not stop
     * writes, and the reshard tool waits no longer than this (plus a margin) for an instance that went silent.
     */
    public static long defaultMetadataLeaseMillis(long slotMapPollMillis) {
        return Math.max(5_000, Math.multiplyExact(10, slotMapPollMillis));
    }

    /** Longer than a switch takes (well under a second when the final catch-up is short), short of most timeouts. */
    public static final long DEFAULT_RESHARD_WRITE_HOLD_MILLIS = 10_000;

    private static final Settings DEFAULTS = new Settings(DEFAULT_PARSE_CACHE_SIZE, DEFAULT_PARSE_TIMEOUT_MILLIS,
            DEFAULT_WORKER_ID, DEFAULT_MAX_CLOCK_BACKWARD_MILLIS, DEFAULT_SEQUENTIAL_SCATTER_BELOW_MICROS);

    /** The first five settings, the others at their defaults. */
    public Settings(int parseCacheSize, long parseTimeoutMillis, int workerId, long maxClockBackwardMillis,
                    long sequentialScatterBelowMicros) {
        this(parseCacheSize, parseTimeoutMillis, workerId, maxClockBackwardMillis, sequentialScatterBelowMicros,
                true, null, DEFAULT_SLOT_MAP_POLL_MILLIS, defaultMetadataLeaseMillis(DEFAULT_SLOT_MAP_POLL_MILLIS),
                DEFAULT_RESHARD_WRITE_HOLD_MILLIS, ReplicaSettings.defaults());
    }

    /** Parse settings with the other settings at their defaults. */
    public Settings(int parseCacheSize, long parseTimeoutMillis) {
        this(parseCacheSize, parseTimeoutMillis, DEFAULT_WORKER_ID, DEFAULT_MAX_CLOCK_BACKWARD_MILLIS,
                DEFAULT_SEQUENTIAL_SCATTER_BELOW_MICROS);
    }

    public static Settings defaults() {
        return DEFAULTS;
    }
}
