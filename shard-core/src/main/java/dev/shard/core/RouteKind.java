package dev.shard.core;

/**
 * How a statement fans out over the shards, as logs, metrics and {@code explain} report it. The names are
 * stable: metrics tag by {@link #name()}.
 */
public enum RouteKind {
    /** The one shard that holds the statement's shard-key value. */
    SINGLE_SHARD,
    /** Several shards, each running the statement over its own rows; a query's results are merged. */
    SCATTER,
    /** A multi-row INSERT whose rows belong on several shards: each shard receives only its own rows. */
    SPLIT_INSERT,
    /** Every shard: DDL of sharded or broadcast tables, and writes to broadcast tables. */
    ALL_SHARDS,
    /** Any one shard: reads of broadcast tables, which hold the same rows everywhere. */
    ANY_SHARD,
    /** The default data source: tables with no rule, and statements that touch no table. */
    DEFAULT
}
