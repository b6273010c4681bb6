package dev.shard.core.internal.route;

/**
 * Where rows live in one version of the topology: the shards by index, and which one holds a shard-key value.
 * Plans are cached by statement text and hold no shard numbers; each execution routes against the map of the
 * topology it runs on, so a new slot map or a new shard takes effect without a single cached plan changing.
 */
public interface ShardMap {

    int shardCount();

    /** Index of the default data source, where tables with no rule live. */
    int defaultShard();

    /** Index of the shard that holds rows whose shard key is {@code value}. */
    int shardOf(Object value);

    /**
     * Index of the shard that holds rows whose sharding column {@code column} of {@code table} is {@code value}:
     * the column's collation may decide which strings are one key. By default as {@link #shardOf(Object)}.
     */
    default int shardOf(Object value, String table, String column) throws java.sql.SQLException {
        return shardOf(value);
    }

    String shardName(int shard);
}
