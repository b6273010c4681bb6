package dev.shard.jdbc;

import dev.shard.core.config.ReplicaSettings;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.Readiness;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Network;
import org.testcontainers.mysql.MySQLContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes over real MySQL replication (docs/replication.md#read-your-writes): MySQL has neither
 * {@code @@last_gtid} nor {@code MASTER_GTID_WAIT}, so Shard reads the primary's {@code @@global.gtid_executed}
 * and waits on the replica with {@code WAIT_FOR_EXECUTED_GTID_SET}; with {@code gtid_mode} off it reads the primary.
 *
 * <p>Three MySQL 8.4 containers on a Docker network of their own: a primary and a replica with GTIDs on
 * ({@code gtid_mode=ON}, {@code enforce_gtid_consistency=ON}), replicating by
 * {@code CHANGE REPLICATION SOURCE TO ... SOURCE_AUTO_POSITION=1}, and a primary with GTIDs off. Which server
 * answered is told by {@code @@server_id} (1, 2 and 3); the replica reads as a user with only {@code SELECT} and
 * {@code REPLICATION CLIENT}.
 *
 * <p>Unlike the other integration tests (docs/testing.md), this one skips when there is no Docker engine even under
 * {@code CI=true}: it needs MySQL servers of its own that replicate, a local MySQL server cannot stand in for them,
 * and the project's machines have neither MySQL nor Docker, so there is no other way to get them there. The MariaDB
 * tests still fail under CI when they have no server, and the MariaDB path of the same code is proved by
 * {@code ReplicaHealthIT} everywhere.
 */
class MySqlReadYourWritesIT {

    private static final String IMAGE = "mysql:8.4";
    private static final String DATABASE = "mysql_ryw_" + ProcessHandle.current().pid();
    private static final int PRIMARY_ID = 1;
    private static final int REPLICA_ID = 2;
    private static final int GTIDS_OFF_PRIMARY_ID = 3;
    private static Network network;
    private static MySQLContainer primary;
    private static MySQLContainer replica;
    private static MySQLContainer gtidsOffPrimary;

    private static boolean docker;

    @BeforeAll
    static void startReplication() throws SQLException {
        docker = MySqlServer.dockerAvailable();
        if (!docker) {
            return; // each test says why it is skipped (a skip here would be reported without its reason)
        }
        network = Network.newNetwork();
        // Statement-based binary logging: the replica then runs the statements, and with them its own trigger that
        // slows it down (MySQL runs no replica-side triggers for row events).
        primary = start("primary", PRIMARY_ID, "--gtid-mode=ON", "--enforce-gtid-consistency=ON",
                "--binlog-format=STATEMENT");
        replica = start("replica", REPLICA_ID, "--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--read-only");
        gtidsOffPrimary = start("plain", GTIDS_OFF_PRIMARY_ID, "--gtid-mode=OFF");
        // Both started from the image's same initial state: the replica has what the primary logged so far.
        String executed = single(primary, "SELECT @@global.gtid_executed");
        run(replica, "RESET BINARY LOGS AND GTIDS", "SET GLOBAL gtid_purged = '" + executed + "'");
        run(primary, "CREATE USER 'repl'@'%' IDENTIFIED BY 'repl-pw'",
                "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'");
        run(replica, "CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'primary', SOURCE_PORT = 3306, "
                + "SOURCE_USER = 'repl', SOURCE_PASSWORD = 'repl-pw', SOURCE_AUTO_POSITION = 1, "
                + "GET_SOURCE_PUBLIC_KEY = 1", "START REPLICA");
        run(primary, "CREATE DATABASE `" + DATABASE + "`",
                "CREATE USER 'shard_monitor'@'%' IDENTIFIED BY 'monitor-pw'",
                "GRANT SELECT ON `" + DATABASE + "`.* TO 'shard_monitor'@'%'",
                "GRANT REPLICATION CLIENT ON *.* TO 'shard_monitor'@'%'",
                "CREATE TABLE `" + DATABASE + "`.t_rw (id INT PRIMARY KEY, v INT)",
                "INSERT INTO `" + DATABASE + "`.t_rw VALUES (1, 0)");
        awaitCaughtUp();
        // The GTID-off primary has no replica of its own: its reads are checked against the replica above, which
        // never gets its writes, so a read that went there after a write would be stale.
        run(gtidsOffPrimary, "CREATE DATABASE `" + DATABASE + "`",
                "CREATE TABLE `" + DATABASE + "`.t_rw (id INT PRIMARY KEY, v INT)",
                "INSERT INTO `" + DATABASE + "`.t_rw VALUES (1, 0)");
    }

    @BeforeEach
    void needsDocker() {
        Assumptions.assumeTrue(docker, "No Docker engine: MySqlReadYourWritesIT needs MySQL servers of its own that "
                + "replicate, which only Testcontainers can start (skipped even under CI=true, see docs/testing.md)");
    }

    private static MySQLContainer start(String alias, int serverId, String... options) {
        String[] command = new String[options.length + 1];
        command[0] = "--server-id=" + serverId;
        System.arraycopy(options, 0, command, 1, options.length);
        MySQLContainer container = new MySQLContainer(IMAGE).withUsername("root").withNetwork(network)
                .withNetworkAliases(alias).withCommand(command);
        container.start();
        return container;
    }

    private static String jdbcUrl(MySQLContainer server, String database) {
        return "jdbc:mysql://" + server.getHost() + ":" + server.getMappedPort(3306) + "/" + database
                + "?useSSL=false&allowPublicKeyRetrieval=true";
    }

    private static Connection connect(MySQLContainer server) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(server, ""), "root", server.getPassword());
    }

    private static void run(MySQLContainer server, String... statements) throws SQLException {
        try (Connection c = connect(server); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static String single(MySQLContainer server, String sql) throws SQLException {
        try (Connection c = connect(server); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    /** Waits (bounded) until the replica has applied everything the primary has committed. */
    private static void awaitCaughtUp() throws SQLException {
        String executed = single(primary, "SELECT @@global.gtid_executed");
        try (Connection c = connect(replica);
             PreparedStatement wait = c.prepareStatement("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)")) {
            wait.setString(1, executed);
            wait.setLong(2, Readiness.BOUND.toSeconds());
            try (ResultSet rs = wait.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("the replica applied " + executed + " within " + Readiness.BOUND
                        + " (replica status: " + replicaStatus() + ")").isZero();
            }
        }
    }

    private static String replicaStatus() throws SQLException {
        try (Connection c = connect(replica); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW REPLICA STATUS")) {
            return rs.next() ? "IO " + rs.getString("Replica_IO_Running") + ", SQL "
                    + rs.getString("Replica_SQL_Running") + ", " + rs.getString("Last_IO_Error") + " "
                    + rs.getString("Last_SQL_Error") : "not a replica";
        }
    }

    @AfterAll
    static void stop() {
        for (MySQLContainer container : new MySQLContainer[] {replica, primary, gtidsOffPrimary}) {
            if (container != null) {
                container.stop();
            }
        }
        if (network != null) {
            network.close();
        }
    }

    private static ShardConfig config(MySQLContainer writeTo, ReplicaSettings settings) {
        return ShardConfig.builder()
                .dataSource("ds0", pool(writeTo, "root", writeTo.getPassword()))
                .replica("ds0", pool(replica, "shard_monitor", "monitor-pw"))
                .replicaSettings(settings)
                .build();
    }

    private static Map<String, String> pool(MySQLContainer server, String user, String password) {
        return new HashMap<>(Map.of("jdbcUrl", jdbcUrl(server, DATABASE), "username", user, "password", password,
                "maximumPoolSize", "4"));
    }

    @Test
    void readYourWritesSeesEveryWriteOnASlowReplicaAndWithoutItReadsAreStale() throws Exception {
        try (ShardingDataSource probe = new ShardingDataSource(config(primary, ReplicaSettings.defaults()
                .withReplicaCheckMillis(200)))) {
            ReplicaStatus status = ReplicaStates.await(probe, "ds0-replica0", s -> s.state() == ReplicaStatus.State.UP,
                    "a replica in the rotation, checked as a user with REPLICATION CLIENT only");
            assertThat(status.detail()).as("MySQL 8.0.22+ names the lag column so").contains("Seconds_Behind_Source");
        }
        // The replica applies each change of t_rw at least 5 ms late: a trigger of its own that sleeps.
        run(replica, "CREATE TRIGGER `" + DATABASE + "`.t_rw_slow BEFORE UPDATE ON `" + DATABASE + "`.t_rw "
                + "FOR EACH ROW SET @slept = SLEEP(0.005)");
        ReplicaSettings settings = ReplicaSettings.defaults().withReplicaCheckMillis(200)
                .withMaxReplicaLagMillis(60_000);
        try (ShardingDataSource off = new ShardingDataSource(config(primary, settings));
             ShardingDataSource on = new ShardingDataSource(config(primary, settings.withReadYourWrites(true)))) {
            ReplicaStates.assertReadYourWrites(off, on, REPLICA_ID, "MySQL");
        } finally {
            run(replica, "DROP TRIGGER `" + DATABASE + "`.t_rw_slow");
        }
    }

    @Test
    void withGtidModeOffReadsAfterAWriteGoToThePrimaryUntilTheNextWrite() throws SQLException {
        try (ShardingDataSource shards = new ShardingDataSource(config(gtidsOffPrimary, ReplicaSettings.defaults()
                .withReplicaCheckMillis(200).withReadYourWrites(true)));
             Connection c = shards.getConnection();
             PreparedStatement write = c.prepareStatement("UPDATE t_rw SET v = ? WHERE id = 1");
             PreparedStatement read = c.prepareStatement("SELECT v, @@server_id FROM t_rw WHERE id = 1")) {
            assertThat(serverOf(read)).as("before any write, the replica reads").isEqualTo(REPLICA_ID);
            for (int i = 1; i <= 20; i++) {
                write.setInt(1, i);
                assertThat(write.executeUpdate()).isOne();
                for (int again = 0; again < 3; again++) {
                    try (ResultSet rs = read.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).as("write " + i + ", read " + again).isEqualTo(i);
                        assertThat(rs.getInt(2)).as("write " + i + ", read " + again)
                                .isEqualTo(GTIDS_OFF_PRIMARY_ID);
                    }
                }
            }
        }
        try (ShardingDataSource shards = new ShardingDataSource(config(gtidsOffPrimary, ReplicaSettings.defaults()
                .withReplicaCheckMillis(200).withReadYourWrites(true)));
             Connection c = shards.getConnection();
             PreparedStatement read = c.prepareStatement("SELECT v, @@server_id FROM t_rw WHERE id = 1")) {
            assertThat(serverOf(read)).as("a connection that has not written reads the replica").isEqualTo(REPLICA_ID);
        }
    }

    private static int serverOf(PreparedStatement read) throws SQLException {
        try (ResultSet rs = read.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(2);
        }
    }
}
