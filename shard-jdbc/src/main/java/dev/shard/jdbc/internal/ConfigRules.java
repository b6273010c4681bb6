package dev.shard.jdbc.internal;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.TableRule;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.route.ShardingRules;
import java.util.List;

/** The planner's view of a {@link ShardConfig}. Shard indexes follow the order of the data sources. */
final class ConfigRules implements ShardingRules {

    private final ShardConfig config;
    private final SlotMap slotMap;
    private final List<String> names;
    private final int defaultShard;

    ConfigRules(ShardConfig config) {
        this.config = config;
        this.slotMap = SlotMap.of(config);
        this.names = slotMap.shards();
        this.defaultShard = names.indexOf(config.defaultDataSource());
    }

    @Override
    public String shardingColumn(String table) {
        TableRule rule = config.tableRule(table);
        return rule == null ? null : rule.shardingColumn();
    }

    @Override
    public String generatedKeyColumn(String table) {
        TableRule rule = config.tableRule(table);
        return rule == null || rule.keyGenerator() == null ? null : rule.keyGenerator().column();
    }

    @Override
    public boolean isBroadcast(String table) {
        return config.isBroadcast(table);
    }

    @Override
    public int shardCount() {
        return names.size();
    }

    @Override
    public int defaultShard() {
        return defaultShard;
    }

    @Override
    public int shardOf(Object value) {
        return slotMap.shardIndexOf(value);
    }

    @Override
    public String shardName(int shard) {
        return names.get(shard);
    }

    /** The data source names in shard-index order. */
    List<String> shardNames() {
        return names;
    }
}
