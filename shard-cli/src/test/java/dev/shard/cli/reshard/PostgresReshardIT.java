package dev.shard.cli.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardCli;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.ShardKeys;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.PrivatePostgresCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole reshard on PostgreSQL: a private cluster of the test's own with {@code wal_level = logical}
 * ({@link PrivatePostgresCluster}; the shared server has {@code replica}), several databases on it as data sources,
 * 2 -> 3 while writer threads insert, update and delete by key through two application instances, one more thread
 * updates a broadcast table, and a plain reference database receives the same committed writes. Afterwards every
 * row is on the data source that owns its slot, exactly once, the union equals the reference, and the tool left no
 * replication slot or publication behind. The tool is also killed (SIGKILL) in the copy and in the catch-up and
 * resumed, aborted after a kill, and run dry.
 */
class PostgresReshardIT {

    private static final List<String> SHARDS = List.of("ds0", "ds1", "ds2");
    private static final int KEYS = 2000;
    private static final int WRITERS = 4;
    private static final int REGIONS = 10;
    private static final String PROGRESS = "shard_reshard_progress";

    private static PrivatePostgresCluster cluster;

    @TempDir
    Path directory;

    private final ReentrantLock[] keyLocks = new ReentrantLock[KEYS + 1];
    private final ReentrantLock[] regionLocks = new ReentrantLock[REGIONS + 1];
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final List<String> readProblems = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startCluster() {
        cluster = PrivatePostgresCluster.startLogical();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String database(String name) {
        return "pgreshard_" + name;
    }

    private void freshDatabases() throws SQLException {
        for (int i = 0; i <= KEYS; i++) {
            keyLocks[i] = new ReentrantLock();
        }
        for (int i = 0; i <= REGIONS; i++) {
            regionLocks[i] = new ReentrantLock();
        }
        for (String name : SHARDS) {
            cluster.createDatabase(database(name));
        }
        cluster.createDatabase(database("ref"));
    }

    @Test
    void aThirdDataSourceJoinsWhileTheApplicationsWrite() throws Exception {
        freshDatabases();
        Path two = writeConfig("two.yaml", Map.of("ds0", 1.0, "ds1", 1.0));
        Path three = writeConfig("three.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0));
        seed(two);
        SlotMap twoMap = SlotMap.of(ShardConfig.fromYaml(two));
        SlotMap threeMap = SlotMap.of(ShardConfig.fromYaml(three));
        try (ShardingDataSource a = ShardingDataSource.fromYaml(three);
             ShardingDataSource b = ShardingDataSource.fromYaml(three);
             Connection ref = cluster.connect(database("ref"))) {
            long moving = movingKey(twoMap, threeMap);
            assertThat(a.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                    .containsExactly(owner(twoMap, moving));

            Run dry = cli("reshard", "--config", three.toString(), "--dry-run");
            assertThat(dry.exit).as(dry.output).isZero();
            assertThat(dry.output).contains("phase plan:", "ds0 -> ds2:", "ds1 -> ds2:", "Dry run: nothing was"
                    + " changed.").doesNotContain("problem:");
            assertThat(progressShows("1 = 1")).isFalse();
            assertNothingLeftOnTheSources();

            Run grow = whileWriting(List.of(a, b), () -> cli("reshard", "--config", three.toString(), "--yes",
                    "--chunk-rows", "200"));
            System.out.println(grow.output);
            assertThat(grow.exit).as(grow.output).isZero();
            assertThat(grow.output).containsSubsequence("phase plan:", "phase prepare:", "phase copy:",
                    "phase catch-up:", "phase verify:", "phase switch:", "phase cleanup:", "phase done:");
            assertThat(grow.output).contains("switch: broadcast tables copied to ds2");
            assertEveryRowOnceOnItsOwner(threeMap, ref);
            assertThat(a.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards()).containsExactly("ds2");
            assertNothingLeftOnTheSources();
            assertThat(cli("status", "--config", three.toString()).output).contains("topology version 2",
                    "no reshard in progress");
        }
        System.out.println("PostgresReshardIT: " + writes.get() + " writes applied, " + retried.get()
                + " refused at the switch and not applied");
        assertThat(readProblems).isEmpty();
        assertThat(writes.get()).as("writes during the reshard").isGreaterThan(200);
    }

    /**
     * Killed in the copy, then aborted: the old map stays, no copy is left, nor the slot. Killed in the copy again
     * and resumed; then (after a drain back to two) killed in the catch-up, reached for certain by holding a row lock
     * on the progress row the catch-up writes when it has applied the log, and resumed: the slot kept the changes.
     */
    @Test
    void aToolKilledInTheCopyOrTheCatchUpIsAbortedOrResumed() throws Exception {
        freshDatabases();
        Path two = writeConfig("two.yaml", Map.of("ds0", 1.0, "ds1", 1.0));
        Path three = writeConfig("three.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0));
        Path drained = writeConfig("drained.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 0.0));
        seed(two);
        SlotMap twoMap = SlotMap.of(ShardConfig.fromYaml(two));
        SlotMap threeMap = SlotMap.of(ShardConfig.fromYaml(three));
        try (ShardingDataSource a = ShardingDataSource.fromYaml(three);
             ShardingDataSource b = ShardingDataSource.fromYaml(three);
             Connection ref = cluster.connect(database("ref"))) {
            Run abort = whileWriting(List.of(a, b), () -> {
                killWhen(three, "item LIKE 'copied/%'");
                assertThat(slots()).as("the slots of the killed run").isNotEmpty();
                return cli("reshard", "--config", three.toString(), "--abort");
            });
            assertThat(abort.exit).as(abort.output).isZero();
            assertThat(abort.output).contains("version 1 stays in force");
            assertThat(rows("ds2")).isEmpty();
            assertEveryRowOnceOnItsOwner(twoMap, ref);
            assertNothingLeftOnTheSources();

            Run resume = whileWriting(List.of(a, b), () -> {
                killWhen(three, "item LIKE 'copied/%'");
                return cli("reshard", "--config", three.toString(), "--resume", "--yes");
            });
            assertThat(resume.exit).as(resume.output).isZero();
            assertThat(resume.output).contains("in phase copy", "rows were copied before", "phase done:");
            assertEveryRowOnceOnItsOwner(threeMap, ref);
            assertNothingLeftOnTheSources();

            // Back to two (ds2 drained) with the tool killed in the catch-up.
            Run catchUp = whileWriting(List.of(a, b), () -> {
                Process tool = startTool("catch-up.txt", "--config", drained.toString(), "--yes", "--chunk-rows",
                        "50", "--max-rows-per-second", "500");
                try {
                    awaitPhase(tool, "catch-up.txt", "copy");
                    try (RowLock positions = new RowLock(progressItem("position/ds2"))) {
                        assertThat(phase()).isEqualTo("copy");
                        killWhen(tool, "catch-up.txt", "the catch-up", () -> "catch-up".equals(phase()));
                    }
                } finally {
                    kill(tool);
                }
                assertThat(phase()).isEqualTo("catch-up");
                return cli("reshard", "--config", drained.toString(), "--resume");
            });
            assertThat(catchUp.exit).as(catchUp.output).isZero();
            assertThat(catchUp.output).contains("in phase catch-up", "phase verify:", "phase done:")
                    .doesNotContain("phase copy:");
            assertEveryRowOnceOnItsOwner(twoMap, ref);
            assertThat(rows("ds2")).isEmpty();
            assertNothingLeftOnTheSources();
        }
        assertThat(readProblems).isEmpty();
    }

    /** No replication slot or publication of the tool on the cluster. */
    private void assertNothingLeftOnTheSources() throws SQLException {
        assertThat(slots()).isEmpty();
        for (String shard : SHARDS) {
            try (Connection c = cluster.connect(database(shard)); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_publication")) {
                rs.next();
                assertThat(rs.getInt(1)).as("publications on " + shard).isZero();
            }
        }
    }

    private List<String> slots() throws SQLException {
        List<String> slots = new ArrayList<>();
        try (Connection c = cluster.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots")) {
            while (rs.next()) {
                slots.add(rs.getString(1));
            }
        }
        return slots;
    }

    private void seed(Path two) throws SQLException {
        try (ShardingDataSource first = ShardingDataSource.fromYaml(two);
             Connection c = first.getConnection(); Statement s = c.createStatement();
             Connection ref = cluster.connect(database("ref")); Statement r = ref.createStatement()) {
            String ddl = "CREATE TABLE t_kv (k BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL, note TEXT,"
                    + " at TIMESTAMPTZ(6) NOT NULL DEFAULT '2026-01-02 03:04:05.123456+00')";
            s.execute(ddl);
            r.execute(ddl);
            StringBuilder values = new StringBuilder();
            for (int k = 1; k <= KEYS; k += 2) {
                values.append(values.length() == 0 ? "" : ", ").append("(").append(k).append(", 0, 'seed')");
            }
            s.executeUpdate("INSERT INTO t_kv (k, v, note) VALUES " + values);
            r.executeUpdate("INSERT INTO t_kv (k, v, note) VALUES " + values);
            String broadcast = "CREATE TABLE t_region (id BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL)";
            s.execute(broadcast);
            r.execute(broadcast);
            StringBuilder regions = new StringBuilder();
            for (int id = 1; id <= REGIONS; id++) {
                regions.append(regions.length() == 0 ? "" : ", ").append("(").append(id).append(", 0)");
            }
            s.executeUpdate("INSERT INTO t_region VALUES " + regions);
            r.executeUpdate("INSERT INTO t_region VALUES " + regions);
        }
    }

    /** Starts the packaged tool and kills it with SIGKILL once the progress table has a row matching it. */
    private void killWhen(Path config, String condition) throws Exception {
        Process tool = startTool("killed.txt", "--config", config.toString(), "--yes", "--chunk-rows", "20",
                "--max-rows-per-second", "200");
        killWhen(tool, "killed.txt", condition, () -> progressShows(condition));
    }

    private Process startTool(String output, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("shard.cli.jar", "target/shard-cli.jar"));
        assertThat(jar).as("the packaged jar; run with mvn verify").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "reshard"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve(output).toFile()).start();
    }

    private interface Condition {
        boolean holds() throws SQLException;
    }

    private void killWhen(Process tool, String output, String what, Condition condition) throws Exception {
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!condition.holds()) {
                assertThat(tool.isAlive()).as(() -> "the tool ended before " + what + ": " + output(output)).isTrue();
                assertThat(System.nanoTime() - deadline).as(what + " within 2 minutes").isNegative();
                tool.waitFor(20, TimeUnit.MILLISECONDS);
            }
        } finally {
            kill(tool);
        }
    }

    private void awaitPhase(Process tool, String output, String phase) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!phase.equals(phase())) {
            assertThat(tool.isAlive()).as(() -> "the tool ended before phase " + phase + ": " + output(output))
                    .isTrue();
            assertThat(System.nanoTime() - deadline).as("phase " + phase + " within 2 minutes").isNegative();
            tool.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    private static void kill(Process tool) throws InterruptedException {
        tool.destroyForcibly();
        tool.waitFor();
    }

    private String output(String file) {
        try {
            return Files.readString(directory.resolve(file));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String progressItem(String item) {
        return "SELECT item FROM " + PROGRESS + " WHERE item = '" + item + "'";
    }

    private String phase() throws SQLException {
        if (!progressShows("item = 'phase'")) {
            return null;
        }
        try (Connection c = cluster.connect(database("ds0")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT value FROM " + PROGRESS + " WHERE item = 'phase'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private boolean progressShows(String condition) throws SQLException {
        try (Connection c = cluster.connect(database("ds0")); Statement s = c.createStatement()) {
            try (ResultSet exists = s.executeQuery("SELECT to_regclass('" + PROGRESS + "') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return false;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + PROGRESS + " WHERE " + condition)) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    /**
     * Rows of the metadata database locked FOR UPDATE by a transaction of the test's, until closed. Closing first
     * ends the sessions waiting for them (a killed tool's statements, which must not go on once the lock is gone),
     * then rolls back.
     */
    private static final class RowLock implements AutoCloseable {

        private final Connection connection;
        private final int pid;

        RowLock(String... selects) throws SQLException {
            connection = cluster.connect(database("ds0"));
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                for (String select : selects) {
                    s.executeQuery(select + " FOR UPDATE").close();
                }
                try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getInt(1);
                }
            }
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = cluster.connect(database("ds0")); Statement s = c.createStatement()) {
                s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + pid
                        + " = ANY (pg_blocking_pids(pid))").close();
            } finally {
                connection.rollback();
                connection.close();
            }
        }
    }

    private record Run(int exit, String output) {
    }

    private interface Work {
        Run run() throws Exception;
    }

    private Run whileWriting(List<ShardingDataSource> instances, Work work) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS + instances.size() + 1);
        List<Future<?>> running = new ArrayList<>();
        long before = writes.get();
        int n = instances.size();
        for (int i = 0; i < WRITERS; i++) {
            int index = i % n;
            running.add(threads.submit(() -> write(instances.get(index), index, n, stop)));
        }
        for (int i = 0; i < n; i++) {
            int index = i;
            running.add(threads.submit(() -> read(instances.get(index), index, n, stop)));
        }
        running.add(threads.submit(() -> writeBroadcast(instances, stop)));
        Run result;
        try {
            result = work.run();
        } finally {
            stop.set(true);
            threads.shutdown();
            assertThat(threads.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        for (Future<?> future : running) {
            future.get();
        }
        assertThat(writes.get()).isGreaterThan(before);
        return result;
    }

    private Void write(ShardingDataSource instance, int index, int instances, AtomicBoolean stop) throws Exception {
        try (Connection ref = cluster.connect(database("ref"))) {
            while (!stop.get()) {
                int k = key(index, instances);
                String sql = switch (ThreadLocalRandom.current().nextInt(3)) {
                    case 0 -> "INSERT INTO t_kv (k, v, note) VALUES (?, 1, 'new') ON CONFLICT (k) DO UPDATE"
                            + " SET v = t_kv.v + 1";
                    case 1 -> "UPDATE t_kv SET v = v + 10, note = 'updated', at = clock_timestamp() WHERE k = ?";
                    default -> "DELETE FROM t_kv WHERE k = ?";
                };
                keyLocks[k].lock();
                try {
                    writeBoth(instance, ref, sql, k);
                } finally {
                    keyLocks[k].unlock();
                }
            }
        }
        return null;
    }

    /**
     * The write through the instance and, once applied there, on the reference; an UPDATE's clock_timestamp() is
     * taken from the instance's row and given to the reference, so both hold the same instant.
     */
    private void writeBoth(ShardingDataSource instance, Connection ref, String sql, long key) throws SQLException {
        try (Connection c = instance.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, key);
            s.executeUpdate();
        } catch (SQLTransientException e) {
            retried.incrementAndGet();
            return;
        }
        if (sql.contains("clock_timestamp()")) {
            String at = null;
            try (Connection c = instance.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT at::text FROM t_kv WHERE k = ?")) {
                s.setLong(1, key);
                try (ResultSet rs = s.executeQuery()) {
                    at = rs.next() ? rs.getString(1) : null;
                }
            }
            try (PreparedStatement s = ref.prepareStatement("UPDATE t_kv SET v = v + 10, note = 'updated',"
                    + " at = ?::timestamptz WHERE k = ?")) {
                s.setString(1, at == null ? "2026-01-01 00:00:00+00" : at);
                s.setLong(2, key);
                s.executeUpdate();
            }
        } else {
            try (PreparedStatement s = ref.prepareStatement(sql)) {
                s.setLong(1, key);
                s.executeUpdate();
            }
        }
        writes.incrementAndGet();
    }

    private Void writeBroadcast(List<ShardingDataSource> instances, AtomicBoolean stop) throws Exception {
        String sql = "UPDATE t_region SET v = v + 1 WHERE id = ?";
        try (Connection ref = cluster.connect(database("ref"))) {
            for (int turn = 0; !stop.get(); turn++) {
                int id = 1 + ThreadLocalRandom.current().nextInt(REGIONS);
                regionLocks[id].lock();
                try {
                    writeBoth(instances.get(turn % instances.size()), ref, sql, id);
                } finally {
                    regionLocks[id].unlock();
                }
            }
        }
        return null;
    }

    private Void read(ShardingDataSource instance, int index, int instances, AtomicBoolean stop) throws Exception {
        try (Connection ref = cluster.connect(database("ref"))) {
            while (!stop.get()) {
                int k = key(index, instances);
                keyLocks[k].lock();
                try {
                    List<String> sharded;
                    try (Connection c = instance.getConnection()) {
                        sharded = select(c, k);
                    }
                    List<String> expected = select(ref, k);
                    if (!sharded.equals(expected)) {
                        readProblems.add("key " + k + ": read " + sharded + ", reference " + expected);
                    }
                } finally {
                    keyLocks[k].unlock();
                }
            }
        }
        return null;
    }

    private static int key(int index, int instances) {
        return instances * ThreadLocalRandom.current().nextInt(KEYS / instances) + index + 1;
    }

    private static List<String> select(Connection c, long k) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT k, v, note, at::text FROM t_kv WHERE k = ?")) {
            s.setLong(1, k);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
                }
            }
        }
        return rows;
    }

    private void assertEveryRowOnceOnItsOwner(SlotMap map, Connection ref) throws SQLException {
        Map<Long, String> union = new TreeMap<>();
        for (String shard : SHARDS) {
            for (String row : rows(shard)) {
                long k = Long.parseLong(row.substring(0, row.indexOf('|')));
                assertThat(owner(map, k)).as("key " + k + " on " + shard).isEqualTo(shard);
                assertThat(union.put(k, row)).as("key " + k + " twice").isNull();
            }
        }
        Map<Long, String> expected = new TreeMap<>();
        try (Statement s = ref.createStatement();
             ResultSet rs = s.executeQuery("SELECT k, v, note, at::text FROM t_kv")) {
            while (rs.next()) {
                expected.put(rs.getLong(1), rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getString(3) + "|"
                        + rs.getString(4));
            }
        }
        assertThat(union).isEqualTo(expected);
        List<String> regions = regions(ref);
        for (String shard : map.shards()) {
            try (Connection c = cluster.connect(database(shard))) {
                assertThat(regions(c)).as("t_region on " + shard).isEqualTo(regions);
            }
        }
    }

    private static List<String> regions(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM t_region ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + "|" + rs.getLong(2));
            }
        }
        return rows;
    }

    private List<String> rows(String shard) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = cluster.connect(database(shard)); Statement s = c.createStatement()) {
            try (ResultSet exists = s.executeQuery("SELECT to_regclass('t_kv') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return rows;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT k, v, note, at::text FROM t_kv")) {
                while (rs.next()) {
                    rows.add(rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
                }
            }
        }
        return rows;
    }

    private static String owner(SlotMap map, long k) {
        return map.shards().get(map.shardIndexOfSlot(ShardKeys.slotOf(k)));
    }

    private static long movingKey(SlotMap from, SlotMap to) {
        for (long k = 1; ; k++) {
            if (owner(to, k).equals("ds2") && !owner(from, k).equals("ds2")) {
                return k;
            }
        }
    }

    private Path writeConfig(String file, Map<String, Double> weights) throws Exception {
        StringBuilder text = new StringBuilder("dataSources:\n");
        for (String name : SHARDS) {
            if (weights.containsKey(name)) {
                text.append("  ").append(name).append(": { jdbcUrl: \"").append(cluster.jdbcUrl(database(name)))
                        .append("\", username: postgres, maximumPoolSize: 4, minimumIdle: 1, weight: ")
                        .append(weights.get(name)).append(" }\n");
            }
        }
        text.append("""
                defaultDataSource: ds0
                tables:
                  t_kv: { shardingColumn: k }
                broadcastTables: [t_region]
                settings:
                  storeSlotMap: true
                  slotMapPollMillis: 100
                  reshardWriteHoldMillis: 3000
                """);
        Path path = directory.resolve(file);
        Files.writeString(path, text);
        return path;
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = ShardCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8));
    }
}
