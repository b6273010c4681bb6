package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.MySqlServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

    /**
     * With Connector/J's row streaming a connection holds one open result: a union's branches on the same shards
     * must run one after another, never two at once.
     */
    @Test
    void aUnionWhoseBranchesShareShardsStreamsThemOneAfterAnother() throws Exception {
        String sql = "SELECT order_id, status FROM t_order WHERE amount > 900 UNION ALL"
                + " SELECT item_id, sku FROM t_order_item WHERE qty = 5 UNION SELECT region_id, name FROM t_region";
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            s.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet rs = s.executeQuery(sql)) {
                assertThat(folded(rows(rs))).containsExactlyInAnyOrderElementsOf(folded(query(reference, sql)));
            }
            assertThat(query(c, "SELECT COUNT(*) FROM t_order")).isEqualTo(query(reference, "SELECT COUNT(*) FROM t_order"));
        }
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
