package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.MySqlServer;
import java.sql.Connection;
import java.util.Map;

/** The conformance suite on a real MySQL-family server: databases shard_it_0..3 and shard_it_ref (+ pid). */
class MariaDbRoutingIT extends RoutingConformanceSuite {

    private MySqlServer server;
    /** Two builds on one machine (two checkouts, or CI beside a developer) must not drop each other's tables. */
    private final String suffix = "_" + ProcessHandle.current().pid();

    @Override
    ShardConfig createShards() throws Exception {
        server = MySqlServer.require();
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            server.recreateDatabase("shard_it_" + i + suffix);
            builder.dataSource("ds" + i, Map.of("jdbcUrl", server.jdbcUrl("shard_it_" + i + suffix),
                    "username", server.user(), "password", server.password(), "maximumPoolSize", "4"));
        }
        server.recreateDatabase("shard_it_ref" + suffix);
        return builder.defaultDataSource("ds0")
                .shardedTable("t_order", "user_id")
                .shardedTable("t_order_item", "user_id")
                .shardedTable("t_ledger", "account_id")
                .broadcastTables("t_region")
                .build();
    }

    @Override
    Connection openReference() throws Exception {
        return server.connect("shard_it_ref" + suffix);
    }

    @Override
    Connection openShardDirectly(int shard) throws Exception {
        return server.connect("shard_it_" + shard + suffix);
    }

    @Override
    void dropAll() throws Exception {
        if (server == null) {
            return;
        }
        for (int i = 0; i < SHARDS; i++) {
            server.dropDatabase("shard_it_" + i + suffix);
        }
        server.dropDatabase("shard_it_ref" + suffix);
    }
}
