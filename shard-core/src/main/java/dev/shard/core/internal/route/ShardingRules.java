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

    /** The data source where tables with no rule live, for messages that name it. */
    String defaultDataSource();
}
