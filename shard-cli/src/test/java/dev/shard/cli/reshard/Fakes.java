package dev.shard.cli.reshard;

import dev.shard.cli.reshard.ReshardState.Checkpoint;
import dev.shard.core.internal.hash.SlotMap;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * In-memory stand-ins for the workflow's ports, sharing one log of what was called, and able to "kill" the run
 * (throw {@link Kill}) at a named step, as SIGKILL would stop the tool there.
 */
final class Fakes {

    /** The tool dies here. */
    static final class Kill extends RuntimeException {
        Kill(String step) {
            super("killed at " + step);
        }
    }

    final List<String> events = new ArrayList<>();
    /** The step at which to die once, e.g. "copy ds0 t_order chunk 2", "freeze", "publish". */
    String killAt;

    final MemoryStore store = new MemoryStore();
    final FakeCoordination coordination;
    final FakeCapture capture = new FakeCapture();
    final FakeMovement movement = new FakeMovement();

    Fakes(SlotMap current) {
        coordination = new FakeCoordination(current);
    }

    /** Set once killed: a dead tool does nothing more (not even its finally blocks), until {@link #restart}. */
    private boolean dead;

    void restart() {
        dead = false;
    }

    void step(String name) {
        if (dead) {
            throw new Kill("after death: " + name);
        }
        events.add(name);
        if (name.equals(killAt)) {
            killAt = null;
            dead = true;
            throw new Kill(name);
        }
    }

    final class MemoryStore implements ProgressStore {
        final Map<String, String> items = new TreeMap<>();

        @Override
        public Map<String, String> readAll() {
            return new TreeMap<>(items);
        }

        @Override
        public void put(String item, String value) {
            if (!dead) {
                items.put(item, value);
            }
        }

        @Override
        public void clear() {
            if (!dead) {
                items.clear();
            }
        }
    }

    final class FakeCoordination implements Coordination {
        long version = 1;
        SlotMap map;
        Coordination.Announcement announcement;
        boolean acknowledgeFreeze = true;
        boolean routingReached = true;
        int publications;
        /**
         * Whether the application instance's configuration lacks the data source the target adds, and from which
         * step on it says so (it reads the announcement at a poll of its own, some time after it).
         */
        boolean cannotRouteTarget;
        String cannotRouteFrom = "announce";
        /** False: the instance never says whether it can route by the target (a Shard version before the report). */
        boolean reportsTarget = true;

        FakeCoordination(SlotMap map) {
            this.map = map;
        }

        @Override
        public Topology current() {
            return new Topology(version, map);
        }

        @Override
        public void announce(long fromVersion, SlotMap target) throws SQLException {
            if (announcement != null && announcement.target().equals(target)) {
                return;
            }
            if (fromVersion != version) {
                throw new SQLException("stale announce");
            }
            step("announce");
            announcement = new Announcement(fromVersion, target, AnnouncementState.ANNOUNCED);
        }

        @Override
        public Optional<Announcement> announcement() {
            return Optional.ofNullable(announcement);
        }

        @Override
        public void freeze() {
            step("freeze");
            announcement = new Announcement(announcement.fromVersion(), announcement.target(),
                    AnnouncementState.FROZEN);
        }

        @Override
        public boolean awaitTargetRead(Duration bound) {
            step("awaitTargetRead");
            return reportsTarget;
        }

        @Override
        public boolean awaitFrozen(Duration bound) {
            step("awaitFrozen");
            return acknowledgeFreeze && !saysCannotRoute();
        }

        private boolean saysCannotRoute() {
            return cannotRouteTarget && announcement != null && events.contains(cannotRouteFrom);
        }

        @Override
        public long publishTarget() throws SQLException {
            if (announcement == null || announcement.state() != AnnouncementState.FROZEN) {
                throw new SQLException("publish without freeze");
            }
            step("publish");
            map = announcement.target();
            version++;
            announcement = null;
            publications++;
            return version;
        }

        @Override
        public void unfreeze() {
            step("unfreeze");
            if (announcement != null) {
                announcement = new Announcement(announcement.fromVersion(), announcement.target(),
                        AnnouncementState.ANNOUNCED);
            }
        }

        @Override
        public void withdraw() {
            step("withdraw");
            announcement = null;
        }

        @Override
        public boolean awaitRouting(long v, Duration bound) {
            step("awaitRouting " + v);
            return routingReached;
        }

        @Override
        public List<Instance> instances() {
            return List.of(new Instance("app-1", "host1", version, false, Instant.EPOCH, true,
                    saysCannotRoute() ? TargetReport.CANNOT_ROUTE
                            : announcement == null || !reportsTarget ? TargetReport.NOT_READ : TargetReport.ROUTABLE));
        }

        @Override
        public void close() {
        }
    }

    final class FakeCapture implements ChangeCapture {
        final Map<String, List<String>> problems = new HashMap<>();
        long position = 100;
        final Map<String, LogPosition> startedFrom = new HashMap<>();

        @Override
        public List<String> prerequisites(String dataSource) {
            return problems.getOrDefault(dataSource, List.of());
        }

        @Override
        public LogPosition position(String dataSource) {
            return new LogPosition("bin.000001", position++, "");
        }

        @Override
        public Follower follow(String dataSource, LogPosition start, ReshardPlan plan) {
            step("follow " + dataSource + " from " + start.position());
            startedFrom.put(dataSource, start);
            return new Follower() {
                LogPosition applied = start;

                @Override
                public boolean awaitApplied(LogPosition upTo, Duration bound) {
                    step("catch-up " + dataSource);
                    applied = upTo;
                    return true;
                }

                @Override
                public LogPosition applied() {
                    return applied;
                }

                @Override
                public Optional<Throwable> failure() {
                    return Optional.empty();
                }

                @Override
                public void close() {
                    events.add("stop " + dataSource);
                }
            };
        }
    }

    /** Each table has {@link #chunks} chunks of 10 rows on each source; verify answers from {@link #verifyAnswers}. */
    final class FakeMovement implements Movement {
        int chunks = 3;
        List<String> problems = List.of();
        final List<List<DifferingChunk>> verifyAnswers = new ArrayList<>();

        @Override
        public List<String> tables() {
            return List.of("t_user", "t_order");
        }

        @Override
        public List<String> broadcastTables() {
            return List.of("t_region");
        }

        @Override
        public List<String> problems(ReshardPlan plan) {
            return problems;
        }

        @Override
        public List<Estimate> estimate(ReshardPlan plan) {
            return List.of(new Estimate("ds0", "t_user", 100, 20));
        }

        @Override
        public void prepare(ReshardPlan plan) {
            step("prepare");
        }

        @Override
        public Checkpoint copy(ReshardPlan plan, Checkpoint from, ChunkListener listener)
                throws SQLException, InterruptedException {
            int start = from.lastKey() == null ? 0 : Integer.parseInt(from.lastKey());
            long rows = from.rows();
            for (int chunk = start + 1; chunk <= chunks; chunk++) {
                step("copy " + from.dataSource() + " " + from.table() + " chunk " + chunk);
                rows += 10;
                listener.copied(new Checkpoint(from.dataSource(), from.table(), Integer.toString(chunk), rows, false),
                        10, 10);
            }
            return new Checkpoint(from.dataSource(), from.table(), Integer.toString(chunks), rows, true);
        }

        @Override
        public List<DifferingChunk> verify(ReshardPlan plan, List<DifferingChunk> recheck) {
            step(recheck == null ? "verify" : "verify again");
            return verifyAnswers.isEmpty() ? List.of() : verifyAnswers.remove(0);
        }

        @Override
        public long deleteMoved(ReshardPlan plan, String source, String table) {
            step("delete moved " + source + " " + table);
            return 1;
        }

        @Override
        public long deleteCopies(ReshardPlan plan, String target, String table) {
            step("delete copies " + target + " " + table);
            return 1;
        }
    }
}
