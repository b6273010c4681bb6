package dev.shard.cli.reshard;

import dev.shard.core.config.ShardConfig;
import java.sql.SQLException;
import java.util.List;

/** The production implementations of the workflow's ports, over shard-jdbc's coordination and the binlog client. */
final class ProductionPorts {

    private ProductionPorts() {
    }

    static Coordination coordination(ShardConfig config) {
        return StoredCoordination.open(config);
    }

    static ChangeCapture capture(ShardConfig config, Databases databases, JdbcMovement movement,
                                 ReshardOptions options) {
        return new ChangeCapture() {
            private SQLException unavailable() {
                return new SQLException("the binlog catch-up (BinlogCatchUp) is not in this build yet");
            }

            @Override
            public List<String> prerequisites(String dataSource) throws SQLException {
                throw unavailable();
            }

            @Override
            public LogPosition position(String dataSource) throws SQLException {
                throw unavailable();
            }

            @Override
            public Follower follow(String dataSource, LogPosition start, ReshardPlan plan) throws SQLException {
                throw unavailable();
            }
        };
    }
}
