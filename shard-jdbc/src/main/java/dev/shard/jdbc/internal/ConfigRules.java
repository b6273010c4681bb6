package dev.shard.jdbc.internal;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.TableRule;
import dev.shard.core.internal.route.ShardingRules;

/** The planner's view of a {@link ShardConfig}: which tables are sharded on which column, and which broadcast. */
final class ConfigRules implements ShardingRules {

    private final ShardConfig config;

    ConfigRules(ShardConfig config) {
        this.config = config;
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
    public String defaultDataSource() {
        return config.defaultDataSource();
    }
}
