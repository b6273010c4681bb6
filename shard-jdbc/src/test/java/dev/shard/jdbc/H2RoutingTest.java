package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

/** The conformance suite on embedded H2 in MySQL mode: fast, no server. */
class H2RoutingTest extends RoutingConformanceSuite {

    private final String prefix = "routing_" + System.nanoTime();

    String url(String database) {
        return "jdbc:h2:mem:" + prefix + "_" + database + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    @Override
    ShardConfig createShards() {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            builder.dataSource("ds" + i, Map.of("jdbcUrl", url("shard" + i), "username", "sa", "password", ""));
        }
        return withTables(builder);
    }

    @Override
    Connection openReference() throws Exception {
        return DriverManager.getConnection(url("reference"), "sa", "");
    }

    @Override
    Connection openShardDirectly(int shard) throws Exception {
        return DriverManager.getConnection(url("shard" + shard), "sa", "");
    }

    @Override
    void dropAll() throws Exception {
        for (int i = 0; i < SHARDS; i++) {
            try (Connection c = openShardDirectly(i)) {
                c.createStatement().execute("SHUTDOWN");
            }
        }
        try (Connection c = openReference()) {
            c.createStatement().execute("SHUTDOWN");
        }
    }
}
