package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.MySqlServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A measurement, not a test: what a frozen and then a killed shard does to an application under load. Run it with
 *
 * <pre>
 * ./mvnw -q -pl shard-jdbc -am -DskipTests test-compile exec:java -Dexec.mainClass=dev.shard.jdbc.StalledShardLoad
 * </pre>
 *
 * <p>Four shards: ds0, ds2 and ds3 on the shared server ({@link MySqlServer}), ds1 on a {@code mariadbd} of its own
 * ({@link ExtraMariaDb}), each a table of {@value #USERS_PER_SHARD} users. {@value #THREADS} threads run point
 * selects for random users (so a quarter of them for ds1), each as an application does it: a connection from the
 * data source, prepare, {@code setQueryTimeout}, execute, read, close. The timeline: warm-up, baseline, ds1 frozen
 * (SIGSTOP), thawed, ds1 killed (SIGKILL), restarted. It prints, per phase, the throughput of the healthy shards
 * against the baseline, what happened to ds1's statements (how many failed, how, and how long the timed-out ones
 * took against their timeout), when ds1's traffic came back after the restart, and the pools once the load stops.
 *
 * <p>Options (system properties): {@code -Dload.timeoutSeconds=2} (the query timeout), {@code -Dload.phaseSeconds=15}
 * (baseline, frozen and killed phases), {@code -Dload.out=FILE} (also write the report there).
 */
public final class StalledShardLoad {

    static final int THREADS = 8;
    static final int USERS_PER_SHARD = 2_500;
    static final int SHARDS = 4;
    static final int BAD = 1;
    /** Time buckets of the recording. */
    static final long BUCKET_MILLIS = 100;

    /** What became of one statement. */
    enum Outcome { OK, TIMEOUT, SHARD_DOWN, OTHER }

    private final int timeoutSeconds = Integer.getInteger("load.timeoutSeconds", 2);
    private final int phaseSeconds = Integer.getInteger("load.phaseSeconds", 15);
    private final String suffix = "_" + ProcessHandle.current().pid();
    private final StringBuilder report = new StringBuilder();
    private long[] users;
    private int[] shardOfUser;
    private volatile boolean stopping;
    private long startNanos;

    public static void main(String[] args) throws Exception {
        new StalledShardLoad().run();
    }

    private void run() throws Exception {
        MySqlServer server = MySqlServer.require();
        try (ExtraMariaDb extra = ExtraMariaDb.start()) {
            for (int shard = 0; shard < SHARDS; shard++) {
                if (shard == BAD) {
                    extra.createDatabase(database(shard));
                } else {
                    server.recreateDatabase(database(shard));
                }
            }
            ShardConfig.Builder config = ShardConfig.builder();
            for (int shard = 0; shard < SHARDS; shard++) {
                config.dataSource("ds" + shard, shard == BAD
                        ? pool(extra.jdbcUrl(database(shard)), extra.user(), extra.password())
                        : pool(server.jdbcUrl(database(shard)), server.user(), server.password()));
            }
            try (ShardingDataSource sharded = new ShardingDataSource(config.defaultDataSource("ds0")
                    .shardedTable("t", "user_id").build())) {
                load(sharded);
                measure(sharded, extra);
            } finally {
                for (int shard = 0; shard < SHARDS; shard++) {
                    if (shard != BAD) {
                        server.dropDatabase(database(shard));
                    }
                }
            }
        }
        String out = System.getProperty("load.out");
        if (out != null) {
            Files.writeString(Path.of(out), report, StandardCharsets.UTF_8);
        }
    }

    private void load(ShardingDataSource sharded) throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (user_id BIGINT NOT NULL, note VARCHAR(50) NOT NULL, PRIMARY KEY (user_id))");
        }
        List<Long> ids = new ArrayList<>();
        int[] perShard = new int[SHARDS];
        List<Integer> shards = new ArrayList<>();
        for (long id = 1; Arrays.stream(perShard).anyMatch(n -> n < USERS_PER_SHARD); id++) {
            int shard = Integer.parseInt(sharded.explain("SELECT note FROM t WHERE user_id = ?", id).shards().get(0)
                    .substring(2));
            if (perShard[shard] < USERS_PER_SHARD) {
                perShard[shard]++;
                ids.add(id);
                shards.add(shard);
            }
        }
        users = ids.stream().mapToLong(Long::longValue).toArray();
        shardOfUser = shards.stream().mapToInt(Integer::intValue).toArray();
        try (Connection c = sharded.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO t (user_id, note) VALUES (?, 'row')")) {
            for (long id : users) {
                insert.setLong(1, id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** One load thread's record: counts per time bucket, shard and outcome, and the latencies of ds1's failures. */
    private final class Recorder implements Runnable {
        final int[][][] counts;
        long[] badFailures = new long[1024]; // pairs: bucket, latency nanos | outcome in the top bits
        int badFailureCount;
        long[] healthyLatencyMicros = new long[64];

        Recorder(int buckets) {
            counts = new int[buckets][SHARDS][Outcome.values().length];
        }

        @Override
        public void run() {
            while (!stopping) {
                int index = ThreadLocalRandom.current().nextInt(users.length);
                int shard = shardOfUser[index];
                long started = System.nanoTime();
                Outcome outcome = selectOne(users[index]);
                long ended = System.nanoTime();
                int bucket = (int) Math.min(counts.length - 1,
                        TimeUnit.NANOSECONDS.toMillis(ended - startNanos) / BUCKET_MILLIS);
                counts[bucket][shard][outcome.ordinal()]++;
                if (shard == BAD && outcome != Outcome.OK) {
                    if (badFailureCount * 2 + 2 > badFailures.length) {
                        badFailures = Arrays.copyOf(badFailures, badFailures.length * 2);
                    }
                    int startBucket = (int) (TimeUnit.NANOSECONDS.toMillis(started - startNanos) / BUCKET_MILLIS);
                    badFailures[badFailureCount * 2] = startBucket;
                    badFailures[badFailureCount * 2 + 1] = ((long) outcome.ordinal() << 56) | (ended - started);
                    badFailureCount++;
                }
            }
        }

        private Outcome selectOne(long user) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement select = c.prepareStatement("SELECT note FROM t WHERE user_id = ?")) {
                select.setQueryTimeout(timeoutSeconds);
                select.setLong(1, user);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Outcome.OTHER;
                    }
                }
                return Outcome.OK;
            } catch (SQLTimeoutException e) {
                return Outcome.TIMEOUT;
            } catch (SQLTransientConnectionException e) {
                return e.getMessage().contains(" is down since ") ? Outcome.SHARD_DOWN : Outcome.OTHER;
            } catch (SQLException e) {
                return Outcome.OTHER;
            }
        }
    }

    private ShardingDataSource dataSource;

    private void measure(ShardingDataSource sharded, ExtraMariaDb extra) throws Exception {
        dataSource = sharded;
        long warmUp = 10;
        long phase = phaseSeconds;
        // The timeline, in seconds from the start.
        long baselineFrom = warmUp;
        long freezeAt = baselineFrom + phase;
        long thawAt = freezeAt + phase;
        long killAt = thawAt + phase;
        long restartAt = killAt + phase;
        long end = restartAt + phase;
        int buckets = (int) (TimeUnit.SECONDS.toMillis(end + 60) / BUCKET_MILLIS);
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        startNanos = System.nanoTime();
        for (int i = 0; i < THREADS; i++) {
            Recorder recorder = new Recorder(buckets);
            recorders.add(recorder);
            Thread thread = new Thread(recorder, "load-" + i);
            threads.add(thread);
            thread.start();
        }
        sleepUntil(freezeAt);
        extra.freeze();
        sleepUntil(thawAt);
        extra.thaw();
        sleepUntil(killAt);
        extra.stop();
        sleepUntil(restartAt);
        extra.restart();
        long restartedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        sleepUntil(end);
        stopping = true;
        long stopRequested = System.nanoTime();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        long joinMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopRequested);

        int[][][] counts = new int[buckets][SHARDS][Outcome.values().length];
        List<long[]> badFailures = new ArrayList<>();
        for (Recorder recorder : recorders) {
            for (int b = 0; b < buckets; b++) {
                for (int s = 0; s < SHARDS; s++) {
                    for (int o = 0; o < Outcome.values().length; o++) {
                        counts[b][s][o] += recorder.counts[b][s][o];
                    }
                }
            }
            for (int i = 0; i < recorder.badFailureCount; i++) {
                badFailures.add(new long[] {recorder.badFailures[i * 2], recorder.badFailures[i * 2 + 1]});
            }
        }
        String machine = machine();
        print("StalledShardLoad: %d threads of point selects over %d shards (ds%d on its own mariadbd), "
                + "setQueryTimeout(%d)%n%s", THREADS, SHARDS, BAD, timeoutSeconds, machine);
        print("Timeline (s): baseline %d-%d, ds1 frozen %d-%d, thawed %d-%d, ds1 killed %d-%d, restarted at %d "
                + "(answering at %.1f), end %d%n", baselineFrom, freezeAt, freezeAt, thawAt, thawAt, killAt, killAt,
                restartAt, restartAt, restartedMillis / 1000.0, end);

        double baseline = healthyRate(counts, baselineFrom, freezeAt);
        double baselineBad = rate(counts, baselineFrom, freezeAt, BAD, Outcome.OK);
        print("%nHealthy shards (ds0, ds2, ds3), successful statements per second:%n");
        print("  baseline            %8.0f/s   (ds1 %6.0f/s)%n", baseline, baselineBad);
        phaseLine("ds1 frozen", counts, freezeAt, thawAt, baseline);
        phaseLine("ds1 frozen, from +" + (timeoutSeconds + 1) + " s", counts, freezeAt + timeoutSeconds + 1, thawAt,
                baseline);
        phaseLine("thawed", counts, thawAt, killAt, baseline);
        phaseLine("ds1 killed", counts, killAt, restartAt, baseline);
        phaseLine("restarted", counts, restartAt, end, baseline);
        print("%nPer second while frozen (healthy / ds1 ok / ds1 timeout / ds1 down / other):%n");
        timeline(counts, freezeAt - 1, freezeAt + timeoutSeconds + 4);
        print("Per second while killed:%n");
        timeline(counts, killAt - 1, killAt + 4);

        print("%nds1's failed statements:%n");
        failures("before the freeze", badFailures, 0, freezeAt);
        failures("while frozen", badFailures, freezeAt, thawAt);
        failures("after the thaw", badFailures, thawAt, killAt);
        failures("while killed", badFailures, killAt, restartAt + 1);
        failures("after the restart", badFailures, restartAt + 1, end + 60);

        long firstOk = firstBucket(counts, restartedMillis, BAD, 1);
        long recovered = firstBucket(counts, restartedMillis, BAD, Math.max(1, (long) (baselineBad * 0.5
                * BUCKET_MILLIS / 1000)));
        print("%nAfter the restart (mariadbd answering at %.1f s): first successful ds1 statement within %s ms; ds1 "
                + "at half its baseline rate (per 100 ms) within %s ms%n", restartedMillis / 1000.0,
                firstOk < 0 ? "-" : String.valueOf(firstOk), recovered < 0 ? "-" : String.valueOf(recovered));
        print("Load threads stopped within %d ms of the request%n", joinMillis);
        print("Pools once the load stopped:%n");
        for (String shard : dataSource.shardNames()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            PoolStatistics pool = dataSource.poolStatistics(shard);
            while (pool.active() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling the pool counters, bounded
                pool = dataSource.poolStatistics(shard);
            }
            print("  %s: %s%n", shard, pool);
        }
    }

    private void phaseLine(String name, int[][][] counts, long from, long to, double baseline) {
        double healthy = healthyRate(counts, from, to);
        print("  %-28s%8.0f/s = %5.1f %% of baseline   (ds1: %s)%n", name, healthy, 100 * healthy / baseline,
                badSummary(counts, from, to));
    }

    private String badSummary(int[][][] counts, long from, long to) {
        StringBuilder summary = new StringBuilder();
        for (Outcome outcome : Outcome.values()) {
            long n = sum(counts, from, to, BAD, outcome);
            if (n > 0) {
                summary.append(summary.isEmpty() ? "" : ", ").append(n).append(' ').append(outcome.name()
                        .toLowerCase(Locale.ROOT));
            }
        }
        return summary.toString();
    }

    private void timeline(int[][][] counts, long fromSecond, long toSecond) {
        for (long second = fromSecond; second < toSecond; second++) {
            print("  %3d s  %7.0f  %5d  %5d  %6d  %5d%n", second, healthyRate(counts, second, second + 1),
                    sum(counts, second, second + 1, BAD, Outcome.OK),
                    sum(counts, second, second + 1, BAD, Outcome.TIMEOUT),
                    sum(counts, second, second + 1, BAD, Outcome.SHARD_DOWN),
                    sum(counts, second, second + 1, BAD, Outcome.OTHER));
        }
    }

    private void failures(String name, List<long[]> all, long fromSecond, long toSecond) {
        long fromBucket = fromSecond * 1000 / BUCKET_MILLIS;
        long toBucket = toSecond * 1000 / BUCKET_MILLIS;
        Map<Outcome, List<Long>> byOutcome = new LinkedHashMap<>();
        for (long[] failure : all) {
            if (failure[0] >= fromBucket && failure[0] < toBucket) {
                Outcome outcome = Outcome.values()[(int) (failure[1] >>> 56)];
                byOutcome.computeIfAbsent(outcome, k -> new ArrayList<>()).add(failure[1] & ((1L << 56) - 1));
            }
        }
        if (byOutcome.isEmpty()) {
            return;
        }
        print("  started %s (%d-%d s):%n", name, fromSecond, toSecond);
        for (Map.Entry<Outcome, List<Long>> entry : byOutcome.entrySet()) {
            List<Long> nanos = entry.getValue();
            nanos.sort(null);
            print("    %-10s %6d, ms: min %s, median %s, p99 %s, max %s%s%n",
                    entry.getKey().name().toLowerCase(Locale.ROOT), nanos.size(), millis(nanos.get(0)),
                    millis(nanos.get(nanos.size() / 2)), millis(nanos.get((int) (nanos.size() * 0.99))),
                    millis(nanos.get(nanos.size() - 1)), entry.getKey() == Outcome.TIMEOUT
                            ? String.format(Locale.ROOT, " (timeout %d ms; max = %.1f %% of it)", timeoutSeconds * 1000,
                            100.0 * nanos.get(nanos.size() - 1) / TimeUnit.SECONDS.toNanos(timeoutSeconds)) : "");
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /** Milliseconds from {@code fromMillis} to the end of the first bucket with at least {@code n} ds1 successes. */
    private static long firstBucket(int[][][] counts, long fromMillis, int shard, long n) {
        for (int b = (int) (fromMillis / BUCKET_MILLIS); b < counts.length; b++) {
            if (counts[b][shard][Outcome.OK.ordinal()] >= n) {
                return (b + 1) * BUCKET_MILLIS - fromMillis;
            }
        }
        return -1;
    }

    private static double healthyRate(int[][][] counts, long fromSecond, long toSecond) {
        double total = 0;
        for (int shard = 0; shard < SHARDS; shard++) {
            if (shard != BAD) {
                total += rate(counts, fromSecond, toSecond, shard, Outcome.OK);
            }
        }
        return total;
    }

    private static double rate(int[][][] counts, long fromSecond, long toSecond, int shard, Outcome outcome) {
        return sum(counts, fromSecond, toSecond, shard, outcome) / (double) (toSecond - fromSecond);
    }

    private static long sum(int[][][] counts, long fromSecond, long toSecond, int shard, Outcome outcome) {
        long total = 0;
        for (long b = fromSecond * 1000 / BUCKET_MILLIS; b < toSecond * 1000 / BUCKET_MILLIS; b++) {
            total += counts[(int) b][shard][outcome.ordinal()];
        }
        return total;
    }

    private void sleepUntil(long second) throws InterruptedException {
        long wait = startNanos + TimeUnit.SECONDS.toNanos(second) - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait); // the timeline of the measurement, not a synchronisation
        }
    }

    private void print(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        System.out.print(line);
        report.append(line);
    }

    private static String machine() throws Exception {
        String cpu = "?";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        return String.format(Locale.ROOT, "Machine: %d cores (%s), Java %s, load average before: %s%n",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"),
                Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private Map<String, String> pool(String jdbcUrl, String user, String password) {
        Map<String, String> pool = new LinkedHashMap<>();
        pool.put("jdbcUrl", jdbcUrl);
        pool.put("username", user);
        pool.put("password", password);
        // The benchmarks' pool and driver settings (benchmarks/.../Fixture); timeouts are Shard's defaults.
        pool.put("maximumPoolSize", "8");
        pool.put("minimumIdle", "8");
        pool.put("dataSource.cachePrepStmts", "true");
        pool.put("dataSource.prepStmtCacheSize", "250");
        pool.put("dataSource.prepStmtCacheSqlLimit", "2048");
        pool.put("dataSource.useServerPrepStmts", "false");
        pool.put("dataSource.useLocalSessionState", "true");
        pool.put("dataSource.cacheServerConfiguration", "true");
        pool.put("dataSource.elideSetAutoCommits", "true");
        return pool;
    }

    private String database(int shard) {
        return "stalled_load_ds" + shard + suffix;
    }
}
