package dev.shard.cli.reshard;

import static dev.shard.cli.reshard.ToolProcesses.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.reshard.ToolProcesses.Run;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.PrivatePostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** With a timestamp of microseconds, which the copy and the catch-up must keep exactly. */
    private static final String KEY_TABLE = "CREATE TABLE t_kv (k BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL,"
            + " note TEXT, at TIMESTAMPTZ(6) NOT NULL DEFAULT '2026-01-02 03:04:05.123456+00')";

    private static PrivatePostgresCluster cluster;

    @TempDir
    Path directory;

    /** The applications' writes and reads, and the reference database's copy of them. */
    private ReshardLoad load;

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

    private ToolProcesses tools() {
        return new ToolProcesses(directory);
    }

    private static String database(String name) {
        return "pgreshard_" + name;
    }

    private void freshDatabases() throws SQLException {
        // The update moves the timestamp by a microsecond and more, so that the copy and the catch-up must keep
        // every digit of it.
        load = new ReshardLoad(KEYS, WRITERS, REGIONS, name -> cluster.connect(database(name)), List.of(
                "INSERT INTO t_kv (k, v, note) VALUES (?, 1, 'new') ON CONFLICT (k) DO UPDATE SET v = t_kv.v + 1",
                "UPDATE t_kv SET v = v + 10, note = 'updated', at = at + interval '1.000001 second' WHERE k = ?",
                "DELETE FROM t_kv WHERE k = ?"), "k, v, note, at::text");
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
        load.seed(two, KEY_TABLE);
        SlotMap twoMap = SlotMap.of(ShardConfig.fromYaml(two));
        SlotMap threeMap = SlotMap.of(ShardConfig.fromYaml(three));
        try (ShardingDataSource a = ShardingDataSource.fromYaml(three);
             ShardingDataSource b = ShardingDataSource.fromYaml(three)) {
            long moving = ReshardLoad.movingKey(twoMap, threeMap, "ds2");
            assertThat(a.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                    .containsExactly(ReshardLoad.owner(twoMap, moving));

            Run dry = cli("reshard", "--config", three.toString(), "--dry-run");
            assertThat(dry.exit()).as(dry.output()).isZero();
            assertThat(dry.output()).contains("phase plan:", "ds0 -> ds2:", "ds1 -> ds2:", "Dry run: nothing was"
                    + " changed.").doesNotContain("problem:");
            assertThat(progressShows("1 = 1")).isFalse();
            assertNothingLeftOnTheSources();

            Run grow = load.whileWriting(List.of(a, b), () -> cli("reshard", "--config", three.toString(), "--yes",
                    "--chunk-rows", "200"));
            System.out.println(grow.output());
            assertThat(grow.exit()).as(grow.output()).isZero();
            assertThat(grow.output()).containsSubsequence("phase plan:", "phase prepare:", "phase copy:",
                    "phase catch-up:", "phase verify:", "phase switch:", "phase cleanup:", "phase done:");
            // ds2 joins the map: its broadcast rows are copied in the copy phase and the broadcast writes made since
            // are reconciled from the broadcast source's slot.
            assertThat(grow.output()).contains("copy: t_region from ").doesNotContain("broadcast tables copied");
            load.assertEveryRowOnceOnItsOwner(SHARDS, threeMap);
            assertThat(a.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards()).containsExactly("ds2");
            assertNothingLeftOnTheSources();
            assertThat(cli("status", "--config", three.toString()).output()).contains("topology version 2",
                    "no reshard in progress");
        }
        System.out.println("PostgresReshardIT: " + load.writes() + " writes applied, " + load.retried()
                + " refused at the switch and not applied");
        assertThat(load.readProblems()).isEmpty();
        assertThat(load.writes()).as("writes during the reshard").isGreaterThan(200);
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
        load.seed(two, KEY_TABLE);
        SlotMap twoMap = SlotMap.of(ShardConfig.fromYaml(two));
        SlotMap threeMap = SlotMap.of(ShardConfig.fromYaml(three));
        try (ShardingDataSource a = ShardingDataSource.fromYaml(three);
             ShardingDataSource b = ShardingDataSource.fromYaml(three)) {
            Run abort = load.whileWriting(List.of(a, b), () -> {
                killWhen(three, "item LIKE 'copied/%'");
                assertThat(slots()).as("the slots of the killed run").isNotEmpty();
                return cli("reshard", "--config", three.toString(), "--abort");
            });
            assertThat(abort.exit()).as(abort.output()).isZero();
            assertThat(abort.output()).contains("version 1 stays in force");
            assertThat(load.rows("ds2")).isEmpty();
            load.assertEveryRowOnceOnItsOwner(SHARDS, twoMap);
            assertNothingLeftOnTheSources();

            Run resume = load.whileWriting(List.of(a, b), () -> {
                killWhen(three, "item LIKE 'copied/%'");
                return cli("reshard", "--config", three.toString(), "--resume", "--yes");
            });
            assertThat(resume.exit()).as(resume.output()).isZero();
            assertThat(resume.output()).contains("in phase copy", "rows were copied before", "phase done:");
            load.assertEveryRowOnceOnItsOwner(SHARDS, threeMap);
            assertNothingLeftOnTheSources();

            // Back to two (ds2 drained) with the tool killed in the catch-up.
            Run catchUp = load.whileWriting(List.of(a, b), () -> {
                Process tool = tools().start("catch-up.txt", "--config", drained.toString(), "--yes", "--chunk-rows",
                        "50", "--max-rows-per-second", "500");
                try {
                    tools().await(tool, "catch-up.txt", "phase copy", () -> "copy".equals(phase()));
                    try (RowLock positions = new RowLock(progressItem("position/ds2"))) {
                        assertThat(phase()).isEqualTo("copy");
                        tools().killWhen(tool, "catch-up.txt", "the catch-up", () -> "catch-up".equals(phase()));
                    }
                } finally {
                    ToolProcesses.kill(tool);
                }
                assertThat(phase()).isEqualTo("catch-up");
                return cli("reshard", "--config", drained.toString(), "--resume");
            });
            assertThat(catchUp.exit()).as(catchUp.output()).isZero();
            assertThat(catchUp.output()).contains("in phase catch-up", "phase verify:", "phase done:")
                    .doesNotContain("phase copy:");
            load.assertEveryRowOnceOnItsOwner(SHARDS, twoMap);
            assertThat(load.rows("ds2")).isEmpty();
            assertNothingLeftOnTheSources();
        }
        assertThat(load.readProblems()).isEmpty();
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

    /** Starts the packaged tool and kills it with SIGKILL once the progress table has a row matching it. */
    private void killWhen(Path config, String condition) throws Exception {
        Process tool = tools().start("killed.txt", "--config", config.toString(), "--yes", "--chunk-rows", "20",
                "--max-rows-per-second", "200");
        tools().killWhen(tool, "killed.txt", condition, () -> progressShows(condition));
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

    private Path writeConfig(String file, Map<String, Double> weights) throws Exception {
        return ReshardLoad.writeConfig(directory.resolve(file), SHARDS, weights,
                name -> "jdbcUrl: \"" + cluster.jdbcUrl(database(name)) + "\", username: postgres");
    }
}
