package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.MySqlServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read/write splitting over real MariaDB replication (docs/replication.md): shard ds0 is a primary and its replica,
 * two {@code mariadbd} processes of the test's own, the replica fed by the primary's binary log; ds1 is a plain
 * database on the shared server. Which server answered is told by {@code @@port}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {

    private static final String DATABASE = "replication_" + ProcessHandle.current().pid();
    private static MySqlServer server;
    private static ExtraMariaDb primary;
    private static ExtraMariaDb replica;
    private static ShardingDataSource shards;

    @BeforeAll
    static void startReplication() throws Exception {
        server = MySqlServer.require();
        primary = ExtraMariaDb.start(ExtraMariaDb.replicationOptions(1));
        replica = ExtraMariaDb.start(ExtraMariaDb.replicationOptions(2));
        replica.replicateFrom(primary);
        primary.createDatabase(DATABASE);
        server.recreateDatabase(DATABASE);
        Map<String, String> replicaPool = new HashMap<>(pool(replica.jdbcUrl(DATABASE), replica.user(),
                replica.password()));
        // While the replica is down, a read waits this long for its pool before going to the primary.
        replicaPool.put("connectionTimeout", "1000");
        replica.awaitCaughtUpWith(primary); // the database exists there before its pool starts
        shards = new ShardingDataSource(ShardConfig.builder()
                .dataSource("ds0", pool(primary.jdbcUrl(DATABASE), primary.user(), primary.password()))
                .replica("ds0", replicaPool)
                .dataSource("ds1", pool(server.jdbcUrl(DATABASE), server.user(), server.password()))
                .defaultDataSource("ds0")
                .shardedTable("t_item", "user_id")
                .build());
        try (Connection c = shards.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_item (user_id INT PRIMARY KEY, note VARCHAR(20))");
            s.execute("CREATE TABLE t_plain (id INT PRIMARY KEY, note VARCHAR(20))");
            s.execute("INSERT INTO t_plain VALUES (1, 'first')");
            for (int user = 1; user <= 8; user++) {
                s.execute("INSERT INTO t_item VALUES (" + user + ", 'n" + user + "')");
            }
        }
        replica.awaitCaughtUpWith(primary);
    }

    private static Map<String, String> pool(String url, String user, String password) {
        return Map.of("jdbcUrl", url, "username", user, "password", password, "maximumPoolSize", "4");
    }

    @AfterAll
    static void stop() throws SQLException {
        if (shards != null) {
            shards.close();
        }
        if (server != null) {
            server.dropDatabase(DATABASE);
        }
        for (ExtraMariaDb extra : new ExtraMariaDb[] {replica, primary}) {
            if (extra != null) {
                extra.close();
            }
        }
    }

    private static int port(Connection connection, String sql) throws SQLException {
        return ReplicaStates.port(connection, sql);
    }

    @Test
    @Order(1)
    void readsOutsideTransactionsLandOnTheReplica() throws SQLException {
        try (Connection c = shards.getConnection()) {
            assertThat(port(c, "SELECT @@port")).isEqualTo(replica.port());
            assertThat(port(c, "SELECT @@port FROM t_plain WHERE id = 1")).isEqualTo(replica.port());
        }
        assertThat(shards.explain("SELECT @@port").shardQueries().get(0).server()).isEqualTo("replica");
    }

    @Test
    @Order(2)
    void writesLockingReadsHintedReadsAndTransactionsUseThePrimary() throws SQLException {
        try (Connection c = shards.getConnection()) {
            assertThat(port(c, "SELECT @@port FROM t_plain WHERE id = 1 FOR UPDATE")).isEqualTo(primary.port());
            assertThat(port(c, "/* shard:primary */ SELECT @@port")).isEqualTo(primary.port());

            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE t_plain SET note = CONCAT('port ', @@port) WHERE id = 1");
            }
            replica.awaitCaughtUpWith(primary);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT note, @@port FROM t_plain WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("written on the primary").isEqualTo("port " + primary.port());
                assertThat(rs.getInt(2)).as("read back from the replica").isEqualTo(replica.port());
            }

            c.setAutoCommit(false);
            assertThat(port(c, "SELECT @@port")).isEqualTo(primary.port());
            assertThat(port(c, "SELECT @@port FROM t_plain WHERE id = 1")).isEqualTo(primary.port());
            c.commit();
            c.setAutoCommit(true);

            c.unwrap(ShardConnection.class).setPrimaryOnly(true);
            assertThat(port(c, "SELECT @@port")).isEqualTo(primary.port());
        }
        assertThat(shards.explain("SELECT @@port FROM t_plain FOR UPDATE").shardQueries().get(0).server())
                .isEqualTo("primary");
    }

    @Test
    @Order(3)
    void aReadOnlyTransactionStaysOnOneReplicaConnection() throws SQLException {
        try (Connection c = shards.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            int first = port(c, "SELECT CONNECTION_ID()");
            assertThat(port(c, "SELECT @@port")).isEqualTo(replica.port());
            assertThat(port(c, "SELECT @@port FROM t_plain WHERE id = 1")).isEqualTo(replica.port());
            assertThat(port(c, "SELECT CONNECTION_ID()")).isEqualTo(first);
            c.commit();
        }
    }

    @Test
    @Order(4)
    void scatterReadsUseTheReplicaOfEachShardThatHasOne() throws SQLException {
        Map<Integer, Integer> servedBy = new HashMap<>();
        try (Connection c = shards.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT user_id, @@port FROM t_item ORDER BY user_id")) {
            while (rs.next()) {
                servedBy.put(rs.getInt(1), rs.getInt(2));
            }
        }
        assertThat(servedBy).hasSize(8);
        for (int user = 1; user <= 8; user++) {
            List<String> shard = shards.explain("SELECT * FROM t_item WHERE user_id = ?", user).shards();
            int expected = shard.equals(List.of("ds0")) ? replica.port() : port(server);
            assertThat(servedBy.get(user)).as("user %d on %s", user, shard).isEqualTo(expected);
        }
        assertThat(servedBy.values()).as("both shards hold rows").contains(replica.port(), port(server));
    }

    private static int port(MySqlServer server) throws SQLException {
        try (Connection c = server.connect(DATABASE)) {
            return port(c, "SELECT @@port");
        }
    }

    @Test
    @Order(5)
    void readsGoToThePrimaryWhileTheReplicaIsDown() throws SQLException {
        replica.stop();
        // Its pool's idle connections died with it: a read handed one loses it, and runs once more on the primary.
        for (int i = 0; i < 3; i++) {
            try (Connection c = shards.getConnection()) {
                assertThat(port(c, "SELECT @@port")).isEqualTo(primary.port());
                assertThat(port(c, "SELECT COUNT(*) FROM t_item")).isEqualTo(8);
            }
        }
    }
}
