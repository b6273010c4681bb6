package dev.shard.jdbc.internal;

import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.RoutedStatement;
import dev.shard.core.internal.route.StatementPlan;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's side of a reshard's switch (docs/resharding.md, "What application instances do during a
 * reshard"); {@link ReshardCoordination} is the tool's side, and {@link SlotMapFollower} carries the news between
 * them on every poll.
 *
 * <p><b>The cost when nothing is announced.</b> A statement reads {@link #gate()}, one volatile read, and finds
 * null; only writes made while a gate is up, or by a transaction still on an older topology, take
 * {@link #route}: they route through a {@link MovingSlotWatch} that notes the slots their keys fall in.
 *
 * <p><b>Admission.</b> A write to a moving slot is let through while the reshard is only ANNOUNCED, and its
 * connection is remembered as a moving writer until its transaction ends (for auto-commit, until its statement
 * ends). While FROZEN it is held: it waits, without a connection being busy on any server, until the gate changes
 * (the target published: it routes again by the new map, to the new owner; the freeze lifted or the reshard
 * withdrawn: again by the old map) or the freeze is {@code reshardWriteHoldMillis} old (SQLTransientException; from
 * then on such writes fail at once, until the gate changes). When the target adds data sources to the map this
 * instance routes by, writes to broadcast tables are treated as writes to moving slots: the tool drains their last
 * changes to the added data sources from a source's binlog while they are held, and released writes reach those
 * too. The instance
 * acknowledges a freeze once no moving writer is left, which is why a transaction that wrote a moving slot and
 * writes one again while frozen fails at once instead: its wait could only end at the bound.
 *
 * <p><b>Stragglers.</b> A statement that read "no gate" just before the poll that raised it runs unwatched; so the
 * acknowledgement also waits for a poll after the one that first saw the announcement, giving such a statement a
 * whole poll interval to finish.
 *
 * <p><b>A target it cannot route by.</b> An instance whose configuration lacks a data source the announced target
 * gives slots to (started from the file before the reshard added it) could not follow the target once published,
 * and would refuse writes to the slots it moves. It reports so on its heartbeat and never acknowledges the freeze,
 * and the tool does not switch while it runs; its writes go on meanwhile as for any announcement.
 *
 * <p><b>Lease.</b> Once the last successful poll is older than {@code metadataLeaseMillis}, every write to a sharded
 * table, and every write to a broadcast table (it would miss a data source added without this instance), is refused
 * (SQLTransientException) until a poll succeeds again, whether or not a reshard was known: the one known may have
 * been aborted since and another, moving other slots, switched without this instance. The tool stops waiting for
 * an instance whose heartbeat is older than its lease plus a margin.
 */
final class ReshardSwitch {

    private static final Logger LOG = LoggerFactory.getLogger(ReshardSwitch.class);

    /** The poll interval at most while a reshard is announced: a point read a poll, no write (see nextPollMillis). */
    static final long ANNOUNCED_POLL_MILLIS = 200;
    /** The poll interval at most while frozen, which lasts well under a second. */
    static final long FROZEN_POLL_MILLIS = 50;

    private final ShardRuntime runtime;
    private final KeyCollations collations;
    private final long leaseNanos;
    private final long holdNanos;
    private final String location;

    /** Null while nothing is announced and the lease holds: the one thing every statement reads. */
    private volatile ReshardGate gate;
    /** The start of the last successful poll; the lease runs from there. */
    private volatile long lastPollNanos;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever the gate changes: held writes look again. */
    private final Condition changed = lock.newCondition();
    /** Connections with a write to a moving slot in their open transaction or running statement; under lock. */
    private final Set<LogicalConnection> writers = new HashSet<>();
    private int held;
    /** Polls made (by the follower's thread only). */
    private long polls;
    /**
     * The announcement whose target this instance cannot route by (a data source the target gives slots to is not
     * in its configuration), or 0; set when the target is read. Such an instance never acknowledges the freeze.
     */
    private volatile long unroutableAnnouncement;
    /** The moves between a transaction's older topology and the current one, for the last pair asked about. */
    private volatile Moved lastMoved;

    private record Moved(Topology from, Topology to, SlotMoves moves) {
    }

    ReshardSwitch(ShardRuntime runtime, KeyCollations collations, String location) {
        this.runtime = runtime;
        this.collations = collations;
        this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(runtime.config().settings().metadataLeaseMillis());
        this.holdNanos = TimeUnit.MILLISECONDS.toNanos(runtime.config().settings().reshardWriteHoldMillis());
        this.location = location;
        // Until the first poll says what is announced, nothing is known: see polled.
        this.gate = ReshardGate.refusing(null, "has not read the reshard state in " + location + " yet");
        this.lastPollNanos = System.nanoTime() - leaseNanos - 1;
    }

    ReshardGate gate() {
        return gate;
    }

    /**
     * How long until the next poll, {@code every} being {@code slotMapPollMillis}. Writes to moving slots are held
     * from the poll that sees the freeze to the poll that sees the publication, and the tool publishes only after
     * the last instance has seen the freeze: at one poll a second, each instance's hold is one to two poll intervals.
     * So while a reshard is announced an instance polls at least every {@value #ANNOUNCED_POLL_MILLIS} ms (the
     * spread of the instances' freezes), and while it is frozen every {@value #FROZEN_POLL_MILLIS} ms (the delay of
     * the release). Not on the poll that first saw the announcement: the next one, which may acknowledge a freeze,
     * still comes a whole interval later, which is the time a statement that missed the announcement has to end
     * (see the class comment). A refusing gate keeps the interval: it is the metadata that cannot be read.
     */
    long nextPollMillis(long every) {
        ReshardGate current = gate;
        if (current == null || current.refusal() != null || polls <= current.firstSeenPoll()) {
            return every;
        }
        return Math.min(every, current.frozen() ? FROZEN_POLL_MILLIS : ANNOUNCED_POLL_MILLIS);
    }

    // ------------------------------------------------------------------ the follower's side

    /**
     * A poll that started at {@code startNanos} succeeded and saw this announcement state (after installing any new
     * map); the target map is read ({@code targetOf}) only for an announcement not seen before.
     *
     * @param refusing the gate to raise instead, when this instance cannot route by the stored version
     */
    void polled(long startNanos, ReshardTables.Poll poll, TargetReader targetOf, ReshardGate refusing)
            throws SQLException {
        polls++;
        ReshardGate current = gate;
        ReshardGate next;
        Topology topology = runtime.topology();
        if (refusing != null) {
            next = refusing;
        } else if (!poll.announced() || poll.fromVersion() != topology.version()) {
            // Nothing announced, or announced from a version this instance has left behind: the publish it led to
            // is installed already.
            next = null;
        } else if (current != null && current.sameAs(poll.announceToken(), poll.frozen(), poll.freezeToken())) {
            next = current;
        } else {
            SlotMoves moves;
            boolean broadcast;
            long firstSeen;
            if (current != null && current.announceToken() == poll.announceToken()) {
                moves = current.moves();
                broadcast = current.broadcast();
                firstSeen = current.firstSeenPoll();
            } else {
                SlotMap target = targetOf.read(poll.announceToken());
                if (target == null) {
                    return; // withdrawn between the two reads: the next poll sees it gone
                }
                moves = SlotMoves.between(topology.slotMap(), target);
                broadcast = ReshardGate.addsDataSources(topology.slotMap(), target);
                firstSeen = polls;
                LOG.info("A reshard from version {} is announced in {}: {} slots move", poll.fromVersion(), location,
                        moves.count());
                unroutable(poll, target);
            }
            // The same freeze keeps the time it was first seen (a refusal lifted does not restart the hold).
            long frozenSince = current != null && current.frozen() && poll.frozen()
                    && current.freezeToken() == poll.freezeToken() ? current.frozenSince() : System.nanoTime();
            next = new ReshardGate(poll.announceToken(), moves, broadcast, poll.frozen(), poll.freezeToken(),
                    poll.frozen() ? frozenSince : 0, firstSeen, null);
        }
        lock.lock();
        try {
            lastPollNanos = startNanos;
            if (next != current) {
                gate = next;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Notes whether this instance can route by the announced target; one that cannot says so on its heartbeat
     * ({@link #acknowledgement}), and the tool does not switch while it runs: published, the target would leave this
     * instance refusing every write to the slots it moves (docs/resharding.md, "add a data source").
     */
    private void unroutable(ReshardTables.Poll poll, SlotMap target) {
        List<String> lacked = StartingTopology.unconfiguredOwners(runtime.config(), target);
        unroutableAnnouncement = lacked.isEmpty() ? 0 : poll.announceToken();
        if (!lacked.isEmpty()) {
            String names = String.join(", ", lacked);
            LOG.error("A reshard from version {} is announced in {}, but this instance cannot route by its target:"
                    + " it gives slots to {}, which this instance's configuration lacks. The reshard tool does not"
                    + " switch while this instance runs: restart it with the configuration that names {}",
                    poll.fromVersion(), location, names, names);
        }
    }

    /** Reads the target map of an announcement; null if that announcement is gone. */
    interface TargetReader {
        SlotMap read(long announceToken) throws SQLException;
    }

    /**
     * What this instance reports in its row's {@code frozen_ack} ({@link ReshardTables#heartbeat}): the freeze it
     * acknowledges, only when frozen, no transaction of this instance holds a write to a moving slot, and the
     * announcement was known a poll before; otherwise the announcement's token negated when this instance cannot
     * route by its target, which it then never acknowledges, or the token itself once it has read the
     * announcement; 0 when nothing is announced.
     */
    long acknowledgement() {
        lock.lock();
        try {
            ReshardGate current = gate;
            writers.removeIf(LogicalConnection::isClosed); // aborted: its servers rolled its transaction back
            if (current == null || current.announceToken() == 0) {
                return 0;
            }
            if (current.announceToken() == unroutableAnnouncement) {
                return -current.announceToken();
            }
            return current.frozen() && current.refusal() == null && writers.isEmpty()
                    && polls > current.firstSeenPoll() ? current.freezeToken() : current.announceToken();
        } finally {
            lock.unlock();
        }
    }

    /** Run on the runtime's timer: once the lease has run out, moving writes are refused, without any statement. */
    void checkLease() {
        if (System.nanoTime() - lastPollNanos <= leaseNanos) {
            return;
        }
        lock.lock();
        try {
            ReshardGate current = gate;
            if (current == null || current.refusal() == null) {
                LOG.warn("No successful read of {} for more than settings.metadataLeaseMillis ({} ms): every write to"
                        + " sharded and broadcast tables is refused until it can be read again", location,
                        TimeUnit.NANOSECONDS.toMillis(leaseNanos));
                gate = ReshardGate.refusing(current, "has not read " + location + " for more than "
                        + "settings.metadataLeaseMillis (" + TimeUnit.NANOSECONDS.toMillis(leaseNanos) + " ms)");
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ the writers' side

    /**
     * Routes a write while a gate is up or its transaction is on an older topology: refuses it, holds it, or returns
     * its execution.
     */
    Execution route(LogicalConnection connection, RoutedStatement routed, StatementParameters parameters,
                    boolean generateKeys) throws SQLException {
        while (true) {
            Topology topology = connection.topology();
            Topology current = runtime.topology();
            ReshardGate seen = gate;
            // Past the lease, the announcement this instance knew may have been aborted and another reshard,
            // moving other slots, switched without it (the tool stops counting it as live): every slot may be
            // moving, and a data source may have been added.
            boolean lapsed = seen != null && seen.refusal() != null && System.nanoTime() - lastPollNanos > leaseNanos;
            MovingSlotWatch watch = new MovingSlotWatch(topology, collations,
                    seen == null ? null : lapsed ? SlotMoves.EVERY : seen.moves(),
                    seen != null && (lapsed || seen.broadcast()), topology == current ? null : moved(topology, current),
                    topology != current && ReshardGate.addsDataSources(topology.slotMap(), current.slotMap()));
            Execution execution = runtime.route(routed, parameters, generateKeys, topology,
                    connection.preferredShardForAnyOne(), watch);
            if (execution == null) {
                return null; // a batch entry with generated keys: it is routed again when it runs on its own
            }
            watch.routed(execution, routed.plan() instanceof StatementPlan.Fixed fixed ? fixed.broadcastTable() : null);
            if (watch.movedHit() != null) {
                throw new SQLTransientException("A reshard moved the rows of this write since its transaction started"
                        + " (" + watch.movedHit() + ", topology version " + topology.version() + ", now "
                        + current.version() + "): roll back and retry the transaction: "
                        + dev.shard.core.internal.sql.SqlText.abbreviate(routed.sql()), "40001");
            }
            if (watch.movingHit() == null || admit(connection, seen, watch.movingHit(), routed.sql())) {
                return execution;
            }
            connection.pin().afterHold(); // held and released: route again, by the map now in force
        }
    }

    /**
     * @return true to run the write now, false if the gate changed while it was held (route it again)
     */
    private boolean admit(LogicalConnection connection, ReshardGate seen, String hit, String sql)
            throws SQLException {
        lock.lock();
        try {
            if (gate != seen) {
                return false;
            }
            if (seen.refusal() != null || System.nanoTime() - lastPollNanos > leaseNanos) {
                throw new SQLTransientException("A write to rows a reshard may be moving (" + hit + ") is refused: "
                        + "this instance " + (seen.refusal() != null ? seen.refusal() : "has not read " + location
                        + " within settings.metadataLeaseMillis") + "; retry once it can: "
                        + dev.shard.core.internal.sql.SqlText.abbreviate(sql), "08006");
            }
            if (!seen.frozen()) {
                writers.add(connection);
                connection.pin().wroteMovingSlot();
                return true;
            }
            if (writers.contains(connection)) {
                throw new SQLTransientException("This transaction wrote to a slot a reshard is moving before the "
                        + "switch began, and writes to one again (" + hit + "): the switch waits for it to end, so "
                        + "roll back and retry the transaction: " + dev.shard.core.internal.sql.SqlText.abbreviate(sql),
                        "40001");
            }
            if (System.nanoTime() - seen.frozenSince() >= holdNanos) {
                throw heldTooLong(hit, sql);
            }
            return hold(seen, hit, sql);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under lock: waits for the gate to change; false then, an exception once the freeze is
     * {@code reshardWriteHoldMillis} old. The bound is the freeze's, not each write's: a switch that takes longer
     * has most likely lost its tool, and writes arriving then fail at once instead of each waiting the bound out.
     * The instance never lifts a freeze by itself: the tool may be about to publish, and a write let through to
     * the old owner then would be lost.
     */
    private boolean hold(ReshardGate seen, String hit, String sql) throws SQLException {
        long deadline = seen.frozenSince() + holdNanos;
        held++;
        try {
            while (gate == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw heldTooLong(hit, sql);
                }
                changed.awaitNanos(left);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientException("Interrupted while a write to a moving slot (" + hit + ") was held: "
                    + dev.shard.core.internal.sql.SqlText.abbreviate(sql), "40001", e);
        } finally {
            held--;
        }
    }

    private SQLTransientException heldTooLong(String hit, String sql) {
        return new SQLTransientException("A write to a slot a reshard is moving (" + hit + ") is refused: this"
                + " instance has held writes to the moving slots for settings.reshardWriteHoldMillis ("
                + TimeUnit.NANOSECONDS.toMillis(holdNanos) + " ms) and the switch has not finished (if the reshard"
                + " tool stopped, `shard reshard --resume` finishes the switch and `shard reshard --abort` releases"
                + " the writes to the old owners); retry: " + dev.shard.core.internal.sql.SqlText.abbreviate(sql),
                "40001");
    }

    /** The connection's transaction (or auto-commit statement) that wrote a moving slot has ended. */
    void released(LogicalConnection connection) {
        lock.lock();
        try {
            writers.remove(connection);
        } finally {
            lock.unlock();
        }
    }

    /** Writes waiting for the switch now: for tests and status. */
    int heldWrites() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    private SlotMoves moved(Topology from, Topology to) {
        Moved last = lastMoved;
        if (last != null && last.from() == from && last.to() == to) {
            return last.moves();
        }
        SlotMoves moves = SlotMoves.between(from.slotMap(), to.slotMap());
        lastMoved = new Moved(from, to, moves);
        return moves;
    }
}
