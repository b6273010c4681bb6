package dev.shard.core.config;

/**
 * Tuning knobs that are not about topology.
 *
 * @param parseCacheSize     entries kept in the SQL analysis cache; 0 disables caching
 * @param parseTimeoutMillis upper bound on analysing one statement, so one pathological statement cannot pin a
 *                           thread; must be positive
 */
public record Settings(int parseCacheSize, long parseTimeoutMillis) {

    public static final int DEFAULT_PARSE_CACHE_SIZE = 10_000;
    public static final long DEFAULT_PARSE_TIMEOUT_MILLIS = 2_000;

    private static final Settings DEFAULTS = new Settings(DEFAULT_PARSE_CACHE_SIZE, DEFAULT_PARSE_TIMEOUT_MILLIS);

    public static Settings defaults() {
        return DEFAULTS;
    }
}
