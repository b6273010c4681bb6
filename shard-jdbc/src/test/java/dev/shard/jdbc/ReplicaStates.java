package dev.shard.jdbc;

import dev.shard.jdbc.testing.Readiness;
import java.util.function.Predicate;

/** For replication tests: waits (bounded) for a replica's state as its health check reports it; asks servers. */
final class ReplicaStates {

    private ReplicaStates() {
    }

    /** The first column of a query's single row, as an int: which port answered, say. */
    static int port(java.sql.Connection connection, String sql) throws java.sql.SQLException {
        try (java.sql.Statement s = connection.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            org.assertj.core.api.Assertions.assertThat(rs.next()).as(sql).isTrue();
            return rs.getInt(1);
        }
    }

    static ReplicaStatus of(ShardingDataSource shards, String replica) {
        return shards.replicaStatuses().stream().filter(s -> s.name().equals(replica)).findFirst()
                .orElseThrow(() -> new AssertionError("no replica " + replica + " in " + shards.replicaStatuses()));
    }

    static ReplicaStatus await(ShardingDataSource shards, String replica, Predicate<ReplicaStatus> done, String what) {
        return Readiness.await(() -> of(shards, replica), done, replica + ": " + what);
    }

    static ReplicaStatus awaitState(ShardingDataSource shards, String replica, ReplicaStatus.State state) {
        return await(shards, replica, s -> s.state() == state, "state " + state);
    }
}
