package dev.shard.cli.reshard;

import static dev.shard.cli.reshard.ToolProcesses.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.cli.ShardCli;
import dev.shard.cli.reshard.ToolProcesses.Run;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.ExtraMariaDb;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole reshard on a MariaDB server of its own with a ROW binary log: 4 -> 5 shards, then the fifth drained
 * (5 -> 4), then a weight changed, each while 8 threads insert, update and delete by key through two application
 * instances (two ShardingDataSources in this JVM, started from the same shard.yaml), one more thread updates a
 * broadcast table through them, and a plain reference database receives the same committed writes. Afterwards every
 * row is on the shard that owns its slot, exactly once, the union of the shards equals the reference, every data
 * source of the map holds the reference's broadcast rows, and every read during the run matched the reference.
 */
class ReshardIT {

    private static final List<String> SHARDS = List.of("ds0", "ds1", "ds2", "ds3", "ds4");
    private static final int KEYS = 4000;
    private static final int WRITERS = 8;
    /** Rows of the broadcast table t_region, which one more thread updates through the instances. */
    private static final int REGIONS = 20;
    /** Copy and verify at this pace take seconds: long enough to stop the tool in either. */
    private static final String[] THROTTLED = {"--chunk-rows", "100", "--max-rows-per-second", "1000"};
    private static final String PROGRESS = "shard_reshard_progress";
    private static final String KEY_TABLE = "CREATE TABLE t_kv (k BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL,"
            + " note VARCHAR(40))";

    private static ExtraMariaDb server;

    @TempDir
    Path directory;

    /** The applications' writes and reads, and the reference database's copy of them. */
    private ReshardLoad load;

    @BeforeAll
    static void startServer() {
        // The kill points are reached by the tool waiting on a row lock the test holds until it has seen the tool
        // there; InnoDB's default 50 s wait ended such a wait once on a loaded machine before the test saw it.
        List<String> options = new java.util.ArrayList<>(ExtraMariaDb.replicationOptions(1));
        options.add("--innodb-lock-wait-timeout=600");
        server = ExtraMariaDb.start(options);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private ToolProcesses tools() {
        return new ToolProcesses(directory);
    }

    private static String database(String name) {
        return "reshard_" + name;
    }

    @Test
    void addAFifthShardDrainItAndChangeAWeightWhileEightThreadsWrite() throws Exception {
        // The deployment as it was: four shards, the map they imply stored as version 1, and some rows.
        Deployment deployment = fourShardsSeeded();
        Path five = deployment.five();
        Path drained = writeConfig("drained.yaml",
                Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 0.0));

        // Two instances started from the file that names the fifth shard: it owns nothing until the reshard.
        try (ShardingDataSource a = ShardingDataSource.fromYaml(five);
             ShardingDataSource b = ShardingDataSource.fromYaml(five)) {
            SlotMap fourMap = deployment.fourMap();
            SlotMap fiveMap = deployment.fiveMap();
            long moving = ReshardLoad.movingKey(fourMap, fiveMap, "ds4");
            assertThat(a.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                    .containsExactly(ReshardLoad.owner(fourMap, moving));

            Run grow = load.whileWriting(List.of(a, b), () -> cli("reshard", "--config", five.toString(), "--yes",
                    "--chunk-rows", "500"));
            System.out.println(grow.output());
            assertThat(grow.exit()).as(grow.output()).isZero();
            assertThat(grow.output()).containsSubsequence("phase plan:", "phase prepare:", "phase copy:",
                    "phase catch-up:", "phase verify:", "phase switch:", "version 2 published", "phase cleanup:",
                    "phase done:");
            // The broadcast writer keeps the broadcast table's chunk changing while it is verified: it may settle
            // only at the switch, where writes are held ("verify: no differences while writes are held").
            assertThat(grow.output()).contains("verify: no differences");
            // ds4 joins the map: its broadcast rows are copied in the copy phase and the broadcast writes made since
            // are replayed from a source's binlog, so the switch only drains the last changes.
            assertThat(grow.output()).contains("copy: t_region from ").doesNotContain("broadcast tables copied");
            load.assertEveryRowOnceOnItsOwner(SHARDS, fiveMap);
            assertThat(a.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards()).containsExactly("ds4");
            String status = cli("status", "--config", five.toString(), "--exact").output();
            assertThat(status).contains("topology version 2", "no reshard in progress", "2 instances");

            Run shrink = load.whileWriting(List.of(a, b), () -> cli("reshard", "--config", drained.toString(),
                    "--yes"));
            assertThat(shrink.exit()).as(shrink.output()).isZero();
            load.assertEveryRowOnceOnItsOwner(SHARDS, fourMap);
            assertThat(load.rows("ds4")).isEmpty();
            assertThat(b.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                    .containsExactly(ReshardLoad.owner(fourMap, moving));

            // A weight change: ds0 takes twice its share, from each of the others.
            Path heavier = writeConfig("heavier.yaml",
                    Map.of("ds0", 2.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 0.0));
            Run rebalance = load.whileWriting(List.of(a, b), () -> cli("reshard", "--config", heavier.toString(),
                    "--yes"));
            assertThat(rebalance.exit()).as(rebalance.output()).isZero();
            assertThat(rebalance.output()).contains("ds1 -> ds0:", "ds2 -> ds0:", "ds3 -> ds0:")
                    .doesNotContain("ds0 -> ");
            load.assertEveryRowOnceOnItsOwner(SHARDS, SlotMap.of(ShardConfig.fromYaml(heavier)));
        }
        // For the record in the build log: how much happened around the two switches.
        System.out.println("ReshardIT: " + load.writes() + " writes applied, " + load.retried()
                + " refused at a switch and not applied");
        assertThat(load.readProblems()).isEmpty();
        assertThat(load.writes()).as("writes during the two reshards").isGreaterThan(1000);
    }

    /**
     * An application instance still running from the file before the fifth shard was added: the tool stops before
     * the freeze, naming it, with exit 1, publishes nothing, and no write through either instance is refused or
     * held; once it is restarted from the new file, {@code --resume} finishes. Published, the target would have left
     * that instance refusing every write to the slots moving to ds4, and the cleanup waiting for it.
     */
    @Test
    void anInstanceStillOnTheOldFileStopsTheReshardBeforeTheFreezeUntilItIsRestarted() throws Exception {
        Deployment deployment = fourShardsSeeded();
        Path five = deployment.five();
        SlotMap fourMap = deployment.fourMap();
        SlotMap fiveMap = deployment.fiveMap();
        long moving = ReshardLoad.movingKey(fourMap, fiveMap, "ds4");
        try (ShardingDataSource current = ShardingDataSource.fromYaml(five)) {
            Run stopped;
            String status;
            try (ShardingDataSource stale = ShardingDataSource.fromYaml(deployment.four())) {
                stopped = load.whileWriting(List.of(current, stale), () -> cli("reshard", "--config",
                        five.toString(), "--yes"));
                status = cli("status", "--config", five.toString()).output();
                assertThat(stale.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                        .containsExactly(ReshardLoad.owner(fourMap, moving));
            }
            System.out.println(stopped.output());
            assertThat(stopped.exit()).as(stopped.output()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
            assertThat(load.retried()).as("writes refused or held past the bound").isZero();
            // The stale instance is the one status says cannot route by the target; the tool names it alone.
            String staleId = status.lines().filter(line -> line.contains("cannot route by the announced target"))
                    .map(line -> line.trim().substring(0, line.trim().indexOf(" on "))).findFirst().orElseThrow();
            // The broadcast writer keeps t_region's chunk changing, so verify may leave it to the switch, which this
            // run does not reach: either verify line may come; what matters is that the switch did not start.
            assertThat(stopped.output()).containsAnyOf("verify: no differences", "change as they are compared");
            assertThat(stopped.output()).contains("switch: not started, no write was held and"
                    + " nothing was published; writes go on by version 1.", "  instance " + staleId + " (",
                    "Restart each with the configuration that names ds4 (or stop it), then run `reshard --resume`.")
                    .doesNotContain("phase switch:");
            assertThat(stopped.output().split("\n  instance ", -1)).as(stopped.output()).hasSize(2);
            assertThat(status).contains("topology version 1", "reshard in progress: phase verify", "2 instances");
            assertThat(current.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                    .containsExactly(ReshardLoad.owner(fourMap, moving));

            try (ShardingDataSource restarted = ShardingDataSource.fromYaml(five)) {
                Run resumed = load.whileWriting(List.of(current, restarted), () -> cli("reshard", "--config",
                        five.toString(), "--resume"));
                assertThat(resumed.exit()).as(resumed.output()).isZero();
                assertThat(resumed.output()).contains("in phase verify", "version 2 published", "phase done:")
                        .doesNotContain("cannot route").doesNotContain("broadcast tables copied");
                load.assertEveryRowOnceOnItsOwner(SHARDS, fiveMap);
                assertThat(restarted.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                        .containsExactly("ds4");
            }
            assertThat(current.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards()).containsExactly("ds4");
        }
        assertThat(load.readProblems()).isEmpty();
    }

    /**
     * The tool killed with SIGKILL in each phase: the copy and the cleanup (at a copied chunk, at the phase row),
     * then the catch-up, verify and switch, each reached for certain by holding a row lock the tool needs next on
     * the metadata database, and killed while it waits there or works before it: a killed catch-up or verify is
     * aborted once and resumed once; a switch is killed while the instances hold writes (before publishing), and
     * after publishing before the progress says so.
     */
    @Test
    void aToolKilledInEachPhaseIsAbortedOrResumed() throws Exception {
        Deployment deployment = fourShardsSeeded();
        Path five = deployment.five();
        SlotMap fourMap = deployment.fourMap();
        SlotMap fiveMap = deployment.fiveMap();
        try (ShardingDataSource a = ShardingDataSource.fromYaml(five);
             ShardingDataSource b = ShardingDataSource.fromYaml(five)) {
            Run prepareAborted = load.whileWriting(List.of(a, b), () -> {
                killInPrepare("prepare.txt", "--config", five.toString(), "--yes");
                return cli("reshard", "--config", five.toString(), "--abort");
            });
            assertThat(prepareAborted.exit()).as(prepareAborted.output()).isZero();
            assertThat(prepareAborted.output()).contains("version 1 stays in force");
            assertThat(load.rows("ds4")).isEmpty();
            load.assertEveryRowOnceOnItsOwner(SHARDS, fourMap);

            Run abort = load.whileWriting(List.of(a, b), () -> {
                killInCopy(five);
                return cli("reshard", "--config", five.toString(), "--abort");
            });
            assertThat(abort.exit()).as(abort.output()).isZero();
            assertThat(abort.output()).contains("version 1 stays in force");
            assertThat(load.rows("ds4")).isEmpty();
            load.assertEveryRowOnceOnItsOwner(SHARDS, fourMap);
            assertThat(cli("status", "--config", five.toString()).output()).contains("topology version 1",
                    "no reshard in progress");

            Run resume = load.whileWriting(List.of(a, b), () -> {
                killInCopy(five);
                return cli("reshard", "--config", five.toString(), "--resume", "--yes");
            });
            assertThat(resume.exit()).as(resume.output()).isZero();
            assertThat(resume.output()).contains("in phase copy", "rows were copied before", "phase done:");
            load.assertEveryRowOnceOnItsOwner(SHARDS, fiveMap);

            // Killed after the switch, in the cleanup: abort is refused, and a resume finishes the cleanup.
            Path drained = writeConfig("drained.yaml",
                    Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 0.0));
            Run cleanup = load.whileWriting(List.of(a, b), () -> {
                killWhen(drained, "item = 'phase' AND value = 'cleanup'");
                Run refused = cli("reshard", "--config", drained.toString(), "--abort");
                assertThat(refused.exit()).isEqualTo(ShardCli.EXIT_ERROR);
                assertThat(refused.output()).contains("The switch is done", "--resume");
                return cli("reshard", "--config", drained.toString(), "--resume");
            });
            assertThat(cleanup.exit()).as(cleanup.output()).isZero();
            assertThat(cleanup.output()).contains("in phase cleanup", "phase done:");
            load.assertEveryRowOnceOnItsOwner(SHARDS, fourMap);
            assertThat(load.rows("ds4")).isEmpty();

            killedInCatchUpVerifyAndSwitch(List.of(a, b), five, fourMap, fiveMap);

            // Killed in the prepare of a drain, then resumed: it prepares again and finishes.
            Run prepareResumed = load.whileWriting(List.of(a, b), () -> {
                killInPrepare("prepare-2.txt", "--config", drained.toString(), "--yes");
                return cli("reshard", "--config", drained.toString(), "--resume");
            });
            assertThat(prepareResumed.exit()).as(prepareResumed.output()).isZero();
            assertThat(prepareResumed.output()).contains("in phase prepare", "phase prepare:", "phase done:");
            load.assertEveryRowOnceOnItsOwner(SHARDS, fourMap);
            assertThat(load.rows("ds4")).isEmpty();
        }
        assertThat(load.readProblems()).isEmpty();
    }

    private void killedInCatchUpVerifyAndSwitch(List<ShardingDataSource> instances, Path five,
                                                SlotMap fourMap, SlotMap fiveMap) throws Exception {
        String config = five.toString();
        long from = mapVersion();
        long moving = ReshardLoad.movingKey(fourMap, fiveMap, "ds4");

        Run catchUpAborted = load.whileWriting(instances, () -> {
            killInCatchUp(tools().start("catch-up.txt", withThrottle("--config", config, "--yes")), "catch-up.txt");
            return cli("reshard", "--config", config, "--abort");
        });
        assertAborted(catchUpAborted, config, from, fourMap);

        Run verifyAborted = load.whileWriting(instances, () -> {
            killInCatchUp(tools().start("catch-up-2.txt", withThrottle("--config", config, "--yes")),
                    "catch-up-2.txt");
            killInVerify(tools().start("verify.txt", withThrottle("--config", config, "--resume")), "verify.txt");
            assertThat(tools().output("verify.txt")).contains("in phase catch-up");
            return cli("reshard", "--config", config, "--abort");
        });
        assertAborted(verifyAborted, config, from, fourMap);

        Run switchAborted = load.whileWriting(instances, () -> {
            killInVerify(tools().start("verify-2.txt", withThrottle("--config", config, "--yes")), "verify-2.txt");
            long token = killInSwitchBeforePublishing(0, "switch.txt", "--config", config, "--resume");
            assertThat(tools().output("switch.txt")).contains("in phase verify", "phase switch:");
            // No split brain: nothing is published, both instances route by the old map, and a write to a moving
            // slot waits at most the hold bound, then fails saying what ends it; the freeze stays.
            assertThat(mapVersion()).isEqualTo(from);
            for (ShardingDataSource instance : instances) {
                assertThat(instance.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                        .containsExactly(ReshardLoad.owner(fourMap, moving));
            }
            load.keyLock(moving).lock();
            try (Connection c = instances.get(0).getConnection();
                 PreparedStatement s = c.prepareStatement("UPDATE t_kv SET v = v + 100 WHERE k = ?")) {
                s.setLong(1, moving);
                assertThatThrownBy(s::executeUpdate).isInstanceOf(SQLTransientException.class)
                        .hasMessageContaining("settings.reshardWriteHoldMillis (3000 ms)")
                        .hasMessageContaining("reshard --resume");
            } finally {
                load.keyLock(moving).unlock();
            }
            assertThat(frozenToken()).isEqualTo(token);
            return cli("reshard", "--config", config, "--abort");
        });
        assertAborted(switchAborted, config, from, fourMap);

        Run resumed = load.whileWriting(instances, () -> {
            long token = killInSwitchBeforePublishing(0, "switch-2.txt", "--config", config, "--yes");
            killAfterPublishing(token, from, "published.txt", "--config", config, "--resume");
            Run refused = cli("reshard", "--config", config, "--abort");
            assertThat(refused.exit()).isEqualTo(ShardCli.EXIT_ERROR);
            assertThat(refused.output()).contains("The switch is done", "--resume");
            return cli("reshard", "--config", config, "--resume");
        });
        assertThat(resumed.exit()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("in phase switch", "phase cleanup:", "phase done:")
                .doesNotContain("phase verify:", "phase copy:");
        assertThat(mapVersion()).isEqualTo(from + 1);
        load.assertEveryRowOnceOnItsOwner(SHARDS, fiveMap);
    }

    private static String[] withThrottle(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(THROTTLED));
        return all.toArray(String[]::new);
    }

    private void assertAborted(Run abort, String config, long version, SlotMap map) throws SQLException {
        assertThat(abort.exit()).as(abort.output()).isZero();
        assertThat(abort.output()).contains("version " + version + " stays in force");
        assertThat(mapVersion()).isEqualTo(version);
        assertThat(load.rows("ds4")).isEmpty();
        load.assertEveryRowOnceOnItsOwner(SHARDS, map);
        assertThat(cli("status", "--config", config).output()).contains("no reshard in progress");
    }

    /**
     * Kills a fresh run in the prepare. The test locks the announcement's row (a gap: there is none yet), so the tool,
     * once it has recorded phase prepare, waits to announce; then it locks the gap of the progress where the binlog
     * positions go (between the items the start wrote) and lets the announcement through: the tool prepares the
     * schema and waits to record the first position, the prepare's last step, and is killed while it waits.
     */
    private void killInPrepare(String output, String... args) throws Exception {
        Process tool = null;
        try (RowLock announcement = new RowLock("SELECT id FROM shard_reshard WHERE id = 1")) {
            tool = tools().start(output, args);
            // Waiting for the announcement, not only phase prepare recorded: the start writes more progress items
            // after the phase, and one of them may fall in the gap locked below, which would stop the tool before
            // it prints "phase prepare:".
            tools().await(tool, output, "phase prepare", () -> "prepare".equals(phase())
                    && running("INSERT INTO shard_reshard (id,"));
            try (RowLock positions = new RowLock(progressItem("position/ds0"))) {
                announcement.releaseToWaiters();
                tools().killWhen(tool, output, "the prepare", () -> tools().output(output).contains("phase prepare:")
                        && running("INSERT INTO shard_reshard_progress (item, value) VALUES ('position/"));
                assertThat(phase()).isEqualTo("prepare");
            }
        } finally {
            if (tool != null) {
                ToolProcesses.kill(tool);
            }
        }
        assertThat(phase()).isEqualTo("prepare");
        assertThat(progressShows("item LIKE 'position/%'")).as("no binlog position recorded").isFalse();
        assertThat(tools().output(output)).contains("phase prepare:").doesNotContain("phase copy:");
    }

    /**
     * Kills the tool in the catch-up: once the copy runs, the test locks the rows where the catch-up records how far
     * it got, so the tool cannot leave the catch-up; it is killed once the progress says catch-up.
     */
    private void killInCatchUp(Process tool, String output) throws Exception {
        try {
            tools().await(tool, output, "phase copy", () -> "copy".equals(phase()));
            try (RowLock positions = new RowLock(progressItem("position/ds0"), progressItem("position/ds1"),
                    progressItem("position/ds2"), progressItem("position/ds3"))) {
                assertThat(phase()).as("the copy still runs once the positions are locked").isEqualTo("copy");
                tools().killWhen(tool, output, "the catch-up", () -> "catch-up".equals(phase()));
            }
        } finally {
            ToolProcesses.kill(tool);
        }
        assertThat(phase()).isEqualTo("catch-up");
    }

    /** Kills the tool in the verify: the phase row is locked while it verifies, so it cannot go on to the switch. */
    private void killInVerify(Process tool, String output) throws Exception {
        try {
            tools().await(tool, output, "phase verify", () -> "verify".equals(phase()));
            try (RowLock phaseRow = new RowLock(progressItem("phase"))) {
                assertThat(phase()).as("the verify still runs once the phase is locked").isEqualTo("verify");
                tools().killWhen(tool, output, "the verify", () -> true);
            }
        } finally {
            ToolProcesses.kill(tool);
        }
        assertThat(phase()).isEqualTo("verify");
    }

    /**
     * Starts the tool with the stored map's row locked, so that it cannot publish, and kills it once the
     * instances hold writes to the moving slots and have acknowledged a freeze other than {@code earlier}.
     *
     * @return the freeze the tool was killed in
     */
    private long killInSwitchBeforePublishing(long earlier, String output, String... args) throws Exception {
        long[] token = new long[1];
        try (RowLock map = new RowLock("SELECT map_version FROM shard_slot_map WHERE id = 1")) {
            Process tool = tools().start(output, args);
            tools().killWhen(tool, output, "a freeze every instance acknowledged", () -> {
                token[0] = acknowledgedFreeze(earlier);
                return token[0] != 0;
            });
        }
        assertThat(phase()).isEqualTo("switch");
        return token[0];
    }

    /**
     * Resumes a tool killed in the switch, lets it publish, and kills it before it records the publication: the
     * test holds a gap lock where the progress row of the published version goes.
     */
    private void killAfterPublishing(long killedFreeze, long from, String output, String... args) throws Exception {
        try (RowLock published = new RowLock(progressItem("published_version"))) {
            RowLock map = new RowLock("SELECT map_version FROM shard_slot_map WHERE id = 1");
            Process tool = tools().start(output, args);
            try {
                try {
                    tools().await(tool, output, "a freeze other than " + killedFreeze,
                            () -> acknowledgedFreeze(killedFreeze) != 0);
                } finally {
                    map.releaseToWaiters(); // the live tool's publication goes on
                }
                tools().killWhen(tool, output, "the publication of version " + (from + 1),
                        () -> mapVersion() == from + 1);
            } finally {
                ToolProcesses.kill(tool);
            }
        }
        assertThat(phase()).isEqualTo("switch");
        assertThat(progressShows("item = 'published_version'")).isFalse();
        assertThat(tools().output(output)).contains("in phase switch", "phase verify:", "phase switch:");
    }

    /** The phase the progress records, or null. */
    private String phase() throws SQLException {
        if (!progressShows("item = 'phase'")) {
            return null;
        }
        try (Connection c = server.connect(database("ds0")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT value FROM " + PROGRESS + " WHERE item = 'phase'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private long mapVersion() throws SQLException {
        try (Connection c = server.connect(database("ds0")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT map_version FROM shard_slot_map WHERE id = 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The token of the freeze in force, or 0. */
    private long frozenToken() throws SQLException {
        try (Connection c = server.connect(database("ds0")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT freeze_token FROM shard_reshard WHERE state = 'FROZEN'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The freeze in force if it is not {@code earlier} and both instances acknowledged it, else 0. */
    private long acknowledgedFreeze(long earlier) throws SQLException {
        try (Connection c = server.connect(database("ds0")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT r.freeze_token, (SELECT COUNT(*) FROM shard_instance i"
                     + " WHERE i.frozen_ack = r.freeze_token) FROM shard_reshard r WHERE r.state = 'FROZEN'")) {
            if (!rs.next() || rs.getLong(1) == earlier || rs.getInt(2) < 2) {
                return 0;
            }
            return rs.getLong(1);
        }
    }

    /**
     * One row of the progress by its key: a lookup by primary key locks that row only (or, for a missing row, the
     * gap where it would go), where a scan of this small table would lock every row.
     */
    /**
     * Whether another session runs a statement that starts with {@code start}: one that waits on a lock the test
     * holds stays there until the test lets go. Read from the process list: on MariaDB 10.11,
     * INNODB_LOCK_WAITS/INNODB_TRX missed such an insert's wait on a gap lock (SHOW ENGINE INNODB STATUS showed it).
     */
    private boolean running(String start) throws SQLException {
        try (Connection c = server.connect(database("ds0"));
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                     + " WHERE ID <> CONNECTION_ID() AND INFO LIKE ?")) {
            s.setString(1, start + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static String progressItem(String item) {
        return "SELECT item FROM " + PROGRESS + " WHERE item = '" + item + "'";
    }

    /**
     * Rows of the metadata database locked FOR UPDATE by a transaction of the test's, until closed. Closing first
     * ends the sessions waiting for them (a killed tool's statements, which must not go on once the lock is gone:
     * an autocommitted write would still commit), then rolls back.
     */
    private final class RowLock implements AutoCloseable {

        private final Connection connection;
        private final long id;

        RowLock(String... selects) throws SQLException {
            connection = server.connect(database("ds0"));
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                for (String select : selects) {
                    s.executeQuery(select + " FOR UPDATE").close();
                }
                try (ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
        }

        /** Rolls back: a waiting statement goes on. */
        void releaseToWaiters() throws SQLException {
            if (!connection.isClosed()) {
                connection.rollback();
                connection.close();
            }
        }

        /**
         * The sessions waiting for these locks, and any other session writing the reshard's own tables (only the
         * killed tool does): InnoDB's views missed an insert's wait on a gap lock on MariaDB 10.11, and a wait left
         * alone would go on, and commit, once the lock is gone.
         */
        private List<Long> waiting(Statement s) throws SQLException {
            List<Long> waiting = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> "
                    + id + " AND ID <> CONNECTION_ID() AND (INFO LIKE 'INSERT INTO shard\\_reshard%'"
                    + " OR INFO LIKE 'UPDATE shard\\_reshard%' OR INFO LIKE 'DELETE FROM shard\\_reshard%')")) {
                while (rs.next()) {
                    waiting.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT t.trx_mysql_thread_id FROM"
                    + " information_schema.INNODB_LOCK_WAITS w JOIN information_schema.INNODB_TRX t"
                    + " ON t.trx_id = w.requesting_trx_id JOIN information_schema.INNODB_TRX mine"
                    + " ON mine.trx_id = w.blocking_trx_id WHERE mine.trx_mysql_thread_id = " + id)) {
                while (rs.next()) {
                    waiting.add(rs.getLong(1));
                }
            }
            return waiting;
        }

        @Override
        public void close() throws SQLException {
            if (connection.isClosed()) {
                return;
            }
            try (Connection c = server.connect(database("ds0")); Statement s = c.createStatement()) {
                for (long thread : waiting(s)) {
                    try {
                        s.execute("KILL " + thread);
                    } catch (SQLException gone) {
                        // it ended by itself meanwhile
                    }
                }
            } finally {
                connection.rollback();
                connection.close();
            }
        }
    }

    /** The files naming four and five shards; the four-shard one is the deployment {@link #fourShardsSeeded} seeds. */
    private record Deployment(Path four, Path five, SlotMap fourMap, SlotMap fiveMap) {
    }

    /**
     * Empty databases for the five shards and the reference, a fresh load on them, and the four-shard deployment
     * seeded: its map stored as version 1, the table and half the keys, also in the reference.
     */
    private Deployment fourShardsSeeded() throws Exception {
        load = new ReshardLoad(KEYS, WRITERS, REGIONS, name -> server.connect(database(name)), List.of(
                "INSERT INTO t_kv (k, v, note) VALUES (?, 1, 'new') ON DUPLICATE KEY UPDATE v = v + 1",
                "UPDATE t_kv SET v = v + 10, note = 'updated' WHERE k = ?",
                "DELETE FROM t_kv WHERE k = ?"), "k, v, note");
        for (String name : SHARDS) {
            server.createDatabase(database(name));
        }
        server.createDatabase(database("ref"));
        Path four = writeConfig("four.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0));
        Path five = writeConfig("five.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 1.0));
        load.seed(four, KEY_TABLE);
        return new Deployment(four, five, SlotMap.of(ShardConfig.fromYaml(four)),
                SlotMap.of(ShardConfig.fromYaml(five)));
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
        Process tool = tools().start("killed.txt", "--config", config.toString(), "--yes", "--chunk-rows", "20",
                "--max-rows-per-second", "200");
        tools().killWhen(tool, "killed.txt", condition, () -> progressShows(condition));
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

    private Path writeConfig(String file, Map<String, Double> weights) throws Exception {
        return ReshardLoad.writeConfig(directory.resolve(file), SHARDS, weights,
                name -> "jdbcUrl: \"" + server.jdbcUrl(database(name)) + "\", username: root, password: \"\"");
    }
}
