package dev.shard.jdbc;

import dev.shard.jdbc.testing.Readiness;
import java.util.function.Predicate;

/** Waits (bounded) for a replica's state as its health check reports it. */
final class ReplicaStates {

    private ReplicaStates() {
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
