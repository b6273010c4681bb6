package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.MySqlServer;
import java.sql.Connection;
import java.util.Map;

/** The conformance suite on a real MySQL-family server: databases shard_it_0..3 and shard_it_ref. */
class MariaDbRoutingIT extends RoutingConformanceSuite {

    private MySqlServer server;

    @Override
    ShardConfig createShards() throws Exception {
        server = MySqlServer.require();
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            server.recreateDatabase("shard_it_" + i);
            builder.dataSource("ds" + i, Map.of("jdbcUrl", server.jdbcUrl("shard_it_" + i),
                    "username", server.user(), "password", server.password(), "maximumPoolSize", "4"));
        }
        server.recreateDatabase("shard_it_ref");
        return builder.defaultDataSource("ds0")
                .shardedTable("t_order", "user_id")
                .shardedTable("t_order_item", "user_id")
                .broadcastTables("t_region")
                .build();
    }

    @Override
    Connection openReference() throws Exception {
        return server.connect("shard_it_ref");
    }

    @Override
    Connection openShardDirectly(int shard) throws Exception {
        return server.connect("shard_it_" + shard);
    }

    @Override
    void dropAll() throws Exception {
        if (server == null) {
            return;
        }
        for (int i = 0; i < SHARDS; i++) {
            server.dropDatabase("shard_it_" + i);
        }
        server.dropDatabase("shard_it_ref");
    }
}
