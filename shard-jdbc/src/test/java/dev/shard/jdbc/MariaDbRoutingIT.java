package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.MySqlServer;
import java.sql.Connection;
import java.util.Map;

/**
 * The conformance suite on a real MySQL-family server: databases shard_it_&lt;pid&gt;_0..3 and shard_it_&lt;pid&gt;_ref.
 * The process id keeps builds that share one server (several checkouts, parallel CI jobs) from dropping each
 * other's databases mid-run.
 */
class MariaDbRoutingIT extends RoutingConformanceSuite {

    private static final String DB = "shard_it_" + ProcessHandle.current().pid() + "_";

    private MySqlServer server;

    @Override
    ShardConfig createShards() throws Exception {
        server = MySqlServer.require();
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            server.recreateDatabase(DB + i);
            builder.dataSource("ds" + i, Map.of("jdbcUrl", server.jdbcUrl(DB + i),
                    "username", server.user(), "password", server.password(), "maximumPoolSize", "4"));
        }
        server.recreateDatabase(DB + "ref");
        return builder.defaultDataSource("ds0")
                .shardedTable("t_order", "user_id")
                .shardedTable("t_order_item", "user_id")
                .broadcastTables("t_region")
                .build();
    }

    @Override
    Connection openReference() throws Exception {
        return server.connect(DB + "ref");
    }

    @Override
    Connection openShardDirectly(int shard) throws Exception {
        return server.connect(DB + shard);
    }

    @Override
    void dropAll() throws Exception {
        if (server == null) {
            return;
        }
        for (int i = 0; i < SHARDS; i++) {
            server.dropDatabase(DB + i);
        }
        server.dropDatabase(DB + "ref");
    }
}
