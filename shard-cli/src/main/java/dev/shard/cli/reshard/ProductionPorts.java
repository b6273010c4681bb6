package dev.shard.cli.reshard;

import dev.shard.core.config.ShardConfig;
import java.sql.SQLException;

/** The production implementations of the workflow's ports, over shard-jdbc's coordination and the binlog client. */
final class ProductionPorts {

    private ProductionPorts() {
    }

    static Coordination coordination(ShardConfig config) {
        throw new UnsupportedOperationException("the reshard coordination (shard-jdbc ReshardCoordination) is not"
                + " in this build yet");
    }

    static ChangeCapture capture(ShardConfig config, Databases databases, JdbcMovement movement,
                                 ReshardOptions options) throws SQLException {
        throw new UnsupportedOperationException("the binlog catch-up (BinlogCatchUp) is not in this build yet");
    }
}
