package dev.shard.jdbc;

import dev.shard.core.RouteKind;

/**
 * Told about every statement a {@link ShardingDataSource} routes, for metrics. Called on the thread that runs
 * the statement, so implementations must be quick and must not throw (an exception is logged and ignored).
 */
public interface StatementListener {

    /**
     * A statement was routed and is about to run.
     *
     * @param routeKind how it fans out: SINGLE_SHARD, SCATTER, SPLIT_INSERT, ALL_SHARDS, ANY_SHARD or DEFAULT
     * @param shards    how many shards it runs on
     */
    void routed(RouteKind routeKind, int shards);

    /** A result merged from several shards was closed after {@code rows} rows were read from it. */
    default void merged(long rows) {
    }

    /** A statement was refused before reaching any database (bad SQL, a form Shard cannot run). */
    default void refused(String reason) {
    }

    StatementListener NONE = (routeKind, shards) -> { };
}
