package dev.shard.cli.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardCli;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.ShardKeys;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.ExtraMariaDb;
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
 * The whole reshard on a MariaDB server of its own with a ROW binary log: 4 -> 5 shards, then the fifth drained
 * (5 -> 4), then a weight changed, each while 8 threads insert, update and delete by key through two application instances (two
 * ShardingDataSources in this JVM, started from the same shard.yaml) and a plain reference database receives the
 * same committed writes. Afterwards every row is on the shard that owns its slot, exactly once, and the union of
 * the shards equals the reference; every read during the run matched the reference.
 */
class ReshardIT {

    private static final List<String> SHARDS = List.of("ds0", "ds1", "ds2", "ds3", "ds4");
    private static final int KEYS = 4000;
    private static final int WRITERS = 8;

    private static ExtraMariaDb server;

    @TempDir
    Path directory;

    /** One lock per key: a write reaches the shards and then the reference before the next write of that key. */
    private final ReentrantLock[] keyLocks = new ReentrantLock[KEYS + 1];
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final List<String> readProblems = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startServer() {
        server = ExtraMariaDb.start(ExtraMariaDb.replicationOptions(1));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static String database(String name) {
        return "reshard_" + name;
    }

    @Test
    void addAFifthShardDrainItAndChangeAWeightWhileEightThreadsWrite() throws Exception {
        for (int i = 0; i <= KEYS; i++) {
            keyLocks[i] = new ReentrantLock();
        }
        for (String name : SHARDS) {
            server.createDatabase(database(name));
        }
        server.createDatabase(database("ref"));
        Path four = writeConfig("four.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0));
        Path five = writeConfig("five.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 1.0));
        Path drained = writeConfig("drained.yaml",
                Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 0.0));

        // The deployment as it was: four shards, the map they imply stored as version 1, and some rows.
        seed(four);

        // Two instances started from the file that names the fifth shard: it owns nothing until the reshard.
        try (ShardingDataSource a = ShardingDataSource.fromYaml(five);
             ShardingDataSource b = ShardingDataSource.fromYaml(five);
             Connection ref = server.connect(database("ref"))) {
            SlotMap fourMap = SlotMap.of(ShardConfig.fromYaml(four));
            SlotMap fiveMap = SlotMap.of(ShardConfig.fromYaml(five));
            long moving = movingKey(fourMap, fiveMap);
            assertThat(a.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                    .containsExactly(owner(fourMap, moving));

            Run grow = whileWriting(List.of(a, b), ref, () -> cli("reshard", "--config", five.toString(), "--yes",
                    "--chunk-rows", "500"));
            System.out.println(grow.output);
            assertThat(grow.exit).as(grow.output).isZero();
            assertThat(grow.output).containsSubsequence("phase plan:", "phase prepare:", "phase copy:",
                    "phase catch-up:", "phase verify:", "verify: no differences", "phase switch:", "phase cleanup:",
                    "phase done:");
            assertEveryRowOnceOnItsOwner(fiveMap, ref);
            assertThat(a.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards()).containsExactly("ds4");
            String status = cli("status", "--config", five.toString(), "--exact").output;
            assertThat(status).contains("topology version 2", "no reshard in progress", "2 instances");

            Run shrink = whileWriting(List.of(a, b), ref, () -> cli("reshard", "--config", drained.toString(),
                    "--yes"));
            assertThat(shrink.exit).as(shrink.output).isZero();
            assertEveryRowOnceOnItsOwner(fourMap, ref);
            assertThat(rows("ds4")).isEmpty();
            assertThat(b.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                    .containsExactly(owner(fourMap, moving));

            // A weight change: ds0 takes twice its share, from each of the others.
            Path heavier = writeConfig("heavier.yaml",
                    Map.of("ds0", 2.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 0.0));
            Run rebalance = whileWriting(List.of(a, b), ref, () -> cli("reshard", "--config", heavier.toString(),
                    "--yes"));
            assertThat(rebalance.exit).as(rebalance.output).isZero();
            assertThat(rebalance.output).contains("ds1 -> ds0:", "ds2 -> ds0:", "ds3 -> ds0:")
                    .doesNotContain("ds0 -> ");
            assertEveryRowOnceOnItsOwner(SlotMap.of(ShardConfig.fromYaml(heavier)), ref);
        }
        // For the record in the build log: how much happened around the two switches.
        System.out.println("ReshardIT: " + writes.get() + " writes applied, " + retried.get()
                + " refused at a switch and not applied");
        assertThat(readProblems).isEmpty();
        assertThat(writes.get()).as("writes during the two reshards").isGreaterThan(1000);
    }

    @Test
    void aToolKilledInTheCopyIsAbortedOrResumedAndOneKilledInTheCleanupIsResumed() throws Exception {
        for (int i = 0; i <= KEYS; i++) {
            keyLocks[i] = new ReentrantLock();
        }
        for (String name : SHARDS) {
            server.createDatabase(database(name));
        }
        server.createDatabase(database("ref"));
        Path four = writeConfig("four.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0));
        Path five = writeConfig("five.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 1.0));
        seed(four);
        SlotMap fourMap = SlotMap.of(ShardConfig.fromYaml(four));
        SlotMap fiveMap = SlotMap.of(ShardConfig.fromYaml(five));
        try (ShardingDataSource a = ShardingDataSource.fromYaml(five);
             ShardingDataSource b = ShardingDataSource.fromYaml(five);
             Connection ref = server.connect(database("ref"))) {
            Run abort = whileWriting(List.of(a, b), ref, () -> {
                killInCopy(five);
                return cli("reshard", "--config", five.toString(), "--abort");
            });
            assertThat(abort.exit).as(abort.output).isZero();
            assertThat(abort.output).contains("version 1 stays in force");
            assertThat(rows("ds4")).isEmpty();
            assertEveryRowOnceOnItsOwner(fourMap, ref);
            assertThat(cli("status", "--config", five.toString()).output).contains("topology version 1",
                    "no reshard in progress");

            Run resume = whileWriting(List.of(a, b), ref, () -> {
                killInCopy(five);
                return cli("reshard", "--config", five.toString(), "--resume", "--yes");
            });
            assertThat(resume.exit).as(resume.output).isZero();
            assertThat(resume.output).contains("in phase copy", "rows were copied before", "phase done:");
            assertEveryRowOnceOnItsOwner(fiveMap, ref);

            // Killed after the switch, in the cleanup: abort is refused, and a resume finishes the cleanup.
            Path drained = writeConfig("drained.yaml",
                    Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 0.0));
            Run cleanup = whileWriting(List.of(a, b), ref, () -> {
                killWhen(drained, "item = 'phase' AND value = 'cleanup'");
                Run refused = cli("reshard", "--config", drained.toString(), "--abort");
                assertThat(refused.exit).isEqualTo(ShardCli.EXIT_ERROR);
                assertThat(refused.output).contains("The switch is done", "--resume");
                return cli("reshard", "--config", drained.toString(), "--resume");
            });
            assertThat(cleanup.exit).as(cleanup.output).isZero();
            assertThat(cleanup.output).contains("in phase cleanup", "phase done:");
            assertEveryRowOnceOnItsOwner(fourMap, ref);
            assertThat(rows("ds4")).isEmpty();
        }
        assertThat(readProblems).isEmpty();
    }

    /** The four-shard deployment: its map stored as version 1, the table and half the keys, also in the reference. */
    private void seed(Path four) throws SQLException {
        try (ShardingDataSource first = ShardingDataSource.fromYaml(four);
             Connection c = first.getConnection(); Statement s = c.createStatement();
             Connection ref = server.connect(database("ref")); Statement r = ref.createStatement()) {
            String ddl = "CREATE TABLE t_kv (k BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL, note VARCHAR(40))";
            s.execute(ddl);
            r.execute(ddl);
            StringBuilder values = new StringBuilder();
            for (int k = 1; k <= KEYS; k += 2) {
                values.append(values.length() == 0 ? "" : ", ").append("(").append(k).append(", 0, 'seed')");
            }
            s.executeUpdate("INSERT INTO t_kv VALUES " + values);
            r.executeUpdate("INSERT INTO t_kv VALUES " + values);
        }
    }

    /**
     * Starts the packaged tool in a process of its own, throttled so that its copy takes seconds, and kills it with
     * SIGKILL once the progress table shows a copied chunk.
     */
    private void killInCopy(Path config) throws Exception {
        killWhen(config, "item LIKE 'copied/%'");
    }

    /** As {@link #killInCopy}, once the progress table has a row matching {@code condition}. */
    private void killWhen(Path config, String condition) throws Exception {
        Path jar = Path.of(System.getProperty("shard.cli.jar", "target/shard-cli.jar"));
        assertThat(jar).as("the packaged jar; run with mvn verify").isRegularFile();
        Process tool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "reshard", "--config", config.toString(), "--yes",
                "--chunk-rows", "20", "--max-rows-per-second", "200")
                .redirectErrorStream(true).redirectOutput(directory.resolve("killed.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!progressShows(condition)) {
                assertThat(tool.isAlive()).as(() -> "the tool ended before " + condition + ": " + output("killed.txt"))
                        .isTrue();
                assertThat(System.nanoTime() - deadline).as(condition + " within 2 minutes").isNegative();
                tool.waitFor(20, TimeUnit.MILLISECONDS);
            }
        } finally {
            tool.destroyForcibly(); // SIGKILL
            tool.waitFor();
        }
    }

    private String output(String file) {
        try {
            return Files.readString(directory.resolve(file));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private boolean progressShows(String condition) throws SQLException {
        try (Connection c = server.connect(database("ds0")); Statement s = c.createStatement();
             ResultSet exists = s.executeQuery("SHOW TABLES LIKE 'shard_reshard_progress'")) {
            if (!exists.next()) {
                return false;
            }
        }
        try (Connection c = server.connect(database("ds0")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shard_reshard_progress WHERE " + condition)) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    private record Run(int exit, String output) {
    }

    private interface Work {
        Run run() throws Exception;
    }

    /** Runs {@code work} while the writers and readers run; stops them once it returns, and checks they did work. */
    private Run whileWriting(List<ShardingDataSource> instances, Connection ref, Work work) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS + 2);
        List<Future<?>> running = new ArrayList<>();
        long before = writes.get();
        // Each instance writes and reads its own keys (every instances-th key): a read on one instance of a key
        // another instance wrote after switching may still see the old owner until this instance polls (the
        // protocol holds writes, not reads, while frozen), so the read check is per instance.
        int n = instances.size();
        for (int i = 0; i < WRITERS; i++) {
            int index = i % n;
            running.add(threads.submit(() -> write(instances.get(index), index, n, stop)));
        }
        for (int i = 0; i < n; i++) {
            int index = i;
            running.add(threads.submit(() -> read(instances.get(index), index, n, stop)));
        }
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
        try (Connection ref = server.connect(database("ref"))) {
            while (!stop.get()) {
                int k = key(index, instances);
                int op = ThreadLocalRandom.current().nextInt(3);
                String sql = switch (op) {
                    case 0 -> "INSERT INTO t_kv (k, v, note) VALUES (?, 1, 'new') ON DUPLICATE KEY UPDATE v = v + 1";
                    case 1 -> "UPDATE t_kv SET v = v + 10, note = 'updated' WHERE k = ?";
                    default -> "DELETE FROM t_kv WHERE k = ?";
                };
                keyLocks[k].lock();
                try {
                    try (Connection c = instance.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                        s.setLong(1, k);
                        s.executeUpdate();
                    } catch (SQLTransientException e) {
                        // Held past the bound or refused at the switch: not applied; the application retries.
                        retried.incrementAndGet();
                        continue;
                    }
                    try (PreparedStatement s = ref.prepareStatement(sql)) {
                        s.setLong(1, k);
                        s.executeUpdate();
                    }
                    writes.incrementAndGet();
                } finally {
                    keyLocks[k].unlock();
                }
            }
        }
        return null;
    }

    /** Reads a key through the instance and from the reference with no write of that key between them. */
    private Void read(ShardingDataSource instance, int index, int instances, AtomicBoolean stop) throws Exception {
        try (Connection ref = server.connect(database("ref"))) {
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

    /** A random key of this instance's share: keys are dealt out to the instances in turn. */
    private static int key(int index, int instances) {
        return instances * ThreadLocalRandom.current().nextInt(KEYS / instances) + index + 1;
    }

    private static List<String> select(Connection c, long k) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT k, v, note FROM t_kv WHERE k = ?")) {
            s.setLong(1, k);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getString(3));
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
        try (Statement s = ref.createStatement(); ResultSet rs = s.executeQuery("SELECT k, v, note FROM t_kv")) {
            while (rs.next()) {
                expected.put(rs.getLong(1), rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getString(3));
            }
        }
        assertThat(union).isEqualTo(expected);
    }

    private List<String> rows(String shard) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(database(shard)); Statement s = c.createStatement();
             ResultSet exists = s.executeQuery("SHOW TABLES LIKE 't_kv'")) {
            if (!exists.next()) {
                return rows;
            }
        }
        try (Connection c = server.connect(database(shard)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k, v, note FROM t_kv")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getString(3));
            }
        }
        return rows;
    }

    private static String owner(SlotMap map, long k) {
        return map.shards().get(map.shardIndexOfSlot(ShardKeys.slotOf(k)));
    }

    private static long movingKey(SlotMap from, SlotMap to) {
        for (long k = 1; ; k++) {
            if (owner(to, k).equals("ds4") && !owner(from, k).equals("ds4")) {
                return k;
            }
        }
    }

    private Path writeConfig(String file, Map<String, Double> weights) throws Exception {
        StringBuilder text = new StringBuilder("dataSources:\n");
        for (String name : SHARDS) {
            if (weights.containsKey(name)) {
                text.append("  ").append(name).append(": { jdbcUrl: \"").append(server.jdbcUrl(database(name)))
                        .append("\", username: root, password: \"\", maximumPoolSize: 4, minimumIdle: 1, weight: ")
                        .append(weights.get(name)).append(" }\n");
            }
        }
        text.append("""
                defaultDataSource: ds0
                tables:
                  t_kv: { shardingColumn: k }
                settings:
                  storeSlotMap: true
                  slotMapPollMillis: 100
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
