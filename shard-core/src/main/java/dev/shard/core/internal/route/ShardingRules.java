package dev.shard.core.internal.route;

/** What the planner needs to know of the configuration: which tables are sharded, broadcast, or neither. */
public interface ShardingRules {

    /** The sharding column (lower-case) of a sharded table, or null if the table is not sharded. */
    String shardingColumn(String table);

    boolean isBroadcast(String table);

    /** The column a key generator fills for this table when an INSERT leaves it out, or null. */
    default String generatedKeyColumn(String table) {
        return null;
    }

    int shardCount();

    /** Index of the default data source, where tables with no rule live. */
    int defaultShard();

    /** Index of the shard that holds rows whose shard key is {@code value}. */
    int shardOf(Object value);

    String shardName(int shard);
}
