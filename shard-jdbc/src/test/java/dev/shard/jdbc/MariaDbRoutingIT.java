package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The conformance suite on a real MySQL-family server: databases shard_it_0..3 and shard_it_ref (+ pid). */
class MariaDbRoutingIT extends ServerRoutingSuite {

    @Override
    TestServer requireServer() {
        return MySqlServer.require();
    }

    @Override
    String prefix() {
        return "shard_it";
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
}
