package dev.shard.cli.reshard;

import dev.shard.core.config.ShardConfig;

/** The production implementations of the workflow's ports, over shard-jdbc's coordination and the change log
 * readers (binlog client, or logical decoding on PostgreSQL). */
final class ProductionPorts {

    private ProductionPorts() {
    }

    static Coordination coordination(ShardConfig config) {
        return StoredCoordination.open(config);
    }

    static ChangeCapture capture(ShardConfig config, Databases databases, JdbcMovement movement,
                                 ReshardOptions options) {
        return dev.shard.jdbc.internal.ServerFamily.isPostgres(config)
                ? new PostgresChangeCapture(config, databases, movement)
                : new BinlogChangeCapture(config, databases, movement, options.binlogServerId());
    }
}
