package dev.shard.bench;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.shardingsphere.broadcast.config.BroadcastRuleConfiguration;
import org.apache.shardingsphere.driver.api.ShardingSphereDataSourceFactory;
import org.apache.shardingsphere.infra.algorithm.core.config.AlgorithmConfiguration;
import org.apache.shardingsphere.sharding.api.config.ShardingRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.rule.ShardingAutoTableRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.strategy.sharding.StandardShardingStrategyConfiguration;

/**
 * ShardingSphere-JDBC 5.5.2 configured like Shard: t_order and t_order_batch sharded by user_id over the same four
 * kinds of pool (same HikariCP settings), with the HASH_MOD algorithm (sharding-count 4) choosing the data source.
 * One table per data source; t_item a broadcast table, as in Shard.
 */
final class ShardingSphereSupport {

    private ShardingSphereSupport() {
    }

    /** A pool per physical database, named ds_0 .. ds_3, closed with the fixture. */
    static Map<String, DataSource> pools(Fixture fixture) {
        Map<String, DataSource> pools = new LinkedHashMap<>();
        for (int i = 0; i < Fixture.SHARDS; i++) {
            var pool = fixture.hikari(fixture.physicalUrls.get(i));
            fixture.closeLater(pool);
            pools.put("ds_" + i, pool);
        }
        return pools;
    }

    static DataSource create(Fixture fixture) throws Exception {
        ShardingRuleConfiguration rules = new ShardingRuleConfiguration();
        for (String table : List.of("t_order", "t_order_batch")) {
            // HASH_MOD is an auto-sharding algorithm: it names the tables itself (t_order_0 on ds_0, ...,
            // t_order_3 on ds_3), so the fixture creates them under those names.
            ShardingAutoTableRuleConfiguration t =
                    new ShardingAutoTableRuleConfiguration(table, "ds_${0.." + (Fixture.SHARDS - 1) + "}");
            t.setShardingStrategy(new StandardShardingStrategyConfiguration("user_id", "hash_mod"));
            rules.getAutoTables().add(t);
        }
        Properties algorithm = new Properties();
        algorithm.setProperty("sharding-count", Integer.toString(Fixture.SHARDS));
        rules.getShardingAlgorithms().put("hash_mod", new AlgorithmConfiguration("HASH_MOD", algorithm));
        return dataSource(fixture, "bench", rules, "t_item");
    }

    /** ShardingSphere-JDBC over a pool per physical database ({@link #pools}), by {@code rules}. */
    static DataSource dataSource(Fixture fixture, String databaseName, ShardingRuleConfiguration rules,
                                 String broadcastTable) throws SQLException {
        return ShardingSphereDataSourceFactory.createDataSource(databaseName, null, pools(fixture),
                List.of(rules, new BroadcastRuleConfiguration(List.of(broadcastTable))), new Properties());
    }
}
