package dev.shard.core;

/** How a statement fans out over the shards, as explain output and metrics name it. */
public enum RouteKind {
    /** The one shard that holds the statement's shard-key value. */
    SINGLE_SHARD,
    /** Several shards, each running the statement over its own rows; results merged or counts summed. */
    SCATTER,
    /** A multi-row INSERT whose rows go to several shards, each shard receiving only its rows. */
    SPLIT_INSERT,
    /** Every shard: DDL of sharded or broadcast tables, and writes to broadcast tables. */
    ALL_SHARDS,
    /** Any one shard: reads of broadcast tables, which hold the same rows everywhere. */
    ANY_SHARD,
    /** The default data source: tables with no rule, and statements that touch no table. */
    DEFAULT
}
