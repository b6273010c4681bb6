package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where statements go when a shard has a replica (docs/replication.md), on H2: the "primary" and the "replica" are
 * two databases that are not replicated, each with a table {@code t_where} naming itself, so a read shows which
 * one served it. The same with real replication is ReplicationIT.
 */
class ReplicaRoutingTest {

    private final String prefix = "replicas_" + System.nanoTime();
    private ShardingDataSource shards;

    private String url(String database) {
        return "jdbc:h2:mem:" + prefix + "_" + database + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    private void createWhere(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(database), "sa", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_where (id INT PRIMARY KEY, name VARCHAR(20))");
            s.execute("INSERT INTO t_where VALUES (1, '" + database + "')");
        }
    }

    private ShardingDataSource start(ShardConfig.Builder builder) {
        // Without the stored slot map: its start-up statements and polls would land among the recorded statements.
        shards = new ShardingDataSource(builder.storeSlotMap(false).build());
        return shards;
    }

    private ShardConfig.Builder primaryWithReplica(Map<String, String> replica) {
        return ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", url("primary"), "username", "sa", "password", ""))
                .replica("ds0", replica);
    }

    @BeforeEach
    void databases() throws SQLException {
        createWhere("primary");
        createWhere("replica");
    }

    @AfterEach
    void close() {
        if (shards != null) {
            shards.close();
        }
    }

    private static String where(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    private static final String READ = "SELECT name FROM t_where WHERE id = 1";

    @Test
    void readsOutsideTransactionsGoToTheReplicaAndEverythingThatMustSeeThePrimaryToThePrimary() throws SQLException {
        start(primaryWithReplica(Map.of("jdbcUrl", url("replica"), "username", "sa", "password", "")));
        try (Connection c = shards.getConnection()) {
            assertThat(where(c, READ)).isEqualTo("replica");
            assertThat(shards.poolStatistics("ds0-replica0").active()).as("the replica connection held").isOne();
            assertThat(where(c, READ + " FOR UPDATE")).isEqualTo("primary");
            assertThat(where(c, "/* shard:primary */ " + READ)).isEqualTo("primary");
            assertThat(where(c, READ)).as("the replica connection is kept").isEqualTo("replica");

            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE t_where SET name = 'primary, updated' WHERE id = 1");
            }
            assertThat(where(c, "/* shard:primary */ " + READ)).isEqualTo("primary, updated");
            assertThat(where(c, READ)).as("no replication here: the replica has not seen it").isEqualTo("replica");

            c.setAutoCommit(false);
            assertThat(where(c, READ)).as("a read-write transaction reads its own writes").isEqualTo("primary, updated");
            c.commit();
            c.setAutoCommit(true);

            try (java.sql.PreparedStatement p = c.prepareStatement("SELECT name FROM t_where WHERE id = ?")) {
                p.setInt(1, 1);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("replica");
                }
            }
        }
    }

    @Test
    void aReadOnlyTransactionReadsFromTheReplicaAndWritesStayOnThePrimary() throws SQLException {
        start(primaryWithReplica(Map.of("jdbcUrl", url("replica"), "username", "sa", "password", "")));
        try (Connection c = shards.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            assertThat(where(c, READ)).isEqualTo("replica");
            assertThat(where(c, READ)).isEqualTo("replica");
            assertThat(where(c, READ + " FOR UPDATE")).isEqualTo("primary");
            c.commit();
            c.setReadOnly(false);
            assertThat(where(c, READ)).as("read-write again").isEqualTo("primary");
            c.rollback();
        }
    }

    @Test
    void aConnectionSetToPrimaryOnlyNeverReadsFromTheReplica() throws SQLException {
        start(primaryWithReplica(Map.of("jdbcUrl", url("replica"), "username", "sa", "password", "")));
        try (Connection c = shards.getConnection()) {
            ShardConnection shard = c.unwrap(ShardConnection.class);
            shard.setPrimaryOnly(true);
            assertThat(shard.isPrimaryOnly()).isTrue();
            assertThat(where(c, READ)).isEqualTo("primary");
            shard.setPrimaryOnly(false);
            assertThat(where(c, READ)).isEqualTo("replica");
        }
    }

    @Test
    void withoutReplicasEveryStatementGoesToThePrimary() throws SQLException {
        start(ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", url("primary"), "username", "sa", "password", "")));
        try (Connection c = shards.getConnection()) {
            assertThat(where(c, READ)).isEqualTo("primary");
        }
        assertThat(shards.explain(READ).shardQueries()).extracting(RouteExplanation.ShardQuery::server)
                .containsExactly("primary");
        assertThat(shards.explain(READ).toString()).doesNotContain("(replica)");
    }

    @Test
    void aReplicaThatGivesNoConnectionLeavesReadsToThePrimary() throws SQLException {
        start(primaryWithReplica(Map.of("jdbcUrl", url("missing") + ";IFEXISTS=TRUE", "username", "sa",
                "password", "", "initializationFailTimeout", "-1", "connectionTimeout", "250")));
        for (int i = 0; i < 3; i++) {
            try (Connection c = shards.getConnection()) {
                assertThat(where(c, READ)).isEqualTo("primary");
            }
        }
    }

    @Test
    void scatterReadsUseAReplicaOfEachShardAndExplainSaysWhere() throws SQLException {
        for (String database : List.of("primary1", "replica1")) {
            createWhere(database);
        }
        start(primaryWithReplica(Map.of("jdbcUrl", url("replica"), "username", "sa", "password", ""))
                .dataSource("ds1", Map.of("jdbcUrl", url("primary1"), "username", "sa", "password", ""))
                .replica("ds1", Map.of("jdbcUrl", url("replica1"), "username", "sa", "password", ""))
                .shardedTable("t_where", "id"));
        List<String> names = new ArrayList<>();
        try (Connection c = shards.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM t_where ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        assertThat(names).containsExactly("replica", "replica1");

        RouteExplanation scatter = shards.explain("SELECT name FROM t_where ORDER BY name");
        assertThat(scatter.shardQueries()).extracting(RouteExplanation.ShardQuery::server)
                .containsExactly("replica", "replica");
        assertThat(scatter.toString()).contains("ds0 (replica): ", "ds1 (replica): ");
        assertThat(shards.explain("SELECT name FROM t_where FOR UPDATE").shardQueries())
                .extracting(RouteExplanation.ShardQuery::server).containsExactly("primary", "primary");
        assertThat(shards.explain("UPDATE t_where SET name = 'x' WHERE id = ?", 1).shardQueries())
                .extracting(RouteExplanation.ShardQuery::server).containsExactly("primary");
    }

    @Test
    void healthChecksReportEachReplicaAndKeepADownOneOutOfTheRotation() throws SQLException {
        start(primaryWithReplica(Map.of("jdbcUrl", url("replica"), "username", "sa", "password", ""))
                .replica("ds0", Map.of("jdbcUrl", url("missing") + ";IFEXISTS=TRUE", "username", "sa",
                        "password", "secret-pw", "initializationFailTimeout", "-1", "connectionTimeout", "250"))
                .replicaSettings(dev.shard.core.config.ReplicaSettings.defaults().withReplicaCheckMillis(50)));
        ReplicaStatus up = ReplicaStates.awaitState(shards, "ds0-replica0", ReplicaStatus.State.UP);
        assertThat(up.detail()).as("H2 has no replication status").contains("no replica status");
        assertThat(up.inRotation()).isTrue();
        assertThat(up.lagMillis()).isEqualTo(-1);
        ReplicaStatus down = ReplicaStates.awaitState(shards, "ds0-replica1", ReplicaStatus.State.DOWN);
        assertThat(down.inRotation()).isFalse();
        assertThat(down.dataSource()).isEqualTo("ds0");
        assertThat(down.detail()).startsWith("check failed: ").doesNotContain("secret-pw");
        for (int i = 0; i < 4; i++) {
            try (Connection c = shards.getConnection()) {
                assertThat(where(c, READ)).as("round robin skips the one out of the rotation").isEqualTo("replica");
            }
        }
        assertThat(shards.poolStatistics("ds0-replica1").threadsAwaiting()).isZero();
        assertThat(shards.explain(READ).shardQueries().get(0).server()).isEqualTo("replica");
    }

    @Test
    void explainSaysPrimaryWhileNoReplicaIsInTheRotation() throws SQLException {
        start(primaryWithReplica(Map.of("jdbcUrl", url("missing") + ";IFEXISTS=TRUE", "username", "sa",
                "password", "", "initializationFailTimeout", "-1", "connectionTimeout", "250"))
                .replicaSettings(dev.shard.core.config.ReplicaSettings.defaults().withReplicaCheckMillis(50)));
        ReplicaStates.awaitState(shards, "ds0-replica0", ReplicaStatus.State.DOWN);
        assertThat(shards.explain(READ).shardQueries().get(0).server()).isEqualTo("primary");
        try (Connection c = shards.getConnection()) {
            assertThat(where(c, READ)).isEqualTo("primary");
        }
    }

    @Test
    void withoutFallBackAReadFailsWhenNoReplicaIsUsable() throws SQLException {
        start(primaryWithReplica(Map.of("jdbcUrl", url("missing") + ";IFEXISTS=TRUE", "username", "sa",
                "password", "", "initializationFailTimeout", "-1", "connectionTimeout", "250"))
                .replicaSettings(dev.shard.core.config.ReplicaSettings.defaults().withReadsFallBackToPrimary(false)
                        .withReplicaCheckMillis(50)));
        ReplicaStates.awaitState(shards, "ds0-replica0", ReplicaStatus.State.DOWN);
        try (Connection c = shards.getConnection()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> where(c, READ))
                    .isInstanceOf(java.sql.SQLTransientConnectionException.class)
                    .hasMessageContaining("No usable replica of shard ds0 (ds0-replica0 DOWN)")
                    .hasMessageContaining("settings.readsFallBackToPrimary is false");
            assertThat(where(c, "/* shard:primary */ " + READ)).as("the primary still serves what must run there")
                    .isEqualTo("primary");
        }
    }

    @Test
    void readYourWritesCostsNothingUntilAWriteAndWithoutMariaDbGtidsSendsLaterReadsToThePrimary() throws SQLException {
        dev.shard.jdbc.testing.RecordingDriver.register();
        String primary = dev.shard.jdbc.testing.RecordingDriver.url(url("primary"));
        String replica = dev.shard.jdbc.testing.RecordingDriver.url(url("replica"));
        start(ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", primary, "username", "sa", "password", ""))
                .replica("ds0", Map.of("jdbcUrl", replica, "username", "sa", "password", ""))
                .replicaSettings(dev.shard.core.config.ReplicaSettings.defaults().withReadYourWrites(true)
                        .withReplicaCheckMillis(0)));
        try (Connection c = shards.getConnection()) {
            assertThat(where(c, READ)).isEqualTo("replica");
            assertThat(where(c, READ)).isEqualTo("replica");
        }
        assertThat(dev.shard.jdbc.testing.RecordingDriver.sentTo(primary)).as("a connection that never wrote")
                .isEmpty();
        assertThat(dev.shard.jdbc.testing.RecordingDriver.sentTo(replica))
                .extracting(dev.shard.jdbc.testing.RecordingDriver.Sent::sql).containsExactly(READ, READ);
        try (Connection c = shards.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE t_where SET name = 'primary, updated' WHERE id = 1");
            }
            assertThat(where(c, READ)).as("H2 is not MariaDB, so MySQL's GTID set is asked for, and H2 has none: the read that must see"
                            + " the write reads the primary")
                    .isEqualTo("primary, updated");
        }
        assertThat(dev.shard.jdbc.testing.RecordingDriver.sentTo(primary))
                .extracting(dev.shard.jdbc.testing.RecordingDriver.Sent::sql).contains("SELECT @@global.gtid_executed");
        try (Connection c = shards.getConnection()) {
            assertThat(where(c, READ)).as("a new connection has not written").isEqualTo("replica");
        }
    }
}
