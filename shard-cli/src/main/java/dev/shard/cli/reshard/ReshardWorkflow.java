package dev.shard.cli.reshard;

import dev.shard.cli.reshard.ChangeCapture.Follower;
import dev.shard.cli.reshard.Coordination.Announcement;
import dev.shard.cli.reshard.Coordination.AnnouncementState;
import dev.shard.cli.reshard.Coordination.Instance;
import dev.shard.cli.reshard.Coordination.TargetReport;
import dev.shard.cli.reshard.Coordination.Topology;
import dev.shard.cli.reshard.Movement.DifferingChunk;
import dev.shard.cli.reshard.Movement.Estimate;
import dev.shard.cli.reshard.ReshardState.Checkpoint;
import dev.shard.cli.reshard.ReshardState.Journal;
import dev.shard.cli.reshard.Resharder.Result;
import dev.shard.core.internal.hash.SlotMap;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The reshard as a sequence of phases, each recorded in the journal before it starts, so that a run killed at any
 * point continues from the phase it was in ({@code --resume}) and every step of a phase may run again:
 *
 * <pre>
 * plan -> prepare -> copy -> catch-up -> verify -> switch -> cleanup -> done
 * </pre>
 *
 * The log positions (binlog, or on PostgreSQL a replication slot's) are recorded before the first row is copied,
 * and the catch-up starts only after every table is copied (a replay running beside the copy could be overwritten
 * by an older copied image); from then on the followers keep applying changes through verify and switch. Only this
 * class decides the order; the row work, the change logs and the protocol with the instances sit behind {@link Movement}, {@link ChangeCapture} and
 * {@link Coordination}.
 */
final class ReshardWorkflow {

    /** Beyond this many chunks still differing, checking them again would hold the writes too long. */
    private static final int MAX_CHUNKS_AT_SWITCH = 50;
    /** How often the copy looks for instances that cannot route by the target, to warn while it runs. */
    private static final long INSTANCE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final SlotMap configured;
    private final ReshardOptions options;
    private final Coordination coordination;
    private final ChangeCapture capture;
    private final Movement movement;
    private final Journal journal;
    private final ReshardOutput out;
    /** Instances already warned about (they cannot route by the target), so that each is named once a run. */
    private final Set<String> warned = new HashSet<>();
    private long lastInstanceCheck;

    ReshardWorkflow(SlotMap configured, ReshardOptions options, Coordination coordination, ChangeCapture capture,
                    Movement movement, ProgressStore progress, ReshardOutput out) {
        this.configured = configured;
        this.options = options;
        this.coordination = coordination;
        this.capture = capture;
        this.movement = movement;
        this.journal = new Journal(progress);
        this.out = out;
    }

    /** Prints the plan and changes nothing. */
    Result dryRun() throws SQLException {
        ReshardState state = journal.read();
        if (state != null) {
            out.line("A reshard is in progress (phase " + state.phase().label() + ", from version "
                    + state.fromVersion() + "); its plan:");
            printPlan(state.plan());
            return Result.PLANNED;
        }
        ReshardPlan plan = planFromConfiguration();
        if (plan.isEmpty()) {
            return Result.NOTHING_TO_DO;
        }
        List<String> problems = problems(plan);
        problems.forEach(problem -> out.line("problem: " + problem));
        out.line(problems.isEmpty() ? "Dry run: nothing was changed." : "Dry run: nothing was changed; the reshard"
                + " would refuse to start until the problems above are fixed.");
        return Result.PLANNED;
    }

    Result run(boolean resume, Predicate<ReshardPlan> confirm) throws SQLException, InterruptedException {
        ReshardState state = journal.read();
        if (state != null && !resume) {
            throw new SQLException("A reshard is already in progress (phase " + state.phase().label()
                    + ", from version " + state.fromVersion() + "): run again with --resume to continue it, or with"
                    + " --abort to undo it");
        }
        if (state == null) {
            if (resume) {
                out.line("No reshard is in progress: starting one.");
            }
            ReshardPlan plan = planFromConfiguration();
            if (plan.isEmpty()) {
                return Result.NOTHING_TO_DO;
            }
            List<String> problems = problems(plan);
            if (!problems.isEmpty()) {
                throw new SQLException("The reshard cannot start; nothing was changed:\n  - "
                        + String.join("\n  - ", problems));
            }
            if (!confirm.test(plan)) {
                out.line("Not confirmed: nothing was changed.");
                return Result.STOPPED;
            }
            journal.begin(plan.fromVersion(), plan.current(), plan.target());
            coordination.announce(plan.fromVersion(), plan.target());
            state = journal.read();
            warnUnroutable(plan);
        } else {
            if (!state.target().equals(configured)) {
                throw new SQLException("The reshard in progress moves to another map than the configuration's"
                        + " weights imply now (was the file changed?): restore the file it started with and run"
                        + " --resume, or run --abort");
            }
            out.line("Resuming the reshard from version " + state.fromVersion() + " in phase "
                    + state.phase().label() + ".");
            if (state.publishedVersion() == 0 && !published(state)) {
                Optional<Announcement> announcement = coordination.announcement();
                if (announcement.isPresent() && announcement.get().state() == AnnouncementState.FROZEN) {
                    // Killed in the switch: writes to the moving slots are held; let them go while catching up.
                    coordination.unfreeze();
                }
                // An instance started since will learn the moving slots; announcing the same target is a no-op.
                coordination.announce(state.fromVersion(), state.target());
                warnUnroutable(state.plan());
            }
        }
        return continueFrom(state);
    }

    private Result continueFrom(ReshardState start) throws SQLException, InterruptedException {
        ReshardPlan plan = start.plan();
        ReshardState state = start;
        if (state.phase() == Phase.PREPARE) {
            out.phase(Phase.PREPARE, "schema on " + String.join(", ", plan.targets()));
            movement.prepare(plan);
            for (String source : plan.sources()) {
                // Before any row is copied: the catch-up replays everything from here on.
                journal.position(source, capture.position(source));
            }
            warnUnroutable(plan);
            journal.phase(Phase.COPY);
            state = journal.read();
        }
        if (state.phase() == Phase.COPY) {
            copy(plan, state);
            journal.phase(Phase.CATCH_UP);
            state = journal.read();
        }
        if (state.phase() == Phase.SWITCH && published(state)) {
            long version = coordination.current().version();
            journal.published(version);
            journal.phase(Phase.CLEANUP);
            state = journal.read();
        }
        if (state.phase() == Phase.CATCH_UP || state.phase() == Phase.VERIFY || state.phase() == Phase.SWITCH) {
            Result result = catchUpVerifySwitch(plan, state);
            if (result != Result.DONE) {
                return result;
            }
            state = journal.read();
        }
        if (state.phase() == Phase.CLEANUP) {
            return cleanup(plan, state.publishedVersion());
        }
        throw new IllegalStateException("unexpected phase " + state.phase());
    }

    private void copy(ReshardPlan plan, ReshardState state) throws SQLException, InterruptedException {
        long estimate = 0;
        long done = 0;
        for (Estimate e : movement.estimate(plan)) {
            estimate += e.movingRows();
        }
        for (Checkpoint checkpoint : state.checkpoints().values()) {
            done += checkpoint.rows();
        }
        out.phase(Phase.COPY, "moving rows of " + String.join(", ", movement.tables()) + " from "
                + String.join(", ", plan.sources()) + (plan.broadcastSource() == null ? "" : ", broadcast tables "
                + String.join(", ", movement.broadcastTables()) + " whole from " + plan.broadcastSource() + " to "
                + String.join(", ", plan.addedDataSources())) + " (about " + estimate + " rows, an estimate)"
                + (done > 0 ? "; " + done + " rows were copied before" : ""));
        out.startProgress(estimate, done);
        for (String source : plan.sources()) {
            for (String table : movement.tables()) {
                copy(plan, state, source, table);
            }
        }
        // A data source the target adds gets no broadcast write before the switch: its broadcast rows are copied
        // here, and the catch-up replays the broadcast writes made since from the same source's binlog.
        String broadcastSource = plan.broadcastSource();
        if (broadcastSource != null) {
            for (String table : movement.broadcastTables()) {
                copy(plan, state, broadcastSource, table);
            }
        }
    }

    private void copy(ReshardPlan plan, ReshardState state, String source, String table)
            throws SQLException, InterruptedException {
        Checkpoint from = state.checkpoint(source, table);
        if (from == null) {
            from = new Checkpoint(source, table, null, 0, false);
        }
        if (from.done()) {
            return;
        }
        Checkpoint end = movement.copy(plan, from, (reached, read, moved) -> {
            journal.checkpoint(reached);
            out.progress(moved, source + " " + table);
            if (System.nanoTime() - lastInstanceCheck > INSTANCE_CHECK_NANOS) {
                warnUnroutable(plan);
            }
        });
        journal.checkpoint(end);
        out.line("copy: " + table + " from " + source + ": " + end.rows() + " rows");
        warnUnroutable(plan);
    }

    private Result catchUpVerifySwitch(ReshardPlan plan, ReshardState state)
            throws SQLException, InterruptedException {
        Map<String, Follower> followers = new LinkedHashMap<>();
        try {
            for (String source : plan.sources()) {
                LogPosition from = state.positions().get(source);
                if (from == null) {
                    throw new SQLException("The reshard progress has no log position for " + source + ": it cannot"
                            + " catch up safely; run --abort and start again");
                }
                followers.put(source, capture.follow(source, from, plan));
            }
            out.phase(Phase.CATCH_UP, "applying the changes made since the copy started, from the change logs of "
                    + String.join(", ", plan.sources()));
            catchUp(followers);
            if (state.phase() == Phase.CATCH_UP) {
                journal.phase(Phase.VERIFY);
            }
            // Killed in the switch, the resumed run verifies again: what still differed then is not recorded.
            List<DifferingChunk> unsettled = verify(plan, followers);
            if (unsettled == null || !everyInstanceCanRoute(plan)) {
                return Result.STOPPED;
            }
            journal.phase(Phase.SWITCH);
            return switchOver(plan, followers, unsettled);
        } finally {
            followers.values().forEach(Follower::close);
        }
    }

    /** Waits until every follower has applied its source's log up to where it is now; records the new start. */
    private void catchUp(Map<String, Follower> followers) throws SQLException, InterruptedException {
        for (Map.Entry<String, Follower> entry : followers.entrySet()) {
            LogPosition now = capture.position(entry.getKey());
            Follower follower = entry.getValue();
            if (!follower.awaitApplied(now, options.catchUpBound())) {
                Optional<Throwable> failure = follower.failure();
                throw new SQLException("catch-up: the change log of " + entry.getKey() + " was not applied up to " + now
                        + (failure.isPresent() ? ": " + failure.get().getMessage()
                        : " within " + options.catchUpBound().toSeconds() + " s (applied up to "
                        + follower.applied() + "); run again with --resume"));
            }
            // A resumed run replays from here instead of from the start of the copy.
            journal.position(entry.getKey(), follower.applied());
        }
    }

    /**
     * Compares while the applications write: a row written between the read on its source and the read on its
     * target differs for a moment, so differing chunks are checked again after a catch-up, a few rounds. Rows that
     * keep changing are left for the switch, which checks them again while writes to the moving slots are held.
     *
     * @return the chunks still differing (empty when none), or null when too many differ to settle at the switch
     */
    private List<DifferingChunk> verify(ReshardPlan plan, Map<String, Follower> followers)
            throws SQLException, InterruptedException {
        out.phase(Phase.VERIFY, "comparing the moving rows on " + String.join(", ", plan.sources())
                + " with their new owners, chunk by chunk");
        List<DifferingChunk> differing = movement.verify(plan, null);
        for (int round = 1; !differing.isEmpty() && round <= options.verifyRounds(); round++) {
            out.line("verify: " + count(differing) + " rows differ in " + differing.size() + " chunks; catching up"
                    + " and checking them again (" + round + " of " + options.verifyRounds() + ")");
            catchUp(followers);
            differing = movement.verify(plan, differing);
        }
        if (differing.isEmpty()) {
            out.line("verify: no differences");
        } else if (differing.size() <= MAX_CHUNKS_AT_SWITCH) {
            out.line("verify: " + count(differing) + " rows in " + differing.size() + " chunks change as they are"
                    + " compared; the switch compares them again while writes to the moving slots are held");
        } else {
            reportDifferences(differing, options.verifyRounds() + " checks");
            return null;
        }
        return differing;
    }

    private void reportDifferences(List<DifferingChunk> differing, String after) {
        out.line("verify: " + count(differing) + " rows still differ after " + after
                + "; the switch will not happen while any differ:");
        Map<String, Integer> perTable = new LinkedHashMap<>();
        differing.forEach(chunk -> chunk.differences().forEach(d -> {
            perTable.merge(d.table(), 1, Integer::sum);
            if (perTable.get(d.table()) <= 10) {
                out.line("  " + d);
            }
        }));
        perTable.forEach((table, n) -> out.line("verify: " + table + ": " + n + " rows differ"));
        out.line("Run again with --resume to verify again, or --abort to undo the reshard.");
    }

    private static int count(List<DifferingChunk> chunks) {
        return chunks.stream().mapToInt(chunk -> chunk.differences().size()).sum();
    }

    private Result switchOver(ReshardPlan plan, Map<String, Follower> followers, List<DifferingChunk> unsettled)
            throws SQLException, InterruptedException {
        out.phase(Phase.SWITCH, "holding writes to the moving slots on every instance, applying the last changes,"
                + " publishing version " + (plan.fromVersion() + 1));
        Optional<Announcement> announcement = coordination.announcement();
        if (announcement.isEmpty()) {
            coordination.announce(plan.fromVersion(), plan.target());
        }
        long frozenAt = System.nanoTime();
        coordination.freeze();
        boolean published = false;
        try {
            if (!coordination.awaitFrozen(options.freezeBound())) {
                List<Instance> blocking = instancesThatCannotRoute();
                if (!blocking.isEmpty()) {
                    stopForUnroutable(plan, blocking, "switch: stopped while waiting for the instances to hold their"
                            + " writes; writes resume on the old owners, nothing was published.");
                    return Result.STOPPED;
                }
                List<String> missing = coordination.instances().stream().filter(i -> i.live() && !i.frozenAck())
                        .map(i -> i.id() + " (" + i.host() + ", last heartbeat " + i.lastHeartbeat() + ")").toList();
                out.line("switch: not every instance held its writes within " + options.freezeBound().toSeconds()
                        + " s; writes resume on the old owners. Not acknowledged: " + String.join(", ", missing));
                out.line("Run again with --resume to try the switch again, or --abort to undo the reshard.");
                return Result.STOPPED;
            }
            long acknowledgedAt = System.nanoTime();
            // With the writes to the moving slots held (and to the broadcast tables, when data sources are added),
            // draining the binlogs up to here leaves the new owners' rows exact.
            catchUp(followers);
            long caughtUpAt = System.nanoTime();
            if (!unsettled.isEmpty()) {
                // Nothing writes the moving slots now: this comparison is exact.
                List<DifferingChunk> differing = movement.verify(plan, unsettled);
                if (!differing.isEmpty()) {
                    reportDifferences(differing, "holding the writes");
                    out.line("switch: not published; writes resume on the old owners.");
                    return Result.STOPPED;
                }
                out.line("verify: no differences while writes are held (" + unsettled.size() + " chunks)");
            }
            long version = coordination.publishTarget();
            published = true;
            journal.published(version);
            journal.phase(Phase.CLEANUP);
            long publishedAt = System.nanoTime();
            // Where the hold went, so that a long one says which step to look at.
            out.line("switch: version " + version + " published; writes to the moving slots were held for "
                    + millis(publishedAt - frozenAt) + " ms by the tool's clock (every instance holding: "
                    + millis(acknowledgedAt - frozenAt) + " ms, last changes applied: "
                    + millis(caughtUpAt - acknowledgedAt) + " ms, " + (unsettled.isEmpty() ? ""
                    : "chunks compared again and ") + "published: " + millis(publishedAt - caughtUpAt) + " ms)");
            return Result.DONE;
        } finally {
            if (!published) {
                coordination.unfreeze();
            }
        }
    }

    /**
     * Names the live instances that cannot route by the target (their configuration lacks a data source it gives
     * slots to), once each, so that the operator restarts them while the copy runs rather than at the switch.
     */
    private void warnUnroutable(ReshardPlan plan) throws SQLException {
        lastInstanceCheck = System.nanoTime();
        for (Instance instance : coordination.instances()) {
            if (instance.blocksTheSwitch() && warned.add(instance.id())) {
                String names = String.join(", ", newOwners(plan));
                out.line("warning: instance " + instance.id() + " (" + instance.host() + ") cannot route by the"
                        + " target map: its configuration lacks " + names + "; restart it with the configuration"
                        + " that names " + names + " now: the switch will not start while it runs");
            }
        }
    }

    /**
     * Before the freeze, so that writes are not held for a switch that cannot publish: waits until every live
     * instance has said whether it can route by the target, and stops if one cannot. Published, the target would
     * leave it refusing every write to the slots that move to a data source it lacks, and the cleanup waiting for it.
     */
    private boolean everyInstanceCanRoute(ReshardPlan plan) throws SQLException, InterruptedException {
        if (!coordination.awaitTargetRead(options.freezeBound())) {
            List<String> silent = coordination.instances().stream()
                    .filter(i -> i.live() && i.target() == TargetReport.NOT_READ)
                    .map(i -> i.id() + " (" + i.host() + ")").toList();
            out.line("switch: instances did not say within " + options.freezeBound().toSeconds() + " s whether they"
                    + " can route by the target map (Shard versions before this check do not): " + String.join(", ",
                    silent) + "; the switch goes on and waits for their acknowledgements as usual");
        }
        List<Instance> blocking = instancesThatCannotRoute();
        if (blocking.isEmpty()) {
            return true;
        }
        stopForUnroutable(plan, blocking, "switch: not started, no write was held and nothing was published;"
                + " writes go on by version " + plan.fromVersion() + ".");
        return false;
    }

    private List<Instance> instancesThatCannotRoute() throws SQLException {
        return coordination.instances().stream().filter(Instance::blocksTheSwitch).toList();
    }

    private void stopForUnroutable(ReshardPlan plan, List<Instance> blocking, String what) {
        String names = String.join(", ", newOwners(plan));
        out.line(what + " These application instances cannot route by the target map (their configuration lacks "
                + names + ", which it gives slots to):");
        blocking.forEach(i -> out.line("  instance " + i.id() + " (" + i.host() + ")"));
        out.line("Restart each with the configuration that names " + names + " (or stop it), then run"
                + " `reshard --resume`.");
    }

    /** The data sources the target gives slots to that own none now: those an instance's file may lack. */
    private static List<String> newOwners(ReshardPlan plan) {
        return plan.targets().stream().filter(name -> plan.slotsBefore(name) == 0).toList();
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private Result cleanup(ReshardPlan plan, long version) throws SQLException, InterruptedException {
        out.phase(Phase.CLEANUP, "deleting the moved rows from " + String.join(", ", plan.sources())
                + " once every instance routes by version " + version);
        if (!coordination.awaitRouting(version, options.routingBound())) {
            List<String> behind = coordination.instances().stream().filter(i -> i.routingVersion() < version)
                    .map(i -> i.id() + " (" + i.host() + ", routes by version " + i.routingVersion() + ")").toList();
            out.line("cleanup: instances still route by an older version after " + options.routingBound().toSeconds()
                    + " s: " + String.join(", ", behind) + ". Nothing was deleted; run again with --resume.");
            return Result.STOPPED;
        }
        for (String source : plan.sources()) {
            for (String table : movement.tables()) {
                long deleted = movement.deleteMoved(plan, source, table);
                out.line("cleanup: " + table + " on " + source + ": " + deleted + " moved rows deleted");
            }
            capture.release(source);
        }
        journal.clear();
        out.phase(Phase.DONE, "version " + version + " is in force; every moved row lives on its new owner only");
        return Result.DONE;
    }

    /** Undoes a reshard that has not switched: the old map stays, the copies go. */
    Result abort() throws SQLException, InterruptedException {
        ReshardState state;
        try {
            state = journal.read();
        } catch (IllegalStateException incomplete) {
            state = null; // a start cut short: only the announcement and the items to remove
        }
        if (state != null && (state.publishedVersion() > 0 || published(state))) {
            throw new SQLException("The switch is done: version " + (state.fromVersion() + 1) + " is in force and"
                    + " the applications write the moved slots on their new owners, so the old owners' rows are"
                    + " already stale and abort cannot undo it. Run reshard --resume to finish the cleanup; to go"
                    + " back, restore the previous weights in the configuration afterwards and run reshard again,"
                    + " which moves the rows back the same way.");
        }
        // Not a phase of its own: the line names the phase the run being undone stopped in.
        out.line("abort: " + (state == null ? "" : "the reshard from version " + state.fromVersion()
                + " stopped in phase " + state.phase().label() + "; ")
                + "withdrawing the announcement; the map in force stays");
        Optional<Announcement> announcement = coordination.announcement();
        if (announcement.isPresent()) {
            if (announcement.get().state() == AnnouncementState.FROZEN) {
                coordination.unfreeze();
            }
            coordination.withdraw();
        }
        if (state != null) {
            ReshardPlan plan = state.plan();
            for (String target : plan.targets()) {
                for (String table : movement.tables()) {
                    long deleted = movement.deleteCopies(plan, target, table);
                    out.line("abort: " + table + " on " + target + ": " + deleted + " copied rows deleted");
                }
            }
            for (String source : plan.sources()) {
                capture.release(source);
            }
        }
        journal.clear();
        out.line(state == null && announcement.isEmpty() ? "No reshard was in progress." : "Aborted: version "
                + coordination.current().version() + " stays in force.");
        return Result.DONE;
    }

    /** Whether the state's target is already the stored map (the switch published it before a kill). */
    private boolean published(ReshardState state) throws SQLException {
        Topology now = coordination.current();
        return now.version() > state.fromVersion() && now.map().equals(state.target());
    }

    /** The plan from the stored map to the configuration's, printed (or that there is nothing to move). */
    private ReshardPlan planFromConfiguration() throws SQLException {
        Topology now = coordination.current();
        ReshardPlan plan = ReshardPlan.of(now.version(), now.map(), configured);
        if (plan.isEmpty()) {
            out.line("Nothing to move: the stored map (version " + plan.fromVersion() + ") already matches the"
                    + " configuration's weights.");
        } else {
            printPlan(plan);
        }
        return plan;
    }

    private List<String> problems(ReshardPlan plan) throws SQLException {
        List<String> problems = new ArrayList<>(movement.problems(plan));
        for (String source : plan.sources()) {
            for (String problem : capture.prerequisites(source)) {
                problems.add("data source " + source + ": " + problem);
            }
        }
        return problems;
    }

    private void printPlan(ReshardPlan plan) throws SQLException {
        out.phase(Phase.PLAN, "from version " + plan.fromVersion() + " to the map the configuration's weights imply");
        for (ReshardPlan.Move move : plan.moves()) {
            List<String> shown = move.ranges().stream().limit(4).map(Object::toString).toList();
            out.line("  " + move.from() + " -> " + move.to() + ": " + move.slots() + " slots in "
                    + move.ranges().size() + " ranges (" + String.join(", ", shown)
                    + (move.ranges().size() > shown.size() ? ", ..." : "") + ")");
        }
        for (Estimate estimate : movement.estimate(plan)) {
            if (movement.broadcastTables().contains(estimate.table())) {
                out.line("  " + estimate.table() + " on " + estimate.source() + ": about " + estimate.tableRows()
                        + " rows, copied whole to " + String.join(", ", plan.addedDataSources())
                        + " (broadcast table; estimate from information_schema)");
                continue;
            }
            out.line("  " + estimate.table() + " on " + estimate.source() + ": about " + estimate.movingRows()
                    + " of about " + estimate.tableRows() + " rows move (estimate from information_schema)");
        }
    }
}
