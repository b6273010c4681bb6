package dev.shard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ApplicationLoad.Window;
import dev.shard.cli.StampedLines.Line;
import dev.shard.cli.reshard.ReshardOptions;
import dev.shard.cli.reshard.ReshardOutput;
import dev.shard.cli.reshard.Resharder;
import dev.shard.core.config.Settings;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.ShardKeys;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.ExtraMariaDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an application sees of a reshard: a MariaDB server of its own (ROW binary log), {@code t_kv} over four
 * shards, 8 threads reading and updating rows by key through two ShardingDataSources (a closed loop, see
 * {@link ApplicationLoad}), and {@link Resharder} moving to five shards in the middle. Per run it prints the
 * application's throughput before the reshard and in each phase, the copy's throughput relative to before, the
 * writers' latency around the switch (all writes, and those to moving slots, which the switch holds), the CPU the
 * machine, the server, this JVM and the tool's thread used in each window, and the load average; a CSV per run
 * (operations per second) goes to {@code target/reshard-load/}.
 *
 * <p>In the build it runs small and asserts only what must hold at any size: the reshard is done, every row is
 * once on the shard that owns it, no update was lost or applied twice (the values add up to the updates that
 * reported a changed row), and every read found its row. Timings are printed, never asserted: docs/performance.md
 * has the numbers of the full-size run and its command, e.g.
 *
 * <pre>
 * ./mvnw -B -ntp -o verify -pl shard-cli -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=ReshardLoadIT -Dfailsafe.failIfNoSpecifiedTests=false -Dshard-cli.it.argLine=-Xmx2g \
 *   -Dreshard.load.rows=1000000 -Dreshard.load.runs=3 -Dreshard.load.maxRowsPerSecond=0,20000
 * </pre>
 *
 * <p>A broadcast table {@code t_ref} of {@code reshard.load.broadcastRows} rows is on every shard: the fifth shard
 * joins the map, so its broadcast rows are copied, and the write pause at the switch must not grow with it.
 *
 * System properties: {@code reshard.load.rows} (default 20000), {@code .broadcastRows} (1000), {@code .runs} (1),
 * {@code .threads} (8),
 * {@code .writePercent} (20), {@code .warmUpSeconds} (1), {@code .beforeSeconds} (2), {@code .maxRowsPerSecond}
 * (a comma-separated list: each run reshards once per value, in turn; default 0, no throttle), {@code .chunkRows}
 * (the tool's default), {@code .slotMapPollMillis} (the setting's default).
 */
class ReshardLoadIT {

    private static final int ROWS = Integer.getInteger("reshard.load.rows", 20_000);
    private static final int BROADCAST_ROWS = Integer.getInteger("reshard.load.broadcastRows", 1_000);
    private static final int RUNS = Integer.getInteger("reshard.load.runs", 1);
    private static final int THREADS = Integer.getInteger("reshard.load.threads", 8);
    private static final int WRITE_PERCENT = Integer.getInteger("reshard.load.writePercent", 20);
    private static final long WARM_UP_SECONDS = Long.getLong("reshard.load.warmUpSeconds", 1);
    private static final long BEFORE_SECONDS = Long.getLong("reshard.load.beforeSeconds", 2);
    private static final List<Long> THROTTLES = Arrays.stream(
            System.getProperty("reshard.load.maxRowsPerSecond", "0").split(",")).map(String::trim)
            .map(Long::valueOf).toList();
    private static final int CHUNK_ROWS = Integer.getInteger("reshard.load.chunkRows",
            ReshardOptions.defaults().chunkRows());
    private static final long POLL_MILLIS = Long.getLong("reshard.load.slotMapPollMillis",
            Settings.DEFAULT_SLOT_MAP_POLL_MILLIS);
    private static final int LOAD_BATCH = 1000;

    private static ExtraMariaDb server;
    private static ProcessHandle serverProcess;
    private static final StringBuilder REPORT = new StringBuilder();

    @TempDir
    Path directory;

    @BeforeAll
    static void startServer() {
        List<String> options = new ArrayList<>(ExtraMariaDb.replicationOptions(1));
        // Room for a million rows per shard set in memory, and a redo log that does not checkpoint every second.
        options.addAll(List.of("--innodb-buffer-pool-size=256M", "--innodb-log-file-size=128M"));
        server = ExtraMariaDb.start(options);
        String port = "--port=" + server.port();
        serverProcess = ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(port)).orElse(false))
                .findFirst().orElse(null);
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
        if (!REPORT.isEmpty()) {
            System.out.println("ReshardLoadIT summary\n" + REPORT);
            Path file = Path.of("target", "reshard-load", "summary.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, REPORT);
        }
    }

    @Test
    void theApplicationKeepsReadingAndWritingWhileFourShardsBecomeFive() throws Exception {
        REPORT.append(String.format("%d rows, %d broadcast rows, %d threads (%d%% updates, the rest reads), chunk rows"
                + " %d, slot map poll %d ms, machine: %d cores, %s%n", ROWS, BROADCAST_ROWS, THREADS, WRITE_PERCENT, CHUNK_ROWS, POLL_MILLIS,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " "
                        + System.getProperty("os.version") + ", Java " + Runtime.version()));
        int index = 0;
        for (int run = 1; run <= RUNS; run++) {
            for (long throttle : THROTTLES) {
                index++;
                reshardUnderLoad(index, run, throttle);
            }
        }
    }

    private void reshardUnderLoad(int index, int run, long maxRowsPerSecond) throws Exception {
        List<String> shards = List.of("ds0", "ds1", "ds2", "ds3", "ds4");
        Map<String, String> databases = new LinkedHashMap<>();
        for (String shard : shards) {
            databases.put(shard, "load" + index + "_" + shard);
            server.createDatabase(databases.get(shard));
        }
        Path four = writeConfig("four" + index + ".yaml", databases, 4);
        Path five = writeConfig("five" + index + ".yaml", databases, 5);
        SlotMap fourMap = SlotMap.of(ShardConfig.fromYaml(four));
        SlotMap fiveMap = SlotMap.of(ShardConfig.fromYaml(five));
        long loadStarted = System.nanoTime();
        load(four, fourMap, databases);
        long loadSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - loadStarted);

        ShardConfig config = ShardConfig.fromYaml(five);
        StampedLines lines;
        Resharder.Result result;
        ApplicationLoad load;
        long origin;
        long beforeStart;
        long beforeEnd;
        CpuTimes beforeCpu;
        CpuTimes beforeEndCpu;
        String loadAverageBefore;
        long toolThread = Thread.currentThread().getId();
        try (ShardingDataSource a = ShardingDataSource.fromYaml(five);
             ShardingDataSource b = ShardingDataSource.fromYaml(five)) {
            load = new ApplicationLoad(List.of(a, b), THREADS, ROWS, WRITE_PERCENT,
                    k -> !owner(fourMap, k).equals(owner(fiveMap, k)));
            origin = System.nanoTime();
            load.start();
            // Sleeping is the measurement here: fixed windows of the application running on its own.
            TimeUnit.SECONDS.sleep(WARM_UP_SECONDS);
            loadAverageBefore = loadAverage();
            beforeStart = System.nanoTime();
            beforeCpu = CpuTimes.now(serverProcess, toolThread);
            TimeUnit.SECONDS.sleep(BEFORE_SECONDS);
            beforeEnd = System.nanoTime();
            beforeEndCpu = CpuTimes.now(serverProcess, toolThread);
            lines = new StampedLines(origin, System.out, () -> CpuTimes.now(serverProcess, toolThread));
            ReshardOptions options = ReshardOptions.defaults().withChunkRows(CHUNK_ROWS)
                    .withMaxRowsPerSecond(maxRowsPerSecond);
            try (PhysicalDataSources sources = new PhysicalDataSources(config, 4);
                 Resharder resharder = Resharder.open(config, options, new ReshardOutput(new PrintWriter(lines),
                         false), sources::get)) {
                result = resharder.run(false, plan -> true);
            }
            load.stop();
        }
        String loadAverageAfter = loadAverage();
        List<String> problems = load.problems();

        assertThat(result).isEqualTo(Resharder.Result.DONE);
        assertThat(problems).as("reads that found no row, updates that failed other than at the switch").isEmpty();
        assertEveryRowOnceOnItsOwner(fiveMap, databases, load.updates());
        for (String shard : shards) {
            try (Connection c = server.connect(databases.get(shard)); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(v), 0) FROM t_ref")) {
                rs.next();
                assertThat(rs.getLong(1)).as("broadcast rows on " + shard).isEqualTo(BROADCAST_ROWS);
                assertThat(rs.getLong(2)).as("broadcast values on " + shard)
                        .isEqualTo((long) BROADCAST_ROWS * (BROADCAST_ROWS + 1) / 2);
            }
        }

        // The phases, cut along the tool's lines.
        Line copy = line(lines, "phase copy:");
        Line catchUp = line(lines, "phase catch-up:");
        Line verify = line(lines, "phase verify:");
        Line switchStart = line(lines, "phase switch:");
        Line published = line(lines, "switch: version");
        Line cleanup = line(lines, "phase cleanup:");
        Line done = line(lines, "phase done:");
        Window before = load.window(beforeStart, beforeEnd);
        Window copying = load.window(copy.nanos(), catchUp.nanos());
        Window catchingUp = load.window(catchUp.nanos(), switchStart.nanos());
        // Held writes are let go when each instance next polls after the publication: a poll interval after it.
        long switchEnd = published.nanos() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS) + 100_000_000L;
        Window switching = load.window(switchStart.nanos(), switchEnd);
        Window cleaning = load.window(cleanup.nanos(), done.nanos());
        long moved = lines.all("copy: t_kv from").stream()
                .mapToLong(l -> Long.parseLong(l.text().replaceAll(".*: (\\d+) rows$", "$1"))).sum();

        StringBuilder report = new StringBuilder();
        report.append(String.format("run %d, --max-rows-per-second %d: load average %s before, %s after;"
                + " loading %d rows took %d s%n", run, maxRowsPerSecond, loadAverageBefore, loadAverageAfter, ROWS,
                loadSeconds));
        report.append(row("before", before, beforeCpu, beforeEndCpu));
        report.append(row("copy", copying, copy.cpu(), catchUp.cpu()));
        report.append(row("catch-up+verify", catchingUp, catchUp.cpu(), switchStart.cpu()));
        report.append(row("switch", switching, switchStart.cpu(), published.cpu()));
        report.append(row("cleanup", cleaning, cleanup.cpu(), done.cpu()));
        report.append(String.format("  copy/before throughput: %.2f; copy: %d rows read, %d moved in %.1f s"
                        + " (%.0f rows read/s); reshard plan to done %.1f s; %s%n",
                copying.operationsPerSecond() / before.operationsPerSecond(), ROWS, moved, copying.seconds(),
                ROWS / copying.seconds(), (done.nanos() - line(lines, "phase plan:").nanos()) / 1e9,
                "the tool: writes " + published.text().replaceAll(".*held for ", "held for ")));
        report.append("  writes started in the switch (freeze to publication + one poll): all "
                + switching.writeLatency().millis() + "; to moving slots " + switching.movingWrites().millis()
                + (switching.refused() > 0 ? "; refused: " + switching.refused() : "") + "\n");
        report.append("  writes started before: " + before.writeLatency().millis() + "\n");
        System.out.print(report);
        REPORT.append(report);

        Path csv = Path.of("target", "reshard-load", "run" + index + "-throttle" + maxRowsPerSecond + ".csv");
        Files.createDirectories(csv.getParent());
        List<String> perSecond = new ArrayList<>(load.perSecond(origin, done.nanos()));
        for (Line l : lines.all("phase ")) {
            perSecond.add("# " + String.format("%.3f", (l.nanos() - origin) / 1e9) + " s " + l.text());
        }
        Files.write(csv, perSecond);
        dropDatabases(databases);
    }

    private static String row(String name, Window window, CpuTimes from, CpuTimes to) {
        return String.format("  %-16s %6.1f s %7.0f ops/s (%5.0f reads/s, %5.0f updates/s), write p99 %s max %s ms;"
                        + " cores: %s%n", name, window.seconds(), window.operationsPerSecond(),
                window.reads() / window.seconds(), window.writes() / window.seconds(),
                ApplicationLoad.Latencies.ms(window.writeLatency().p99()),
                ApplicationLoad.Latencies.ms(window.writeLatency().max()), from.coresUntil(to));
    }

    private static Line line(StampedLines lines, String prefix) {
        return lines.first(prefix).orElseThrow(() -> new AssertionError("the tool printed no line '" + prefix
                + "'"));
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * The table through an instance of the four-shard deployment (which stores its map as version 1), then the rows
     * straight into each shard by their slot's owner, in batches, without the binary log (the reshard replays only
     * what comes after its copy starts).
     */
    private void load(Path four, SlotMap fourMap, Map<String, String> databases) throws SQLException {
        try (ShardingDataSource first = ShardingDataSource.fromYaml(four);
             Connection c = first.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_kv (k BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL, note VARCHAR(40))");
            s.execute("CREATE TABLE t_ref (id BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL, note VARCHAR(40))");
        }
        loadBroadcast(fourMap, databases);
        Map<String, Connection> connections = new LinkedHashMap<>();
        Map<String, PreparedStatement> inserts = new LinkedHashMap<>();
        Map<String, Integer> batched = new LinkedHashMap<>();
        try {
            for (String shard : fourMap.shards()) {
                Connection c = server.connect(databases.get(shard));
                connections.put(shard, c);
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION sql_log_bin = 0");
                }
                c.setAutoCommit(false);
                inserts.put(shard, c.prepareStatement("INSERT INTO t_kv (k, v, note) VALUES (?, 0, ?)"));
                batched.put(shard, 0);
            }
            for (long k = 1; k <= ROWS; k++) {
                String shard = owner(fourMap, k);
                PreparedStatement insert = inserts.get(shard);
                insert.setLong(1, k);
                insert.setString(2, "row " + k);
                insert.addBatch();
                if (batched.merge(shard, 1, Integer::sum) == LOAD_BATCH) {
                    insert.executeBatch();
                    connections.get(shard).commit();
                    batched.put(shard, 0);
                }
            }
            for (String shard : fourMap.shards()) {
                inserts.get(shard).executeBatch();
                connections.get(shard).commit();
                try (Statement s = connections.get(shard).createStatement()) {
                    s.execute("ANALYZE TABLE t_kv"); // the plan's row estimates
                }
            }
        } finally {
            for (Connection c : connections.values()) {
                c.close();
            }
        }
    }

    /** The broadcast table's rows straight into each shard, in batches, without the binary log. */
    private void loadBroadcast(SlotMap fourMap, Map<String, String> databases) throws SQLException {
        for (String shard : fourMap.shards()) {
            try (Connection c = server.connect(databases.get(shard)); Statement s = c.createStatement()) {
                s.execute("SET SESSION sql_log_bin = 0");
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO t_ref (id, v, note) VALUES (?, ?, ?)")) {
                    for (long id = 1; id <= BROADCAST_ROWS; id++) {
                        insert.setLong(1, id);
                        insert.setLong(2, id);
                        insert.setString(3, "reference row " + id);
                        insert.addBatch();
                        if (id % LOAD_BATCH == 0 || id == BROADCAST_ROWS) {
                            insert.executeBatch();
                            c.commit();
                        }
                    }
                }
                s.execute("ANALYZE TABLE t_ref");
            }
        }
    }

    /** Every row once, on the shard that owns its slot; the values add up to the updates the writers saw apply. */
    private void assertEveryRowOnceOnItsOwner(SlotMap map, Map<String, String> databases, long updates)
            throws SQLException {
        long rows = 0;
        long sum = 0;
        for (Map.Entry<String, String> shard : databases.entrySet()) {
            try (Connection c = server.connect(shard.getValue()); Statement s = c.createStatement()) {
                s.setFetchSize(Integer.MIN_VALUE);
                try (ResultSet rs = s.executeQuery("SELECT k, v FROM t_kv")) {
                    while (rs.next()) {
                        long k = rs.getLong(1);
                        if (!owner(map, k).equals(shard.getKey())) {
                            throw new AssertionError("key " + k + " is on " + shard.getKey() + ", its slot's owner is "
                                    + owner(map, k));
                        }
                        rows++;
                        sum += rs.getLong(2);
                    }
                }
            }
        }
        // Keys are 1..ROWS and each shard's table has a primary key: ROWS rows in all means each one once.
        assertThat(rows).as("rows over all shards").isEqualTo(ROWS);
        assertThat(sum).as("sum of the values: one per applied update").isEqualTo(updates);
    }

    private void dropDatabases(Map<String, String> databases) throws SQLException {
        try (Connection c = server.connect(""); Statement s = c.createStatement()) {
            for (String database : databases.values()) {
                s.execute("DROP DATABASE IF EXISTS `" + database + "`");
            }
        }
    }

    private static String owner(SlotMap map, long k) {
        return map.shards().get(map.shardIndexOfSlot(ShardKeys.slotOf(k)));
    }

    /** A configuration with the first {@code count} shards, all at the same weight. */
    private Path writeConfig(String file, Map<String, String> databases, int count) throws IOException {
        StringBuilder text = new StringBuilder("dataSources:\n");
        int i = 0;
        for (Map.Entry<String, String> shard : databases.entrySet()) {
            if (i++ < count) {
                text.append("  ").append(shard.getKey()).append(": { jdbcUrl: \"")
                        .append(server.jdbcUrl(shard.getValue())).append("\", username: root, password: \"\","
                                + " maximumPoolSize: 4, minimumIdle: 1 }\n");
            }
        }
        text.append("defaultDataSource: ds0\ntables:\n  t_kv: { shardingColumn: k }\nbroadcastTables: [t_ref]\n"
                + "settings:\n"
                + "  storeSlotMap: true\n  slotMapPollMillis: ").append(POLL_MILLIS).append("\n");
        Path path = directory.resolve(file);
        Files.writeString(path, text);
        return path;
    }
}
