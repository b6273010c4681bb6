package dev.shard.cli.reshard;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.internal.ReshardCoordination;
import dev.shard.jdbc.internal.SlotMapStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link Coordination} over shard-jdbc's {@link ReshardCoordination}: the tables the instances poll. */
final class StoredCoordination implements Coordination {

    private final ReshardCoordination coordination;

    StoredCoordination(ReshardCoordination coordination) {
        this.coordination = coordination;
    }

    static StoredCoordination open(ShardConfig config) {
        return new StoredCoordination(ReshardCoordination.open(config));
    }

    @Override
    public Topology current() throws SQLException {
        SlotMapStore.Stored stored;
        try {
            stored = coordination.current();
        } catch (SQLException e) {
            if (!"42S02".equals(e.getSQLState())) {
                throw e;
            }
            // No instance has created the table yet: the same answer as an empty one, not the driver's message.
            stored = null;
        }
        if (stored == null) {
            throw new SQLException("No slot map is stored on the metadata data source yet: start the applications"
                    + " (or one ShardingDataSource) from this configuration with settings.storeSlotMap: true first,"
                    + " so that the map they route by is stored; the reshard moves rows from that map", "55000");
        }
        return new Topology(stored.version(), stored.map());
    }

    @Override
    public void announce(long fromVersion, SlotMap target) throws SQLException {
        coordination.announce(fromVersion, target);
    }

    @Override
    public Optional<Announcement> announcement() throws SQLException {
        return coordination.announcement().map(a -> new Announcement(a.fromVersion(), a.target(),
                AnnouncementState.valueOf(a.state().name())));
    }

    @Override
    public void freeze() throws SQLException {
        coordination.freeze();
    }

    @Override
    public boolean awaitTargetRead(Duration bound) throws SQLException, InterruptedException {
        return coordination.awaitTargetRead(bound);
    }

    @Override
    public boolean awaitFrozen(Duration bound) throws SQLException, InterruptedException {
        return coordination.awaitFrozen(bound);
    }

    @Override
    public long publishTarget() throws SQLException {
        return coordination.publishTarget();
    }

    @Override
    public void unfreeze() throws SQLException {
        coordination.unfreeze();
    }

    @Override
    public void withdraw() throws SQLException {
        coordination.withdraw();
    }

    @Override
    public boolean awaitRouting(long version, Duration bound) throws SQLException, InterruptedException {
        return coordination.awaitRouting(version, bound);
    }

    @Override
    public List<Instance> instances() throws SQLException {
        return coordination.instances().stream().map(i -> new Instance(i.id(), i.host(), i.routingVersion(),
                i.frozenAck(), i.lastHeartbeat(), i.live(), TargetReport.valueOf(i.target().name()))).toList();
    }

    @Override
    public void close() {
        coordination.close();
    }
}
