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
 */
public record Settings(int parseCacheSize, long parseTimeoutMillis, int workerId, long maxClockBackwardMillis) {

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

    private static final Settings DEFAULTS = new Settings(DEFAULT_PARSE_CACHE_SIZE, DEFAULT_PARSE_TIMEOUT_MILLIS,
            DEFAULT_WORKER_ID, DEFAULT_MAX_CLOCK_BACKWARD_MILLIS);

    /** Parse settings with the key-generation settings at their defaults. */
    public Settings(int parseCacheSize, long parseTimeoutMillis) {
        this(parseCacheSize, parseTimeoutMillis, DEFAULT_WORKER_ID, DEFAULT_MAX_CLOCK_BACKWARD_MILLIS);
    }

    public static Settings defaults() {
        return DEFAULTS;
    }
}
