package dev.shard.cli.reshard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.cli.reshard.Movement.Difference;
import dev.shard.cli.reshard.Movement.DifferingChunk;
import dev.shard.cli.reshard.Resharder.Result;
import dev.shard.core.internal.hash.SlotMap;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The reshard's state machine over fakes: the order of the phases, refusals, resume after a kill, abort. */
class ReshardWorkflowTest {

    private static final SlotMap FOUR = SlotMap.consistent(List.of("ds0", "ds1", "ds2", "ds3"), null);
    private static final SlotMap FIVE = SlotMap.consistent(List.of("ds0", "ds1", "ds2", "ds3", "ds4"), null);

    private final Fakes fakes = new Fakes(FOUR);
    private StringWriter printed = new StringWriter();

    private ReshardWorkflow workflow(SlotMap configured) {
        // A new workflow over the same stores, as a new run of the tool would be.
        printed = new StringWriter();
        fakes.restart();
        return new ReshardWorkflow(configured, ReshardOptions.defaults(), fakes.coordination, fakes.capture,
                fakes.movement, fakes.store, new ReshardOutput(new PrintWriter(printed, true), false));
    }

    private Result run(boolean resume) throws Exception {
        return workflow(FIVE).run(resume, plan -> true);
    }

    @Test
    void aRunGoesThroughEveryPhaseInOrderAndLeavesNoProgressBehind() throws Exception {
        assertThat(run(false)).isEqualTo(Result.DONE);

        assertThat(printed.toString()).containsSubsequence("phase plan:", "phase prepare:", "phase copy:",
                "phase catch-up:", "phase verify:", "phase switch:", "phase cleanup:", "phase done:");
        List<String> events = fakes.events;
        // The broadcast table is copied whole to the added ds4, from the first source, after the sharded tables
        // and before the catch-up; nothing is copied at the switch.
        assertThat(events).containsSubsequence("announce", "prepare", "copy ds0 t_user chunk 1",
                "copy ds3 t_order chunk 3", "copy ds0 t_region chunk 3", "follow ds0 from 100", "catch-up ds0",
                "verify", "freeze", "awaitFrozen", "catch-up ds3", "publish", "stop ds0", "awaitRouting 2",
                "delete moved ds0 t_user", "delete moved ds3 t_order");
        // Only the four old shards give slots away, each to the new one, and nothing is copied from ds4.
        assertThat(events).noneMatch(e -> e.startsWith("copy ds4"));
        assertThat(fakes.coordination.version).isEqualTo(2);
        assertThat(fakes.coordination.map).isEqualTo(FIVE);
        assertThat(fakes.coordination.announcement).isNull();
        assertThat(fakes.store.items).isEmpty();
    }

    @Test
    void theBinlogPositionsAreTakenBeforeTheFirstRowIsCopiedAndTheCatchUpStartsAfterTheLast() throws Exception {
        fakes.killAt = "copy ds0 t_user chunk 1";
        assertThatThrownBy(() -> run(false)).isInstanceOf(Fakes.Kill.class);
        ReshardState state = ReshardState.of(fakes.store.items);
        assertThat(state.positions()).containsOnlyKeys("ds0", "ds1", "ds2", "ds3");
        assertThat(fakes.events).noneMatch(e -> e.startsWith("follow"));

        assertThat(run(true)).isEqualTo(Result.DONE);
        int lastCopy = lastIndexOf("copy ");
        int firstFollow = fakes.events.indexOf("follow ds0 from " + state.positions().get("ds0").position());
        assertThat(firstFollow).isGreaterThan(lastCopy);
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() throws Exception {
        assertThat(workflow(FIVE).dryRun()).isEqualTo(Result.PLANNED);
        assertThat(printed.toString()).contains("phase plan:", "ds0 -> ds4:", "ds3 -> ds4:",
                "(estimate from information_schema)", "Dry run: nothing was changed.");
        assertThat(fakes.events).isEmpty();
        assertThat(fakes.store.items).isEmpty();
    }

    @Test
    void missingPrerequisitesStopTheRunBeforeAnythingChanges() {
        fakes.capture.problems.put("ds2", List.of("binlog_format is STATEMENT; set binlog_format=ROW"));
        fakes.movement.problems = List.of("table t_note on data source ds1 has no primary key");
        assertThatThrownBy(() -> run(false)).isInstanceOf(SQLException.class)
                .hasMessageContaining("nothing was changed")
                .hasMessageContaining("data source ds2: binlog_format is STATEMENT; set binlog_format=ROW")
                .hasMessageContaining("table t_note on data source ds1 has no primary key");
        assertThat(fakes.events).isEmpty();
        assertThat(fakes.store.items).isEmpty();
    }

    @Test
    void nothingToDoWhenTheStoredMapMatches() throws Exception {
        assertThat(workflow(FOUR).run(false, plan -> true)).isEqualTo(Result.NOTHING_TO_DO);
        assertThat(fakes.events).isEmpty();
    }

    @Test
    void aSecondRunWithoutResumeIsRefusedWhileOneIsInProgress() {
        fakes.killAt = "prepare";
        assertThatThrownBy(() -> run(false)).isInstanceOf(Fakes.Kill.class);
        assertThatThrownBy(() -> run(false)).isInstanceOf(SQLException.class)
                .hasMessageContaining("already in progress (phase prepare").hasMessageContaining("--resume");
        assertThatThrownBy(() -> workflow(FOUR).run(true, plan -> true)).isInstanceOf(SQLException.class)
                .hasMessageContaining("another map than the configuration");
    }

    @Test
    void aResumedCopyContinuesFromEachTablesCheckpoint() throws Exception {
        fakes.killAt = "copy ds1 t_order chunk 2";
        assertThatThrownBy(() -> run(false)).isInstanceOf(Fakes.Kill.class);
        fakes.events.clear();

        assertThat(run(true)).isEqualTo(Result.DONE);
        assertThat(printed.toString()).contains("in phase copy", "rows were copied before");
        // Tables already copied are not copied again; the interrupted one goes on after its last chunk.
        assertThat(fakes.events).noneMatch(e -> e.startsWith("copy ds0 t_user") || e.startsWith("copy ds0 t_order"));
        assertThat(fakes.events).contains("copy ds0 t_region chunk 1");
        assertThat(fakes.events).noneMatch(e -> e.equals("copy ds1 t_order chunk 1"));
        assertThat(fakes.events).contains("copy ds1 t_order chunk 2", "copy ds2 t_user chunk 1");
        assertThat(fakes.coordination.publications).isEqualTo(1);
    }

    static Stream<String> killPoints() {
        return Stream.of("announce", "prepare", "copy ds0 t_user chunk 1", "copy ds3 t_order chunk 3",
                "copy ds0 t_region chunk 2", "follow ds1 from 101", "catch-up ds2", "verify", "awaitTargetRead",
                "freeze", "awaitFrozen",
                "publish", "awaitRouting 2", "delete moved ds2 t_user");
    }

    @ParameterizedTest
    @MethodSource("killPoints")
    void aRunKilledAtAnyStepAndResumedEndsWithTheTargetPublishedOnceAndTheSourcesCleaned(String step)
            throws Exception {
        fakes.killAt = step;
        assertThatThrownBy(() -> run(false)).isInstanceOf(Fakes.Kill.class);
        int killedAt = fakes.events.size();

        assertThat(run(true)).isEqualTo(Result.DONE);
        assertThat(fakes.coordination.version).isEqualTo(2);
        assertThat(fakes.coordination.map).isEqualTo(FIVE);
        assertThat(fakes.coordination.publications).isEqualTo(1);
        assertThat(fakes.coordination.announcement).isNull();
        assertThat(fakes.store.items).isEmpty();
        List<String> resumed = fakes.events.subList(killedAt, fakes.events.size());
        for (String source : List.of("ds0", "ds1", "ds2", "ds3")) {
            assertThat(resumed).contains("delete moved " + source + " t_user", "delete moved " + source + " t_order");
        }
        // The catch-up never replays from a position later than the one taken before the copy started, unless a
        // catch-up reached it first.
        if (fakes.events.indexOf("catch-up ds0") > killedAt || !fakes.events.contains("catch-up ds0")) {
            assertThat(fakes.capture.startedFrom.get("ds0").position()).isLessThanOrEqualTo(103);
        }
    }

    @Test
    void killedWhileWritesWereHeldTheResumeReleasesThemBeforeCatchingUp() throws Exception {
        fakes.killAt = "awaitFrozen";
        assertThatThrownBy(() -> run(false)).isInstanceOf(Fakes.Kill.class);
        assertThat(fakes.coordination.announcement.state()).isEqualTo(Coordination.AnnouncementState.FROZEN);
        int killedAt = fakes.events.size();

        assertThat(run(true)).isEqualTo(Result.DONE);
        List<String> resumed = fakes.events.subList(killedAt, fakes.events.size());
        assertThat(resumed).containsSubsequence("unfreeze", "follow ds0 from 104", "catch-up ds0", "verify", "freeze",
                "publish");
    }

    @Test
    void anInstanceThatCannotRouteByTheTargetIsNamedDuringTheCopyAndStopsTheSwitchBeforeTheFreeze()
            throws Exception {
        fakes.coordination.cannotRouteTarget = true;
        assertThat(run(false)).isEqualTo(Result.STOPPED);
        assertThat(fakes.events).containsSubsequence("announce", "copy ds0 t_user chunk 1", "verify",
                "awaitTargetRead");
        assertThat(fakes.events).doesNotContain("freeze", "publish");
        String output = printed.toString();
        // Warned once, right after the announcement, so that it can be restarted while the copy runs.
        assertThat(output).containsOnlyOnce("warning: instance app-1 (host1) cannot route by the target map: its"
                + " configuration lacks ds4; restart it with the configuration that names ds4 now");
        assertThat(output.indexOf("warning: instance app-1")).isLessThan(output.indexOf("phase copy:"));
        assertThat(output).contains("switch: not started, no write was held and nothing was published; writes go"
                + " on by version 1.", "  instance app-1 (host1)", "Restart each with the configuration that names"
                + " ds4 (or stop it), then run `reshard --resume`.").doesNotContain("phase switch:");
        assertThat(ReshardState.of(fakes.store.items).phase()).isEqualTo(Phase.VERIFY);
        assertThat(fakes.coordination.announcement.state()).isEqualTo(Coordination.AnnouncementState.ANNOUNCED);

        fakes.coordination.cannotRouteTarget = false; // restarted with the file that names ds4
        assertThat(run(true)).isEqualTo(Result.DONE);
        assertThat(fakes.coordination.publications).isEqualTo(1);
        assertThat(printed.toString()).doesNotContain("cannot route");
    }

    @Test
    void anInstanceThatSaysItCannotRouteByTheTargetOnlyOnceFrozenStopsTheSwitchWithoutPublishing()
            throws Exception {
        fakes.coordination.cannotRouteTarget = true;
        fakes.coordination.cannotRouteFrom = "freeze"; // started from the old file after the check
        assertThat(run(false)).isEqualTo(Result.STOPPED);
        assertThat(fakes.events).containsSubsequence("awaitTargetRead", "freeze", "awaitFrozen", "unfreeze")
                .doesNotContain("publish");
        assertThat(printed.toString()).contains("switch: stopped while waiting for the instances to hold their"
                + " writes; writes resume on the old owners, nothing was published.", "  instance app-1 (host1)",
                "then run `reshard --resume`").doesNotContain("Not acknowledged");

        fakes.coordination.cannotRouteTarget = false;
        assertThat(run(true)).isEqualTo(Result.DONE);
        assertThat(fakes.coordination.version).isEqualTo(2);
    }

    @Test
    void anInstanceThatNeverSaysWhetherItCanRouteByTheTargetIsNamedAndTheSwitchGoesOn() throws Exception {
        fakes.coordination.reportsTarget = false;
        assertThat(run(false)).isEqualTo(Result.DONE);
        assertThat(printed.toString()).contains("switch: instances did not say within 30 s whether they can route"
                + " by the target map (Shard versions before this check do not): app-1 (host1); the switch goes on");
        assertThat(fakes.events).containsSubsequence("awaitTargetRead", "freeze", "awaitFrozen", "publish");
    }

    @Test
    void rowsThatKeepDifferingAreComparedAgainWhileWritesAreHeldAndStopTheSwitchIfTheyStillDiffer()
            throws Exception {
        DifferingChunk chunk = new DifferingChunk("ds0", "t_user", null, null,
                List.of(new Difference("ds0", "ds4", "t_user", "42", "missing on ds4")));
        for (int i = 0; i <= ReshardOptions.defaults().verifyRounds() + 1; i++) {
            fakes.movement.verifyAnswers.add(List.of(chunk));
        }
        assertThat(run(false)).isEqualTo(Result.STOPPED);
        assertThat(fakes.events).containsSubsequence("verify", "verify again", "freeze", "awaitFrozen",
                "catch-up ds3", "verify again", "unfreeze");
        assertThat(fakes.events).doesNotContain("publish");
        assertThat(printed.toString()).contains("t_user key 42 from ds0 to ds4: missing on ds4",
                "verify: t_user: 1 rows differ", "--resume");
        assertThat(ReshardState.of(fakes.store.items).phase()).isEqualTo(Phase.SWITCH);
        assertThat(fakes.coordination.version).isEqualTo(1);

        assertThat(run(true)).isEqualTo(Result.DONE);
        assertThat(fakes.coordination.version).isEqualTo(2);
    }

    @Test
    void rowsThatSettleWhileWritesAreHeldDoNotStopTheSwitch() throws Exception {
        DifferingChunk chunk = new DifferingChunk("ds0", "t_user", null, null,
                List.of(new Difference("ds0", "ds4", "t_user", "42", "differs on ds4")));
        for (int i = 0; i <= ReshardOptions.defaults().verifyRounds(); i++) {
            fakes.movement.verifyAnswers.add(List.of(chunk));
        }
        assertThat(run(false)).isEqualTo(Result.DONE);
        assertThat(fakes.events).containsSubsequence("freeze", "awaitFrozen", "verify again", "publish");
        assertThat(printed.toString()).contains("verify: no differences while writes are held (1 chunks)");
    }

    @Test
    void differencesThatACatchUpResolvesDoNotStopTheSwitch() throws Exception {
        DifferingChunk chunk = new DifferingChunk("ds0", "t_user", null, null,
                List.of(new Difference("ds0", "ds4", "t_user", "42", "differs on ds4")));
        fakes.movement.verifyAnswers.add(List.of(chunk));
        assertThat(run(false)).isEqualTo(Result.DONE);
        assertThat(fakes.events).containsSubsequence("verify", "catch-up ds0", "verify again", "freeze");
    }

    @Test
    void anInstanceThatDoesNotHoldItsWritesStopsTheSwitchAndReleasesTheOthers() throws Exception {
        fakes.coordination.acknowledgeFreeze = false;
        assertThat(run(false)).isEqualTo(Result.STOPPED);
        assertThat(fakes.events).containsSubsequence("freeze", "awaitFrozen", "unfreeze");
        assertThat(fakes.events).doesNotContain("publish");
        assertThat(printed.toString()).contains("Not acknowledged: app-1 (host1");
        assertThat(fakes.coordination.announcement.state()).isEqualTo(Coordination.AnnouncementState.ANNOUNCED);

        fakes.coordination.acknowledgeFreeze = true;
        assertThat(run(true)).isEqualTo(Result.DONE);
        assertThat(fakes.coordination.version).isEqualTo(2);
    }

    @Test
    void cleanupWaitsForEveryInstanceToRouteByTheNewVersion() throws Exception {
        fakes.coordination.routingReached = false;
        assertThat(run(false)).isEqualTo(Result.STOPPED);
        assertThat(fakes.events).noneMatch(e -> e.startsWith("delete"));
        assertThat(printed.toString()).contains("Nothing was deleted");

        fakes.coordination.routingReached = true;
        assertThat(run(true)).isEqualTo(Result.DONE);
        assertThat(fakes.events).contains("delete moved ds0 t_user");
    }

    @Test
    void abortBeforeTheSwitchWithdrawsAndDeletesTheCopiesOnTheTargets() throws Exception {
        fakes.killAt = "copy ds2 t_user chunk 2";
        assertThatThrownBy(() -> run(false)).isInstanceOf(Fakes.Kill.class);

        assertThat(workflow(FIVE).abort()).isEqualTo(Result.DONE);
        assertThat(fakes.events).containsSubsequence("withdraw", "delete copies ds4 t_user", "delete copies ds4 t_order");
        assertThat(fakes.events).noneMatch(e -> e.startsWith("delete copies ds0"));
        assertThat(fakes.coordination.announcement).isNull();
        assertThat(fakes.coordination.version).isEqualTo(1);
        assertThat(fakes.store.items).isEmpty();
        assertThat(printed.toString()).contains("abort: the reshard from version 1 stopped in phase copy;",
                "version 1 stays in force");
    }

    @Test
    void abortWhileWritesAreHeldReleasesThemFirst() throws Exception {
        fakes.killAt = "awaitFrozen";
        assertThatThrownBy(() -> run(false)).isInstanceOf(Fakes.Kill.class);
        assertThat(workflow(FIVE).abort()).isEqualTo(Result.DONE);
        assertThat(fakes.events).containsSubsequence("awaitFrozen", "unfreeze", "withdraw", "delete copies ds4 t_user");
    }

    @Test
    void abortAfterTheSwitchIsRefusedWithWhatToDoInstead() throws Exception {
        fakes.killAt = "awaitRouting 2";
        assertThatThrownBy(() -> run(false)).isInstanceOf(Fakes.Kill.class);
        assertThatThrownBy(() -> workflow(FIVE).abort()).isInstanceOf(SQLException.class)
                .hasMessageContaining("The switch is done").hasMessageContaining("--resume");
        assertThat(fakes.events).doesNotContain("withdraw");
        assertThat(fakes.store.items).isNotEmpty();
    }

    @Test
    void abortRecognisesASwitchPublishedJustBeforeAKill() throws Exception {
        // Published, but killed before the journal said so.
        fakes.coordination.version = 1;
        fakes.killAt = "awaitRouting 2";
        assertThatThrownBy(() -> run(false)).isInstanceOf(Fakes.Kill.class);
        fakes.store.items.remove(ReshardState.PUBLISHED_VERSION);
        fakes.store.items.put(ReshardState.PHASE, Phase.SWITCH.label());
        assertThatThrownBy(() -> workflow(FIVE).abort()).isInstanceOf(SQLException.class)
                .hasMessageContaining("The switch is done");
        assertThat(run(true)).isEqualTo(Result.DONE);
        assertThat(fakes.coordination.publications).isEqualTo(1);
    }

    @Test
    void drainingADataSourceMovesItsSlotsOnly() throws Exception {
        fakes.coordination.map = FIVE;
        SlotMap drained = SlotMap.consistent(List.of("ds0", "ds1", "ds2", "ds3", "ds4"),
                List.of(1.0, 1.0, 1.0, 1.0, 0.0));
        assertThat(workflow(drained).run(false, plan -> true)).isEqualTo(Result.DONE);
        assertThat(fakes.events).allMatch(e -> !e.startsWith("copy ") || e.startsWith("copy ds4"));
        assertThat(fakes.events).contains("delete moved ds4 t_user").noneMatch(e -> e.startsWith("delete moved ds0"));
    }

    private int lastIndexOf(String prefix) {
        for (int i = fakes.events.size() - 1; i >= 0; i--) {
            if (fakes.events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
