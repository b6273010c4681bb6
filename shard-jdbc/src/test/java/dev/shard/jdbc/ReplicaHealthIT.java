package dev.shard.jdbc;

import dev.shard.core.config.ReplicaSettings;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.Readiness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica health, lag and read-your-writes over real MariaDB replication (docs/replication.md): one primary and two
 * replicas, {@code mariadbd} processes of the test's own, the replicas started {@code --read-only}. The application
 * reads the replicas as a monitoring-only user ({@code SELECT} and {@code SLAVE MONITOR}), writes on the primary as
 * an application user. Which server answered is told by {@code @@port}. Every test of the class uses these three
 * servers, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaHealthIT {

    private static final String DATABASE = "replica_health_" + ProcessHandle.current().pid();
    private static final long CHECK_MILLIS = 200;
    private static final long MAX_LAG_MILLIS = 1000;
    private static final int ROWS = 50;
    private static ExtraMariaDb primary;
    private static ExtraMariaDb replicaA;
    private static ExtraMariaDb replicaB;
    /** ds0: the primary, replicas A and B; health checks every 200 ms, a lag bound of 1 s. */
    private static ShardingDataSource shards;

    @BeforeAll
    static void startReplication() throws Exception {
        primary = ExtraMariaDb.start(ExtraMariaDb.replicationOptions(1));
        List<String> replicaOptions = new ArrayList<>(ExtraMariaDb.replicationOptions(2));
        replicaOptions.add("--read-only");
        replicaA = ExtraMariaDb.start(replicaOptions);
        replicaOptions.set(1, "--server-id=3");
        replicaB = ExtraMariaDb.start(replicaOptions);
        replicaA.replicateFrom(primary);
        replicaB.replicateFrom(primary);
        primary.createDatabase(DATABASE);
        try (Connection c = primary.connect(DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE USER 'shard_app'@'%' IDENTIFIED BY 'app-pw'");
            s.execute("GRANT ALL ON `" + DATABASE + "`.* TO 'shard_app'@'%'");
            s.execute("CREATE USER 'shard_monitor'@'%' IDENTIFIED BY 'monitor-pw'");
            s.execute("GRANT SELECT ON `" + DATABASE + "`.* TO 'shard_monitor'@'%'");
            s.execute("GRANT SLAVE MONITOR ON *.* TO 'shard_monitor'@'%'");
            s.execute("CREATE USER 'shard_reader'@'%' IDENTIFIED BY 'reader-pw'");
            s.execute("GRANT SELECT ON `" + DATABASE + "`.* TO 'shard_reader'@'%'");
            s.execute("CREATE TABLE t_item (id INT PRIMARY KEY, note VARCHAR(20))");
            s.execute("CREATE TABLE t_rw (id INT PRIMARY KEY, v INT)");
            s.execute("CREATE TABLE t_tick (id INT AUTO_INCREMENT PRIMARY KEY, at TIMESTAMP(3))");
            s.execute("INSERT INTO t_rw VALUES (1, 0)");
            for (int id = 1; id <= ROWS; id++) {
                s.execute("INSERT INTO t_item VALUES (" + id + ", 'n" + id + "')");
            }
        }
        replicaA.awaitCaughtUpWith(primary);
        replicaB.awaitCaughtUpWith(primary);
        shards = new ShardingDataSource(config(ReplicaSettings.defaults().withReplicaCheckMillis(CHECK_MILLIS)
                .withMaxReplicaLagMillis(MAX_LAG_MILLIS), "shard_monitor", "monitor-pw", replicaA, replicaB));
    }

    private static ShardConfig config(ReplicaSettings settings, String replicaUser, String replicaPassword,
                                      ExtraMariaDb... replicas) {
        ShardConfig.Builder builder = ShardConfig.builder()
                .dataSource("ds0", pool(primary, "shard_app", "app-pw"))
                .replicaSettings(settings);
        for (ExtraMariaDb replica : replicas) {
            builder.replica("ds0", pool(replica, replicaUser, replicaPassword));
        }
        return builder.build();
    }

    private static Map<String, String> pool(ExtraMariaDb server, String user, String password) {
        Map<String, String> pool = new HashMap<>(Map.of("jdbcUrl", server.jdbcUrl(DATABASE), "username", user,
                "password", password, "maximumPoolSize", "8"));
        // While a replica is down, a read waits this long for its pool before going elsewhere.
        pool.put("connectionTimeout", "1000");
        return pool;
    }

    @AfterAll
    static void stop() {
        if (shards != null) {
            shards.close();
        }
        for (ExtraMariaDb extra : new ExtraMariaDb[] {replicaB, replicaA, primary}) {
            if (extra != null) {
                extra.close();
            }
        }
    }

    private static int port(Connection connection, String sql) throws SQLException {
        return ReplicaStates.port(connection, sql);
    }

    private static void onServer(ExtraMariaDb server, String... statements) throws SQLException {
        try (Connection c = server.connect(DATABASE); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Test
    @Order(1)
    void checksWorkForAMonitoringUserOnReadOnlyReplicas() throws SQLException {
        for (String replica : List.of("ds0-replica0", "ds0-replica1")) {
            ReplicaStatus up = ReplicaStates.awaitState(shards, replica, ReplicaStatus.State.UP);
            assertThat(up.inRotation()).isTrue();
            assertThat(up.lagMillis()).isBetween(0L, MAX_LAG_MILLIS);
            assertThat(up.detail()).contains("Seconds_Behind_Master=");
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Connection c = shards.getConnection()) {
                assertThat(port(c, "SELECT @@read_only")).as("replicas run read-only").isOne();
                ports.add(port(c, "SELECT @@port"));
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
                    rs.next();
                    assertThat(rs.getString(1)).startsWith("shard_monitor@");
                }
            }
        }
        assertThat(ports).as("round robin over both replicas").containsOnly(replicaA.port(), replicaB.port())
                .contains(replicaA.port(), replicaB.port());

        // Without SLAVE MONITOR the replication status cannot be read: the replica stays out, and the state says why.
        try (ShardingDataSource unprivileged = new ShardingDataSource(config(ReplicaSettings.defaults()
                .withReplicaCheckMillis(CHECK_MILLIS), "shard_reader", "reader-pw", replicaA))) {
            ReplicaStatus down = ReplicaStates.awaitState(unprivileged, "ds0-replica0", ReplicaStatus.State.DOWN);
            assertThat(down.detail()).contains("SLAVE MONITOR").doesNotContain("reader-pw");
            assertThat(down.inRotation()).isFalse();
            try (Connection c = unprivileged.getConnection()) {
                assertThat(port(c, "SELECT @@port")).isEqualTo(primary.port());
            }
        }
    }

    /** Point reads on several threads, outside transactions; every answer is checked, every failure kept. */
    private static final class ReadLoad implements AutoCloseable {
        final Map<Integer, LongAdder> byPort = new ConcurrentHashMap<>();
        final AtomicLong reads = new AtomicLong();
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        ReadLoad(int count) {
            for (int i = 0; i < count; i++) {
                boolean connectionPerRead = i % 2 == 1; // half keep their connection, half take one per read
                Thread thread = new Thread(() -> run(connectionPerRead), "read-load-" + i);
                threads.add(thread);
                thread.start();
            }
        }

        long servedBy(ExtraMariaDb server) {
            LongAdder count = byPort.get(server.port());
            return count == null ? 0 : count.sum();
        }

        private void run(boolean connectionPerRead) {
            Connection kept = null;
            try {
                while (!stop.get()) {
                    Connection c = kept != null ? kept : shards.getConnection();
                    try {
                        read(c);
                    } catch (SQLException | AssertionError e) {
                        failures.add(e);
                    }
                    if (connectionPerRead) {
                        c.close();
                    } else {
                        kept = c;
                    }
                }
            } catch (SQLException e) {
                failures.add(e);
            } finally {
                if (kept != null) {
                    try {
                        kept.close();
                    } catch (SQLException e) {
                        failures.add(e);
                    }
                }
            }
        }

        private void read(Connection c) throws SQLException {
            int id = ThreadLocalRandom.current().nextInt(1, ROWS + 1);
            try (PreparedStatement p = c.prepareStatement("SELECT note, @@port FROM t_item WHERE id = ?")) {
                p.setInt(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("n" + id);
                    byPort.computeIfAbsent(rs.getInt(2), port -> new LongAdder()).increment();
                    reads.incrementAndGet();
                }
            }
        }

        /** Waits (bounded) until the load has done {@code more} reads beyond {@code from}. */
        void awaitReads(long from, long more, String what) {
            Readiness.await(reads::get, n -> n >= from + more, what);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(Readiness.BOUND.toMillis());
                assertThat(thread.isAlive()).as(thread.getName() + " ended").isFalse();
            }
        }
    }

    @Test
    @Order(2)
    void aReplicaKilledUnderReadLoadFailsNoReadLeavesAndComesBack() throws Exception {
        ReadLoad load = new ReadLoad(4);
        try {
            Readiness.await(() -> load.servedBy(replicaA), n -> n >= 50, "reads served by replica A");
            long killedAt = System.nanoTime();
            replicaA.stop();
            ReplicaStatus out = ReplicaStates.await(shards, "ds0-replica0", s -> !s.inRotation(), "out of rotation");
            long outMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            ReplicaStates.awaitState(shards, "ds0-replica0", ReplicaStatus.State.DOWN);
            long downMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            System.out.printf("replica A killed: out of the rotation after %d ms (%s), DOWN after %d ms "
                    + "(check interval %d ms)%n", outMillis, out.detail(), downMillis, CHECK_MILLIS);
            long servedByA = load.servedBy(replicaA);
            load.awaitReads(load.reads.get(), 400, "reads while replica A is down");
            assertThat(load.servedBy(replicaA)).as("nothing reads from the dead replica").isEqualTo(servedByA);
            assertThat(load.servedBy(replicaB)).isPositive();

            replicaA.restart();
            ReplicaStatus back = ReplicaStates.await(shards, "ds0-replica0",
                    s -> s.state() == ReplicaStatus.State.UP && s.inRotation(), "back in the rotation");
            System.out.printf("replica A restarted: %s%n", back.detail());
            Readiness.await(() -> load.servedBy(replicaA), n -> n >= servedByA + 50, "reads on replica A again");
        } finally {
            load.close();
        }
        System.out.printf("read load: %d reads, by port %s (A %d, B %d, primary %d)%n", load.reads.get(),
                load.byPort, replicaA.port(), replicaB.port(), primary.port());
        assertThat(load.failures).as("failed reads outside transactions").isEmpty();
    }

    /** Inserts into t_tick through Shard, as fast as it can, until closed. */
    private static final class Writes implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong count = new AtomicLong();
        private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread = new Thread(this::run, "writes");

        Writes() {
            thread.start();
            Readiness.await(count::get, n -> n > 0, "the first write");
        }

        private void run() {
            try (Connection c = shards.getConnection();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO t_tick (at) VALUES (NOW(3))")) {
                while (!stop.get()) {
                    insert.executeUpdate();
                    count.incrementAndGet();
                }
            } catch (SQLException e) {
                failures.add(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(Readiness.BOUND.toMillis());
            assertThat(failures).as("writes").isEmpty();
            assertThat(thread.isAlive()).isFalse();
        }
    }

    private static List<Integer> portsOfReads(int count) throws SQLException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try (Connection c = shards.getConnection()) {
                ports.add(port(c, "SELECT @@port"));
            }
        }
        return ports;
    }

    @Test
    @Order(3)
    void aStoppedOrLaggingReplicaLeavesTheRotationWhileWritesContinueAndReturns() throws Exception {
        ReplicaStates.await(shards, "ds0-replica0", ReplicaStatus::inRotation, "replica A in the rotation");
        try (Writes writes = new Writes()) {
            onServer(replicaB, "STOP SLAVE SQL_THREAD");
            ReplicaStatus stopped = ReplicaStates.awaitState(shards, "ds0-replica1", ReplicaStatus.State.STOPPED);
            assertThat(stopped.inRotation()).isFalse();
            assertThat(stopped.detail()).contains("SQL thread No");
            assertThat(portsOfReads(4)).as("reads skip the stopped replica").containsOnly(replicaA.port());
            onServer(replicaB, "START SLAVE");
            ReplicaStatus back = ReplicaStates.await(shards, "ds0-replica1",
                    s -> s.state() == ReplicaStatus.State.UP && s.inRotation(), "back after START SLAVE");
            // Back from STOPPED it is UP as soon as its lag is within the bound (hysteresis applies to LAGGING only).
            assertThat(back.lagMillis()).isLessThanOrEqualTo(MAX_LAG_MILLIS);

            // Lag with both threads running: events applied 3 s after the primary wrote them.
            onServer(replicaB, "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 3", "START SLAVE");
            ReplicaStatus lagging = ReplicaStates.awaitState(shards, "ds0-replica1", ReplicaStatus.State.LAGGING);
            System.out.printf("replica B delayed by 3 s: %s%n", lagging.detail());
            assertThat(lagging.lagMillis()).isGreaterThan(MAX_LAG_MILLIS);
            assertThat(lagging.inRotation()).isFalse();
            assertThat(portsOfReads(4)).as("reads skip the lagging replica").containsOnly(replicaA.port());
            onServer(replicaB, "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE");
            ReplicaStates.await(shards, "ds0-replica1", s -> s.state() == ReplicaStatus.State.UP && s.inRotation(),
                    "back once caught up");
            assertThat(portsOfReads(4)).contains(replicaB.port());
        }
    }

    @Test
    @Order(4)
    void readYourWritesSeesEveryWriteOnASlowReplicaAndWithoutItReadsAreStale() throws Exception {
        // Replica B applies each change of t_rw at least 5 ms late: a trigger that sleeps, run for row events.
        onServer(replicaB, "SET GLOBAL slave_run_triggers_for_rbr = YES",
                "CREATE TRIGGER t_rw_slow BEFORE UPDATE ON t_rw FOR EACH ROW SET @slept = SLEEP(0.005)");
        ReplicaSettings settings = ReplicaSettings.defaults().withReplicaCheckMillis(CHECK_MILLIS)
                .withMaxReplicaLagMillis(60_000);
        try (ShardingDataSource off = new ShardingDataSource(config(settings, "shard_monitor", "monitor-pw",
                replicaB));
             ShardingDataSource on = new ShardingDataSource(config(settings.withReadYourWrites(true),
                     "shard_monitor", "monitor-pw", replicaB))) {
            ReplicaStates.assertReadYourWrites(off, on, 3, "MariaDB"); // replica B: --server-id=3
        } finally {
            onServer(replicaB, "DROP TRIGGER t_rw_slow", "SET GLOBAL slave_run_triggers_for_rbr = NO");
        }
    }
}
