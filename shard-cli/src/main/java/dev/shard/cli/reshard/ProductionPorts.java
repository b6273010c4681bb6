package dev.shard.cli.reshard;

import dev.shard.core.config.ShardConfig;

/** The production implementations of the workflow's ports, over shard-jdbc's coordination and the binlog client. */
final class ProductionPorts {

    private ProductionPorts() {
    }

    static Coordination coordination(ShardConfig config) {
        return StoredCoordination.open(config);
    }

    static ChangeCapture capture(ShardConfig config, Databases databases, JdbcMovement movement,
                                 ReshardOptions options) {
        return new BinlogChangeCapture(config, databases, movement, options.binlogServerId());
    }
}
