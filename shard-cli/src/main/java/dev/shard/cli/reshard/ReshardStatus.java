package dev.shard.cli.reshard;

import dev.shard.cli.reshard.Coordination.Announcement;
import dev.shard.cli.reshard.Coordination.Instance;
import dev.shard.cli.reshard.Coordination.Topology;
import dev.shard.cli.reshard.ReshardState.Checkpoint;
import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.internal.ServerFamily;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code shard status}: the stored map's version, each data source's slots and rows per sharded table, the reshard
 * in progress with its phase, and the application instances with the version each routes by.
 */
final class ReshardStatus {

    private final ShardConfig config;
    private final Coordination coordination;
    private final JdbcMovement movement;
    private final ProgressStore progress;

    ReshardStatus(ShardConfig config, Coordination coordination, JdbcMovement movement, ProgressStore progress) {
        this.config = config;
        this.coordination = coordination;
        this.movement = movement;
        this.progress = progress;
    }

    String render(boolean exact) throws SQLException {
        StringBuilder text = new StringBuilder();
        Topology topology = coordination.current();
        text.append("topology version ").append(topology.version()).append('\n');
        int[] slots = topology.map().slotCounts();
        for (DataSourceConfig source : config.dataSources()) {
            int index = topology.map().shards().indexOf(source.name());
            text.append("  ").append(source.name()).append(": ").append(index < 0 ? 0 : slots[index])
                    .append(" slots");
            Map<String, Long> rows;
            try {
                rows = exact ? movement.countRows(source.name()) : movement.tableRows(source.name());
            } catch (SQLException e) {
                text.append(", rows unknown: ").append(e.getMessage()).append('\n');
                continue;
            }
            for (String table : movement.tables()) {
                Long count = rows.get(exact ? table : table.toLowerCase(Locale.ROOT));
                if (count != null) {
                    text.append(", ").append(table).append(' ').append(exact ? "" : "~").append(count);
                }
            }
            text.append('\n');
        }
        if (!exact) {
            text.append(ServerFamily.isPostgres(config)
                    ? "  (row counts are pg_class estimates; --exact counts them)\n"
                    : "  (row counts are information_schema estimates; --exact counts them)\n");
        }
        ReshardState state;
        try {
            state = ReshardState.of(progress.readAll());
        } catch (IllegalStateException e) {
            text.append("reshard progress unreadable: ").append(e.getMessage()).append('\n');
            state = null;
        }
        Optional<Announcement> announcement = coordination.announcement();
        if (state == null) {
            text.append("no reshard in progress\n");
        } else {
            ReshardPlan plan = state.plan();
            text.append("reshard in progress: phase ").append(state.phase().label()).append(", from version ")
                    .append(state.fromVersion()).append('\n');
            for (ReshardPlan.Move move : plan.moves()) {
                text.append("  ").append(move.from()).append(" -> ").append(move.to()).append(": ")
                        .append(move.slots()).append(" slots\n");
            }
            for (Checkpoint checkpoint : state.checkpoints().values()) {
                text.append("  copy ").append(checkpoint.table()).append(" from ").append(checkpoint.dataSource())
                        .append(": ").append(checkpoint.rows()).append(" rows").append(checkpoint.done() ? ", done" : "")
                        .append('\n');
            }
        }
        announcement.ifPresent(a -> text.append("announcement: ").append(a.state()).append(" (from version ")
                .append(a.fromVersion()).append(")\n"));
        List<Instance> instances = coordination.instances();
        text.append(instances.size()).append(instances.size() == 1 ? " instance" : " instances").append('\n');
        for (Instance instance : instances) {
            text.append("  ").append(instance.id()).append(" on ").append(instance.host()).append(": routes by version ")
                    .append(instance.routingVersion()).append(instance.frozenAck() ? ", holding writes" : "")
                    .append(instance.target() == Coordination.TargetReport.CANNOT_ROUTE
                            ? ", cannot route by the announced target (its configuration lacks a data source)" : "")
                    .append(", last heartbeat ").append(instance.lastHeartbeat()).append('\n');
        }
        return text.toString();
    }
}
