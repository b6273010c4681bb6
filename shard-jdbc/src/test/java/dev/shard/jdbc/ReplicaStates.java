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

    /**
     * Write-then-read on one connection, {@code iterations} times, on a table {@code t_rw (id, v)} with a row 1
     * (every tenth write in a committed transaction, which counts as a write too); returns {stale reads, reads
     * served by the server whose {@code @@server_id} is {@code replicaServerId}}.
     */
    private static long[] writeThenRead(ShardingDataSource source, int iterations, int replicaServerId)
            throws java.sql.SQLException {
        long stale = 0;
        long onReplica = 0;
        try (java.sql.Connection c = source.getConnection();
             java.sql.PreparedStatement write = c.prepareStatement("UPDATE t_rw SET v = ? WHERE id = 1");
             java.sql.PreparedStatement read = c.prepareStatement("SELECT v, @@server_id FROM t_rw WHERE id = 1")) {
            for (int i = 1; i <= iterations; i++) {
                boolean inTransaction = i % 10 == 0;
                if (inTransaction) {
                    c.setAutoCommit(false);
                }
                write.setInt(1, i);
                org.assertj.core.api.Assertions.assertThat(write.executeUpdate()).isOne();
                if (inTransaction) {
                    c.commit();
                    c.setAutoCommit(true);
                }
                try (java.sql.ResultSet rs = read.executeQuery()) {
                    org.assertj.core.api.Assertions.assertThat(rs.next()).isTrue();
                    stale += rs.getInt(1) == i ? 0 : 1;
                    onReplica += rs.getInt(2) == replicaServerId ? 1 : 0;
                }
            }
        }
        return new long[] {stale, onReplica};
    }

    /**
     * 1,000 write-then-read iterations without read-your-writes and 1,000 with it, over a replica slowed down: the
     * first must show stale reads (so that the test can see them), the second none, with reads still served by the
     * replica (@@server_id {@code replicaServerId}).
     */
    static void assertReadYourWrites(ShardingDataSource off, ShardingDataSource on, int replicaServerId, String server)
            throws java.sql.SQLException {
        long[] without = writeThenRead(off, 1000, replicaServerId);
        long[] with = writeThenRead(on, 1000, replicaServerId);
        System.out.printf("%s, 1000 write-then-read: without read-your-writes %d stale (%d on the replica); "
                + "with it %d stale (%d on the replica, the rest on the primary after a timeout)%n",
                server, without[0], without[1], with[0], with[1]);
        org.assertj.core.api.Assertions.assertThat(without[0])
                .as("stale reads without read-your-writes: the test can see them").isPositive();
        org.assertj.core.api.Assertions.assertThat(with[0]).as("stale reads with read-your-writes").isZero();
        org.assertj.core.api.Assertions.assertThat(with[1]).as("reads still served by the replica").isPositive();
    }
}
