package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.RouteKind;
import dev.shard.core.config.ShardConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A write on several shards is all or nothing, in auto-commit mode and inside a transaction; DDL says where it got. */
class MultiShardWriteTest {

    private final String prefix = "multiwrite_" + System.nanoTime();
    private ShardingDataSource ds;

    private String url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    @BeforeEach
    void start() throws SQLException {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < 4; i++) {
            builder.dataSource("ds" + i, Map.of("jdbcUrl", url(i), "username", "sa", "password", ""));
        }
        ds = new ShardingDataSource(builder.shardedTable("t_order", "user_id").broadcastTables("t_region").build());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
            s.execute("CREATE TABLE t_region (region_id INT PRIMARY KEY, name VARCHAR(20))");
        }
    }

    @AfterEach
    void stop() {
        ds.close();
    }

    private long count(int shard, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(shard), "sa", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long userOn(int shard) throws SQLException {
        for (long user = 1; ; user++) {
            if (ds.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards().get(0).equals("ds" + shard)) {
                return user;
            }
        }
    }

    private void directly(int shard, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(shard), "sa", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aSplitInsertFailingOnOneShardAppliesNothingInAutoCommitMode() throws SQLException {
        long a = userOn(0);
        long b = userOn(1);
        long c = userOn(2);
        directly(2, "INSERT INTO t_order VALUES (3, " + c + ")"); // order 3 will collide on ds2 only
        try (Connection connection = ds.getConnection(); Statement s = connection.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t_order (order_id, user_id) VALUES (1, " + a
                    + "), (2, " + b + "), (3, " + c + ")"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("ds2")
                    .hasMessageContaining("nothing was applied");
        }
        assertThat(count(0, "SELECT COUNT(*) FROM t_order")).isZero();
        assertThat(count(1, "SELECT COUNT(*) FROM t_order")).isZero();
        assertThat(count(2, "SELECT COUNT(*) FROM t_order")).isEqualTo(1);
    }

    @Test
    void aBroadcastWriteFailingInsideATransactionIsUndoneEverywhereAndTheTransactionGoesOn() throws SQLException {
        long a = userOn(0);
        directly(3, "INSERT INTO t_region VALUES (9, 'only on ds3')");
        try (Connection connection = ds.getConnection(); Statement s = connection.createStatement()) {
            connection.setAutoCommit(false);
            s.executeUpdate("INSERT INTO t_order (order_id, user_id) VALUES (1, " + a + ")");
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t_region VALUES (9, 'everywhere')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("ds3")
                    .hasMessageContaining("transaction is still open");
            s.executeUpdate("INSERT INTO t_region VALUES (10, 'everywhere')");
            connection.commit();
        }
        for (int shard = 0; shard < 4; shard++) {
            assertThat(count(shard, "SELECT COUNT(*) FROM t_region WHERE region_id = 9"))
                    .as("region 9 on ds%d", shard).isEqualTo(shard == 3 ? 1 : 0);
            assertThat(count(shard, "SELECT COUNT(*) FROM t_region WHERE region_id = 10")).isEqualTo(1);
        }
        assertThat(count(0, "SELECT COUNT(*) FROM t_order")).isEqualTo(1);
    }

    @Test
    void ddlFailingOnOneShardListsWhereItWasApplied() throws SQLException {
        directly(2, "DROP TABLE t_region");
        try (Connection connection = ds.getConnection(); Statement s = connection.createStatement()) {
            assertThatThrownBy(() -> s.execute("ALTER TABLE t_region ADD COLUMN note VARCHAR(10)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("failed on shard ds2")
                    .hasMessageContaining("Applied on [ds0, ds1]")
                    .hasMessageContaining("not applied on [ds2, ds3]");
        }
    }

    @Test
    void theStatementListenerHearsRoutesMergedRowsAndRefusals() throws SQLException {
        java.util.List<String> events = new java.util.ArrayList<>();
        ds.setStatementListener(new StatementListener() {
            @Override
            public void routed(RouteKind routeKind, int shards) {
                events.add(routeKind + "/" + shards);
            }

            @Override
            public void merged(long rows) {
                events.add("merged " + rows);
            }

            @Override
            public void refused(String reason) {
                events.add("refused " + reason);
            }
        });
        long a = userOn(0);
        long b = userOn(1);
        try (Connection connection = ds.getConnection(); Statement s = connection.createStatement()) {
            s.executeUpdate("INSERT INTO t_order (order_id, user_id) VALUES (1, " + a + "), (2, " + b + ")");
            try (ResultSet rs = s.executeQuery("SELECT * FROM t_order ORDER BY order_id")) {
                while (rs.next()) {
                    assertThat(rs.getLong(1)).isPositive();
                }
            }
            s.executeQuery("SELECT * FROM t_order WHERE user_id = " + a).close();
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM t_order o JOIN t_order p ON p.order_id = o.order_id"))
                    .isInstanceOf(SQLException.class);
        } finally {
            ds.setStatementListener(null);
        }
        assertThat(events).containsExactly("SPLIT_INSERT/2", "SCATTER/4", "merged 2", "SINGLE_SHARD/1",
                "refused SQLFeatureNotSupportedException");
    }

    @Test
    void aStreamParameterIsRefusedWhereItWouldBeReadBySeveralShards() throws SQLException {
        try (Connection connection = ds.getConnection();
             java.sql.PreparedStatement ps = connection.prepareStatement("INSERT INTO t_region VALUES (?, ?)")) {
            ps.setInt(1, 1);
            ps.setCharacterStream(2, new java.io.StringReader("north"));
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(java.sql.SQLFeatureNotSupportedException.class)
                    .hasMessageContaining("Parameter 2 is a stream");
            ps.setString(2, "north");
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        for (int shard = 0; shard < 4; shard++) {
            assertThat(count(shard, "SELECT COUNT(*) FROM t_region")).isEqualTo(1);
        }
    }
}
