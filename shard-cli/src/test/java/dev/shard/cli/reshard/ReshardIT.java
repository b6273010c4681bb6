package dev.shard.cli.reshard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static ExtraMariaDb server;

    @TempDir
    Path directory;

    /** One lock per key: a write reaches the shards and then the reference before the next write of that key. */
    private final ReentrantLock[] keyLocks = new ReentrantLock[KEYS + 1];
    private final ReentrantLock[] regionLocks = new ReentrantLock[REGIONS + 1];
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
        // The deployment as it was: four shards, the map they imply stored as version 1, and some rows.
        Deployment deployment = fourShardsSeeded();
        Path five = deployment.five();
        Path drained = writeConfig("drained.yaml",
                Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 0.0));

        // Two instances started from the file that names the fifth shard: it owns nothing until the reshard.
        try (ShardingDataSource a = ShardingDataSource.fromYaml(five);
             ShardingDataSource b = ShardingDataSource.fromYaml(five);
             Connection ref = server.connect(database("ref"))) {
            SlotMap fourMap = deployment.fourMap();
            SlotMap fiveMap = deployment.fiveMap();
            long moving = movingKey(fourMap, fiveMap);
            assertThat(a.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                    .containsExactly(owner(fourMap, moving));

            Run grow = whileWriting(List.of(a, b), ref, () -> cli("reshard", "--config", five.toString(), "--yes",
                    "--chunk-rows", "500"));
            System.out.println(grow.output);
            assertThat(grow.exit).as(grow.output).isZero();
            assertThat(grow.output).containsSubsequence("phase plan:", "phase prepare:", "phase copy:",
                    "phase catch-up:", "phase verify:", "phase switch:", "version 2 published", "phase cleanup:",
                    "phase done:");
            // The broadcast writer keeps the broadcast table's chunk changing while it is verified: it may settle
            // only at the switch, where writes are held ("verify: no differences while writes are held").
            assertThat(grow.output).contains("verify: no differences");
            // ds4 joins the map: its broadcast rows are copied in the copy phase and the broadcast writes made since
            // are replayed from a source's binlog, so the switch only drains the last changes.
            assertThat(grow.output).contains("copy: t_region from ").doesNotContain("broadcast tables copied");
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
        long moving = movingKey(fourMap, fiveMap);
        try (ShardingDataSource current = ShardingDataSource.fromYaml(five);
             Connection ref = server.connect(database("ref"))) {
            Run stopped;
            String status;
            try (ShardingDataSource stale = ShardingDataSource.fromYaml(deployment.four())) {
                stopped = whileWriting(List.of(current, stale), ref, () -> cli("reshard", "--config",
                        five.toString(), "--yes"));
                status = cli("status", "--config", five.toString()).output;
                assertThat(stale.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                        .containsExactly(owner(fourMap, moving));
            }
            System.out.println(stopped.output);
            assertThat(stopped.exit).as(stopped.output).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
            assertThat(retried.get()).as("writes refused or held past the bound").isZero();
            // The stale instance is the one status says cannot route by the target; the tool names it alone.
            String staleId = status.lines().filter(line -> line.contains("cannot route by the announced target"))
                    .map(line -> line.trim().substring(0, line.trim().indexOf(" on "))).findFirst().orElseThrow();
            assertThat(stopped.output).contains("verify: no differences", "switch: not started, no write was held and"
                    + " nothing was published; writes go on by version 1.", "  instance " + staleId + " (",
                    "Restart each with the configuration that names ds4 (or stop it), then run `reshard --resume`.")
                    .doesNotContain("phase switch:");
            assertThat(stopped.output.split("\n  instance ", -1)).as(stopped.output).hasSize(2);
            assertThat(status).contains("topology version 1", "reshard in progress: phase verify", "2 instances");
            assertThat(current.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                    .containsExactly(owner(fourMap, moving));

            try (ShardingDataSource restarted = ShardingDataSource.fromYaml(five)) {
                Run resumed = whileWriting(List.of(current, restarted), ref, () -> cli("reshard", "--config",
                        five.toString(), "--resume"));
                assertThat(resumed.exit).as(resumed.output).isZero();
                assertThat(resumed.output).contains("in phase verify", "switch: broadcast tables copied to ds4",
                        "phase done:").doesNotContain("cannot route");
                assertEveryRowOnceOnItsOwner(fiveMap, ref);
                assertThat(restarted.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                        .containsExactly("ds4");
            }
            assertThat(current.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards()).containsExactly("ds4");
        }
        assertThat(readProblems).isEmpty();
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
             ShardingDataSource b = ShardingDataSource.fromYaml(five);
             Connection ref = server.connect(database("ref"))) {
            Run prepareAborted = whileWriting(List.of(a, b), ref, () -> {
                killInPrepare("prepare.txt", "--config", five.toString(), "--yes");
                return cli("reshard", "--config", five.toString(), "--abort");
            });
            assertThat(prepareAborted.exit).as(prepareAborted.output).isZero();
            assertThat(prepareAborted.output).contains("version 1 stays in force");
            assertThat(rows("ds4")).isEmpty();
            assertEveryRowOnceOnItsOwner(fourMap, ref);

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

            killedInCatchUpVerifyAndSwitch(List.of(a, b), ref, five, fourMap, fiveMap);

            // Killed in the prepare of a drain, then resumed: it prepares again and finishes.
            Run prepareResumed = whileWriting(List.of(a, b), ref, () -> {
                killInPrepare("prepare-2.txt", "--config", drained.toString(), "--yes");
                return cli("reshard", "--config", drained.toString(), "--resume");
            });
            assertThat(prepareResumed.exit).as(prepareResumed.output).isZero();
            assertThat(prepareResumed.output).contains("in phase prepare", "phase prepare:", "phase done:");
            assertEveryRowOnceOnItsOwner(fourMap, ref);
            assertThat(rows("ds4")).isEmpty();
        }
        assertThat(readProblems).isEmpty();
    }

    private void killedInCatchUpVerifyAndSwitch(List<ShardingDataSource> instances, Connection ref, Path five,
                                                SlotMap fourMap, SlotMap fiveMap) throws Exception {
        String config = five.toString();
        long from = mapVersion();
        long moving = movingKey(fourMap, fiveMap);

        Run catchUpAborted = whileWriting(instances, ref, () -> {
            killInCatchUp(startTool("catch-up.txt", withThrottle("--config", config, "--yes")), "catch-up.txt");
            return cli("reshard", "--config", config, "--abort");
        });
        assertAborted(catchUpAborted, config, from, fourMap, ref);

        Run verifyAborted = whileWriting(instances, ref, () -> {
            killInCatchUp(startTool("catch-up-2.txt", withThrottle("--config", config, "--yes")), "catch-up-2.txt");
            killInVerify(startTool("verify.txt", withThrottle("--config", config, "--resume")), "verify.txt");
            assertThat(output("verify.txt")).contains("in phase catch-up");
            return cli("reshard", "--config", config, "--abort");
        });
        assertAborted(verifyAborted, config, from, fourMap, ref);

        Run switchAborted = whileWriting(instances, ref, () -> {
            killInVerify(startTool("verify-2.txt", withThrottle("--config", config, "--yes")), "verify-2.txt");
            long token = killInSwitchBeforePublishing(0, "switch.txt", "--config", config, "--resume");
            assertThat(output("switch.txt")).contains("in phase verify", "phase switch:");
            // No split brain: nothing is published, both instances route by the old map, and a write to a moving
            // slot waits at most the hold bound, then fails saying what ends it; the freeze stays.
            assertThat(mapVersion()).isEqualTo(from);
            for (ShardingDataSource instance : instances) {
                assertThat(instance.explain("SELECT v FROM t_kv WHERE k = ?", moving).shards())
                        .containsExactly(owner(fourMap, moving));
            }
            keyLocks[(int) moving].lock();
            try (Connection c = instances.get(0).getConnection();
                 PreparedStatement s = c.prepareStatement("UPDATE t_kv SET v = v + 100 WHERE k = ?")) {
                s.setLong(1, moving);
                assertThatThrownBy(s::executeUpdate).isInstanceOf(SQLTransientException.class)
                        .hasMessageContaining("settings.reshardWriteHoldMillis (3000 ms)")
                        .hasMessageContaining("reshard --resume");
            } finally {
                keyLocks[(int) moving].unlock();
            }
            assertThat(frozenToken()).isEqualTo(token);
            return cli("reshard", "--config", config, "--abort");
        });
        assertAborted(switchAborted, config, from, fourMap, ref);

        Run resumed = whileWriting(instances, ref, () -> {
            long token = killInSwitchBeforePublishing(0, "switch-2.txt", "--config", config, "--yes");
            killAfterPublishing(token, from, "published.txt", "--config", config, "--resume");
            Run refused = cli("reshard", "--config", config, "--abort");
            assertThat(refused.exit).isEqualTo(ShardCli.EXIT_ERROR);
            assertThat(refused.output).contains("The switch is done", "--resume");
            return cli("reshard", "--config", config, "--resume");
        });
        assertThat(resumed.exit).as(resumed.output).isZero();
        assertThat(resumed.output).contains("in phase switch", "phase cleanup:", "phase done:")
                .doesNotContain("phase verify:", "phase copy:");
        assertThat(mapVersion()).isEqualTo(from + 1);
        assertEveryRowOnceOnItsOwner(fiveMap, ref);
    }

    private static String[] withThrottle(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(THROTTLED));
        return all.toArray(String[]::new);
    }

    private void assertAborted(Run abort, String config, long version, SlotMap map, Connection ref)
            throws SQLException {
        assertThat(abort.exit).as(abort.output).isZero();
        assertThat(abort.output).contains("version " + version + " stays in force");
        assertThat(mapVersion()).isEqualTo(version);
        assertThat(rows("ds4")).isEmpty();
        assertEveryRowOnceOnItsOwner(map, ref);
        assertThat(cli("status", "--config", config).output).contains("no reshard in progress");
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
            tool = startTool(output, args);
            awaitPhase(tool, output, "prepare");
            try (RowLock positions = new RowLock(progressItem("position/ds0"))) {
                announcement.releaseToWaiters();
                killWhen(tool, output, "the prepare", () -> output(output).contains("phase prepare:")
                        && positions.hasWaiters());
                assertThat(phase()).isEqualTo("prepare");
            }
        } finally {
            if (tool != null) {
                kill(tool);
            }
        }
        assertThat(phase()).isEqualTo("prepare");
        assertThat(progressShows("item LIKE 'position/%'")).as("no binlog position recorded").isFalse();
        assertThat(output(output)).contains("phase prepare:").doesNotContain("phase copy:");
    }

    /**
     * Kills the tool in the catch-up: once the copy runs, the test locks the rows where the catch-up records how far
     * it got, so the tool cannot leave the catch-up; it is killed once the progress says catch-up.
     */
    private void killInCatchUp(Process tool, String output) throws Exception {
        try {
            awaitPhase(tool, output, "copy");
            try (RowLock positions = new RowLock(progressItem("position/ds0"), progressItem("position/ds1"),
                    progressItem("position/ds2"), progressItem("position/ds3"))) {
                assertThat(phase()).as("the copy still runs once the positions are locked").isEqualTo("copy");
                killWhen(tool, output, "the catch-up", () -> "catch-up".equals(phase()));
            }
        } finally {
            kill(tool);
        }
        assertThat(phase()).isEqualTo("catch-up");
    }

    private static void kill(Process tool) throws InterruptedException {
        tool.destroyForcibly(); // SIGKILL; nothing if it is dead already
        tool.waitFor();
    }

    /** Kills the tool in the verify: the phase row is locked while it verifies, so it cannot go on to the switch. */
    private void killInVerify(Process tool, String output) throws Exception {
        try {
            awaitPhase(tool, output, "verify");
            try (RowLock phaseRow = new RowLock(progressItem("phase"))) {
                assertThat(phase()).as("the verify still runs once the phase is locked").isEqualTo("verify");
                killWhen(tool, output, "the verify", () -> true);
            }
        } finally {
            kill(tool);
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
            Process tool = startTool(output, args);
            killWhen(tool, output, "a freeze every instance acknowledged", () -> {
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
            Process tool = startTool(output, args);
            try {
                try {
                    awaitFreezeOtherThan(tool, output, killedFreeze);
                } finally {
                    map.releaseToWaiters(); // the live tool's publication goes on
                }
                killWhen(tool, output, "the publication of version " + (from + 1), () -> mapVersion() == from + 1);
            } finally {
                kill(tool);
            }
        }
        assertThat(phase()).isEqualTo("switch");
        assertThat(progressShows("item = 'published_version'")).isFalse();
        assertThat(output(output)).contains("in phase switch", "phase verify:", "phase switch:");
    }

    private void awaitFreezeOtherThan(Process tool, String output, long earlier) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (acknowledgedFreeze(earlier) == 0) {
            assertThat(tool.isAlive()).as(() -> "the tool ended before a new freeze: " + output(output)).isTrue();
            assertThat(System.nanoTime() - deadline).as("a new freeze within 2 minutes").isNegative();
            tool.waitFor(20, TimeUnit.MILLISECONDS);
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

        /** Whether a session waits for these locks now. */
        boolean hasWaiters() throws SQLException {
            try (Connection c = server.connect(database("ds0")); Statement s = c.createStatement()) {
                return !waiting(s).isEmpty();
            }
        }

        /** The sessions waiting for these locks. */
        private List<Long> waiting(Statement s) throws SQLException {
            List<Long> waiting = new ArrayList<>();
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

    /** Empty databases for the five shards and the reference, fresh key locks, and the four-shard deployment seeded. */
    private Deployment fourShardsSeeded() throws Exception {
        for (int i = 0; i <= KEYS; i++) {
            keyLocks[i] = new ReentrantLock();
        }
        for (int i = 0; i <= REGIONS; i++) {
            regionLocks[i] = new ReentrantLock();
        }
        for (String name : SHARDS) {
            server.createDatabase(database(name));
        }
        server.createDatabase(database("ref"));
        Path four = writeConfig("four.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0));
        Path five = writeConfig("five.yaml", Map.of("ds0", 1.0, "ds1", 1.0, "ds2", 1.0, "ds3", 1.0, "ds4", 1.0));
        seed(four);
        return new Deployment(four, five, SlotMap.of(ShardConfig.fromYaml(four)),
                SlotMap.of(ShardConfig.fromYaml(five)));
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

    /**
     * Starts the packaged tool in a process of its own, throttled so that its copy takes seconds, and kills it with
     * SIGKILL once the progress table shows a copied chunk.
     */
    private void killInCopy(Path config) throws Exception {
        killWhen(config, "item LIKE 'copied/%'");
    }

    /** As {@link #killInCopy}, once the progress table has a row matching {@code condition}. */
    private void killWhen(Path config, String condition) throws Exception {
        Process tool = startTool("killed.txt", "--config", config.toString(), "--yes", "--chunk-rows", "20",
                "--max-rows-per-second", "200");
        killWhen(tool, "killed.txt", condition, () -> progressShows(condition));
    }

    /** The packaged tool's {@code reshard} with these arguments, in a process of its own; its output in a file. */
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

    /** Kills the tool with SIGKILL once {@code condition} holds; fails if the tool ends first. */
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
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS + 3);
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
                    writeBoth(instance, ref, sql, k);
                } finally {
                    keyLocks[k].unlock();
                }
            }
        }
        return null;
    }

    /** The write through the instance and, once it is applied there, on the reference; the caller holds its lock. */
    private void writeBoth(ShardingDataSource instance, Connection ref, String sql, long key) throws SQLException {
        try (Connection c = instance.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, key);
            s.executeUpdate();
        } catch (SQLTransientException e) {
            // Held past the bound or refused at the switch: not applied; the application retries.
            retried.incrementAndGet();
            return;
        }
        try (PreparedStatement s = ref.prepareStatement(sql)) {
            s.setLong(1, key);
            s.executeUpdate();
        }
        writes.incrementAndGet();
    }

    /** Updates rows of the broadcast table through the instances in turn, and the same rows of the reference. */
    private Void writeBroadcast(List<ShardingDataSource> instances, AtomicBoolean stop) throws Exception {
        String sql = "UPDATE t_region SET v = v + 1 WHERE id = ?";
        try (Connection ref = server.connect(database("ref"))) {
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
        // Every data source of the map holds the broadcast rows, with every write the reference got.
        List<String> regions = regions(ref);
        for (String shard : map.shards()) {
            try (Connection c = server.connect(database(shard))) {
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
