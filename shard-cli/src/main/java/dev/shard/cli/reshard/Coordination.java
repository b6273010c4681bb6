package dev.shard.cli.reshard;

import dev.shard.core.internal.hash.SlotMap;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The tool's side of the protocol with the application instances (see docs/resharding.md): the stored map, the
 * announcement of the target map, the freeze of writes to moving slots, the publication of the target, and what
 * each instance says it routes by. The production implementation is shard-jdbc's {@code ReshardCoordination}
 * ({@link StoredCoordination}); tests use fakes.
 */
interface Coordination extends AutoCloseable {

    /** The stored map in force and its version. */
    record Topology(long version, SlotMap map) {
    }

    enum AnnouncementState { ANNOUNCED, FROZEN }

    record Announcement(long fromVersion, SlotMap target, AnnouncementState state) {
    }

    /** What an instance said about the announced target (shard-jdbc's {@code ReshardCoordination.TargetReport}). */
    enum TargetReport { NOT_READ, ROUTABLE, CANNOT_ROUTE }

    /**
     * @param live   whether its heartbeat is recent enough for the switch to wait for it
     * @param target CANNOT_ROUTE: its configuration lacks a data source the target gives slots to
     */
    record Instance(String id, String host, long routingVersion, boolean frozenAck, Instant lastHeartbeat,
                    boolean live, TargetReport target) {

        /** Whether the switch must not publish while this instance runs. */
        boolean blocksTheSwitch() {
            return live && target == TargetReport.CANNOT_ROUTE;
        }
    }

    Topology current() throws SQLException;

    /** Tells the instances the moving slots; announcing the same target again is a no-op (a resumed run). */
    void announce(long fromVersion, SlotMap target) throws SQLException;

    Optional<Announcement> announcement() throws SQLException;

    void freeze() throws SQLException;

    /**
     * True once every live instance has said whether it can route by the announced target (or nothing is
     * announced); false at the bound.
     */
    boolean awaitTargetRead(Duration bound) throws SQLException, InterruptedException;

    /**
     * True once every live instance holds writes to the moving slots; false at the bound, or as soon as a live
     * instance says it cannot route by the target.
     */
    boolean awaitFrozen(Duration bound) throws SQLException, InterruptedException;

    /** Publishes the target as the next version and clears the announcement, in one transaction. */
    long publishTarget() throws SQLException;

    void unfreeze() throws SQLException;

    /** Removes the announcement: instances route and write as before it. */
    void withdraw() throws SQLException;

    /** True once every live instance routes by {@code version} or later; false at the bound. */
    boolean awaitRouting(long version, Duration bound) throws SQLException, InterruptedException;

    List<Instance> instances() throws SQLException;

    @Override
    void close();
}
