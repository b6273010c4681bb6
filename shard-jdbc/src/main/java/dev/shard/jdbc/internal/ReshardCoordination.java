package dev.shard.jdbc.internal;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The reshard tool's side of the switch between application instances and a new slot map (docs/resharding.md).
 * The instances poll the metadata data source; this class writes what they poll and reads what they report:
 * <ol>
 *   <li>{@link #announce}: the target map, from the version in force; instances learn which slots move, and say
 *       whether they can route by the target ({@link #awaitTargetRead}, {@link InstanceState#target});</li>
 *   <li>{@link #freeze}: instances hold new writes to moving slots, and acknowledge once none of their open
 *       transactions has written one; {@link #awaitFrozen} waits for every live instance's acknowledgement;</li>
 *   <li>{@link #publishTarget}: the target becomes the next version and the announcement goes, in one transaction;
 *       instances route by it and release the held writes to the new owners; {@link #awaitRouting} waits until
 *       every live instance routes by it;</li>
 *   <li>or, to abort, {@link #unfreeze} (held writes go on to the old owners) and {@link #withdraw}.</li>
 * </ol>
 * Every method is one short transaction on its own pool of one connection, so it can be called again after the
 * tool was killed: announcing the same target again, freezing a frozen reshard, withdrawing nothing are no-ops.
 */
public final class ReshardCoordination implements AutoCloseable {

    /** How often the waits look at the instance rows: a few times per instance poll. */
    private static final long AWAIT_STEP_MILLIS = 50;

    private final SlotMapStore store;
    private final SecureRandom tokens = new SecureRandom();
    /** Whether this coordination created the reshard tables (if they were missing) on its data source yet. */
    private volatile boolean tablesCreated;

    public enum State { ANNOUNCED, FROZEN }

    /** The reshard announced to the instances. */
    public record Announcement(long fromVersion, SlotMap target, State state) {
    }

    /** What an instance said about the announced target. */
    public enum TargetReport {
        /** Nothing announced, not read yet, or an instance of a Shard version that does not report it. */
        NOT_READ,
        /** It read the announcement and can route by the target. */
        ROUTABLE,
        /**
         * Its configuration lacks a data source the target gives slots to: published, the target would leave it
         * refusing every write to the slots that move there. It never acknowledges the freeze.
         */
        CANNOT_ROUTE
    }

    /**
     * An application instance, as it last reported.
     *
     * @param routingVersion the slot map version its new transactions route by
     * @param frozenAck      whether it acknowledged the current freeze
     * @param live           whether its heartbeat is recent enough to be waited for (see awaitFrozen)
     * @param target         what it said about the announced target
     */
    public record InstanceState(String id, String host, long routingVersion, boolean frozenAck,
                                Instant lastHeartbeat, boolean live, TargetReport target) {
    }

    private ReshardCoordination(SlotMapStore store) {
        this.store = store;
    }

    /** On the configuration's metadata data source, with its own pool of one connection (closed by close). */
    public static ReshardCoordination open(ShardConfig config) {
        return new ReshardCoordination(SlotMapStore.open(config));
    }

    /** The version and map in force, or null if no instance stored one yet. */
    public SlotMapStore.Stored current() throws SQLException {
        return store.read();
    }

    /**
     * Tells the instances that the map will go from version {@code fromVersion} to {@code target}.
     *
     * @throws SQLException if {@code fromVersion} is not the version in force, or another target is announced
     */
    public void announce(long fromVersion, SlotMap target) throws SQLException {
        inTransaction(c -> {
            ReshardTables.Announced existing = ReshardTables.announced(c, true);
            if (existing != null) {
                if (existing.fromVersion() == fromVersion && existing.target().equals(target)) {
                    return null; // resumed: the same reshard
                }
                throw new SQLException("Another reshard is announced in table " + ReshardTables.RESHARD
                        + " (from version " + existing.fromVersion() + " to " + existing.target() + "); resume or"
                        + " abort it first", "55000");
            }
            SlotMapStore.Stored current = store.read(c);
            if (current == null || current.version() != fromVersion) {
                throw new SQLException("Cannot announce a reshard from slot map version " + fromVersion + ": the "
                        + "version in force in " + store.location() + " is "
                        + (current == null ? "none" : current.version()) + "; plan again", "55000");
            }
            ReshardTables.insertAnnouncement(c, fromVersion, target, token());
            return null;
        });
    }

    /** The announced reshard, if any. */
    public Optional<Announcement> announcement() throws SQLException {
        return Optional.ofNullable(withTables(ReshardCoordination::readAnnounced)).map(a -> new Announcement(
                a.fromVersion(), a.target(), State.valueOf(a.state())));
    }

    /** Instances hold new writes to moving slots from their next poll on. Freezing a frozen reshard changes nothing. */
    public void freeze() throws SQLException {
        inTransaction(c -> {
            if (!ReshardTables.changeState(c, "ANNOUNCED", "FROZEN", token()) && required(c).state().equals(
                    "ANNOUNCED")) {
                throw new SQLException("The announced reshard could not be frozen", "55000");
            }
            return null;
        });
    }

    /**
     * Waits until every live instance has said whether it can route by the announced target (see
     * {@link TargetReport}), which it does at its first poll after the announcement; the tool checks before it
     * freezes that none cannot. True at once when nothing is announced.
     *
     * @return false if {@code bound} passed first: some live instance never said (a Shard version before this
     *         report, or one that cannot read the announcement)
     */
    public boolean awaitTargetRead(Duration bound) throws SQLException, InterruptedException {
        return await(bound, () -> announcement().isEmpty() || instances().stream().filter(InstanceState::live)
                .noneMatch(instance -> instance.target() == TargetReport.NOT_READ));
    }

    /**
     * Waits until every live instance acknowledged the freeze: none writes to a moving slot any more. An instance
     * whose heartbeat is older than its lease (and a margin) is not waited for: by its lease, it refuses such writes.
     * A live instance that cannot route by the target never acknowledges, so the wait ends as soon as one says so.
     *
     * @return false if {@code bound} passed first, or a live instance cannot route by the target
     */
    public boolean awaitFrozen(Duration bound) throws SQLException, InterruptedException {
        boolean[] acknowledged = new boolean[1];
        await(bound, () -> {
            List<InstanceState> live = instances().stream().filter(InstanceState::live).toList();
            acknowledged[0] = live.stream().allMatch(InstanceState::frozenAck);
            return acknowledged[0] || live.stream().anyMatch(i -> i.target() == TargetReport.CANNOT_ROUTE);
        });
        return acknowledged[0];
    }

    /**
     * Publishes the target as version fromVersion + 1 and removes the announcement, in one transaction; instances
     * release their held writes to the new owners once they route by it.
     *
     * @return the new version
     * @throws SQLException if nothing frozen is announced, or the version in force is no longer fromVersion
     */
    public long publishTarget() throws SQLException {
        return inTransaction(c -> {
            ReshardTables.Announced announced = required(c);
            if (!announced.state().equals("FROZEN")) {
                throw new SQLException("The reshard is not frozen: instances may still write to moving slots; freeze"
                        + " and await the acknowledgements before publishing", "55000");
            }
            if (!SlotMapStore.publish(c, announced.fromVersion(), announced.target())) {
                throw new SQLException("The slot map in " + store.location() + " is no longer version "
                        + announced.fromVersion() + ": something else published; nothing was changed", "55000");
            }
            ReshardTables.deleteAnnouncement(c);
            return announced.fromVersion() + 1;
        });
    }

    /** Back to ANNOUNCED: held writes go on to the old owners. Unfreezing an announced reshard changes nothing. */
    public void unfreeze() throws SQLException {
        inTransaction(c -> {
            if (!ReshardTables.changeState(c, "FROZEN", "ANNOUNCED", 0)) {
                required(c);
            }
            return null;
        });
    }

    /** Removes the announcement (if any): instances forget the moving slots; held writes go on to the old owners. */
    public void withdraw() throws SQLException {
        inTransaction(ReshardTables::deleteAnnouncement);
    }

    /** Waits until every live instance routes new transactions by {@code version} or a later one. */
    public boolean awaitRouting(long version, Duration bound) throws SQLException, InterruptedException {
        return await(bound, () -> instanceRows().stream().filter(ReshardTables.Instance::live)
                .allMatch(instance -> instance.routingVersion() >= version));
    }

    /** Every registered instance (live or not: a dead one's row stays until it is deleted by hand or restarts). */
    public List<InstanceState> instances() throws SQLException {
        ReshardTables.Announced announced = withTables(ReshardCoordination::readAnnounced);
        long freeze = announced != null && announced.state().equals("FROZEN") ? announced.freezeToken() : 0;
        long announce = announced == null ? 0 : announced.announceToken();
        return instanceRows().stream().map(instance -> {
            long ack = instance.frozenAck();
            boolean frozenAck = freeze != 0 && ack == freeze;
            // An acknowledged freeze says the announcement was read: the instance reports one or the other.
            TargetReport target = announce == 0 ? TargetReport.NOT_READ : ack == -announce
                    ? TargetReport.CANNOT_ROUTE : ack == announce || frozenAck ? TargetReport.ROUTABLE
                    : TargetReport.NOT_READ;
            return new InstanceState(instance.id(), instance.host(), instance.routingVersion(), frozenAck,
                    instance.lastHeartbeat(), instance.live(), target);
        }).toList();
    }

    @Override
    public void close() {
        store.close();
    }

    // ------------------------------------------------------------------ helpers

    private static ReshardTables.Announced readAnnounced(Connection c) throws SQLException {
        ReshardTables.Announced announced = ReshardTables.announced(c, false);
        ReshardTables.commitIfNeeded(c);
        return announced;
    }

    private List<ReshardTables.Instance> instanceRows() throws SQLException {
        return withTables(ReshardTables::instances);
    }

    private static ReshardTables.Announced required(Connection c) throws SQLException {
        ReshardTables.Announced announced = ReshardTables.announced(c, true);
        if (announced == null) {
            throw new SQLException("No reshard is announced in table " + ReshardTables.RESHARD, "55000");
        }
        return announced;
    }

    /**
     * A token no earlier announcement or freeze used; positive, since 0 means "none" and an instance reports an
     * announcement whose target it cannot route by as its token negated.
     */
    private long token() {
        long token;
        do {
            token = tokens.nextLong() & Long.MAX_VALUE;
        } while (token == 0);
        return token;
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private interface Check {
        boolean done() throws SQLException;
    }

    /** Polls {@code check}: the instances report through the database, so there is nothing to be woken by. */
    private static boolean await(Duration bound, Check check) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!check.done()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(AWAIT_STEP_MILLIS);
        }
        return true;
    }

    /**
     * Runs {@code work} on a connection of the store's pool, the reshard tables created first on this
     * coordination's first call rather than before every call, which sent a DDL statement per call to the data
     * source the instances poll. Tables dropped while the coordination is open are created again and {@code work}
     * runs once more, so that the coordination goes on as it did when every call created them.
     */
    private <T> T withTables(Work<T> work) throws SQLException {
        try (Connection c = store.connection()) {
            if (!tablesCreated) {
                ReshardTables.create(c);
                tablesCreated = true;
            }
            try {
                return work.run(c);
            } catch (SQLException e) {
                if (!ReshardTables.isMissingTable(e)) {
                    throw e;
                }
                if (!c.getAutoCommit()) {
                    c.rollback(); // a pool without autocommit: the failed statement's transaction goes
                }
                ReshardTables.create(c);
                return work.run(c);
            }
        }
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        return withTables(c -> {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        });
    }
}
