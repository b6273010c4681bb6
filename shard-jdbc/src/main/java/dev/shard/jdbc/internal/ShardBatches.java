package dev.shard.jdbc.internal;

import dev.shard.core.RouteKind;
import dev.shard.core.internal.route.Execution;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Batch entries grouped by shard run as one real JDBC batch per shard, the shards in parallel; the update counts
 * go back to the caller's order. On a failure, every entry's count is known: the driver's counts for the entries
 * a shard ran, {@link Statement#EXECUTE_FAILED} for the rest. The statement's query timeout applies to the batch
 * as a whole: each shard's batch, and each entry that runs on its own, is under the one deadline.
 */
final class ShardBatches {

    /** Runs a shard's batch and returns the driver's counts. */
    @FunctionalInterface
    interface BatchRun {
        long[] run() throws SQLException;
    }

    /** A shard's batch, built and ready: the physical statement (which a timeout cancels) and how to run it. */
    record ShardBatch(Statement statement, BatchRun run) {
    }

    /** Where one entry goes: its shard, or null if it must run on its own (several shards, generated keys). */
    @FunctionalInterface
    interface EntryRouter {
        Integer shardOf(int entry) throws SQLException;
    }

    /** Runs one entry on its own and returns its update count. */
    @FunctionalInterface
    interface SoloEntry {
        long run(int entry) throws SQLException;
    }

    /** Makes one shard's batch of entries; a statement it opens for the purpose goes to {@code opened}. */
    @FunctionalInterface
    interface GroupBuilder {
        ShardBatch build(int shard, List<Integer> entries, List<Statement> opened) throws SQLException;
    }

    private ShardBatches() {
    }

    /**
     * Runs a batch in entry order: each longest run of consecutive entries that go to one shard each becomes one
     * JDBC batch per shard, the shards in parallel; an entry that cannot join one runs alone, in its place.
     *
     * @param what         what an entry is called in the error message ("entry", "statement")
     * @param queryTimeout the statement's query timeout in seconds (0: none)
     * @return each entry's update count; on failure a BatchUpdateException carries them
     */
    static long[] runInOrder(LogicalConnection connection, int size, String what, int queryTimeout,
                             EntryRouter router, SoloEntry solo, GroupBuilder builder) throws BatchUpdateException {
        String description = "executeBatch of " + size + " " + (size == 1 ? what
                : what.endsWith("y") ? what.substring(0, what.length() - 1) + "ies" : what + "s");
        try (QueryDeadline deadline = QueryDeadline.start(connection.runtime(), queryTimeout, description)) {
            QueryDeadline previous = connection.runUnder(deadline);
            try {
                return runInOrder(connection, size, what, router, solo, builder, deadline, description);
            } finally {
                connection.runUnder(previous);
            }
        }
    }

    private static long[] runInOrder(LogicalConnection connection, int size, String what, EntryRouter router,
                                     SoloEntry solo, GroupBuilder builder, QueryDeadline deadline,
                                     String description) throws BatchUpdateException {
        long[] counts = new long[size];
        Arrays.fill(counts, Statement.EXECUTE_FAILED);
        int current = 0; // the entry being routed or run, for the error message
        try {
            int next = 0;
            while (next < size) {
                Map<Integer, List<Integer>> byShard = new java.util.TreeMap<>();
                int end = next;
                while (end < size) {
                    current = end;
                    Integer shard = router.shardOf(end);
                    if (shard == null) {
                        break;
                    }
                    byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(end);
                    end++;
                }
                current = next;
                if (end == next) {
                    counts[next] = solo.run(next);
                    next++;
                    continue;
                }
                Map<Integer, ShardBatch> batches = new java.util.TreeMap<>();
                List<Statement> opened = new ArrayList<>();
                try {
                    for (Map.Entry<Integer, List<Integer>> group : byShard.entrySet()) {
                        batches.put(group.getKey(), builder.build(group.getKey(), group.getValue(), opened));
                    }
                    run(connection, byShard, batches, counts, deadline, description);
                } finally {
                    for (Statement statement : opened) {
                        statement.close();
                    }
                }
                next = end;
            }
        } catch (BatchUpdateException e) {
            throw e;
        } catch (SQLException e) {
            SQLException cause = connection.failedBecauseStopped(deadline.explain(e), description);
            throw new BatchUpdateException("Batch " + what + " " + (current + 1) + " of " + size + " failed: "
                    + cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), counts.clone(), cause);
        }
        return counts;
    }

    /**
     * @param entriesByShard the caller's entry indexes per shard, in order
     * @param batches        the prepared batch of each shard
     * @param counts         filled with each entry's count
     */
    private static void run(LogicalConnection connection, Map<Integer, List<Integer>> entriesByShard,
                            Map<Integer, ShardBatch> batches, long[] counts, QueryDeadline deadline,
                            String description) throws BatchUpdateException {
        ShardRuntime runtime = connection.runtime();
        Topology topology = connection.topology();
        List<Integer> shards = new ArrayList<>(entriesByShard.keySet());
        List<Future<long[]>> futures = new ArrayList<>();
        for (int s = 0; s < shards.size(); s++) {
            int shard = shards.get(s);
            ShardBatch batch = batches.get(shard);
            Callable<long[]> task = () -> {
                try (QueryDeadline.Watch watched = deadline.watch(topology, shard, batch.statement())) {
                    long[] shardCounts = batch.run().run();
                    topology.answered(shard);
                    return shardCounts;
                }
            };
            if (s < shards.size() - 1) {
                futures.add(runtime.executor().submit(task));
            } else {
                // The caller would only wait: it runs the last shard's batch itself, saving a thread hand-off.
                FutureTask<long[]> last = new FutureTask<>(task);
                last.run();
                futures.add(last);
            }
        }
        SQLException failure = null;
        String failedShard = null;
        for (int s = 0; s < shards.size(); s++) {
            List<Integer> entries = entriesByShard.get(shards.get(s));
            long[] shardCounts;
            SQLException error = null;
            try {
                shardCounts = await(futures.get(s), deadline, runtime, topology.shardName(shards.get(s)));
            } catch (ExecutionException e) {
                error = e.getCause() instanceof SQLException sql ? sql
                        : new SQLException("Batch failed: " + e.getCause(), "HY000", e.getCause());
                shardCounts = error instanceof BatchUpdateException batchError
                        ? batchError.getLargeUpdateCounts() : new long[0];
            } catch (SQLException e) {
                error = e;
                shardCounts = new long[0];
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = new SQLException("Interrupted while waiting for shard batches", "HY008", e);
                shardCounts = new long[0];
            }
            if (error != null && failure == null) {
                failure = error;
                failedShard = topology.shardName(shards.get(s));
            } else if (error != null) {
                failure.addSuppressed(error);
            }
            for (int k = 0; k < entries.size(); k++) {
                counts[entries.get(k)] = shardCounts != null && k < shardCounts.length ? shardCounts[k]
                        : Statement.EXECUTE_FAILED;
            }
        }
        if (failure != null) {
            SQLException cause = connection.failedBecauseStopped(deadline.explain(failure), description);
            throw new BatchUpdateException("Batch failed on shard " + failedShard + ": " + cause.getMessage()
                    + " (the other shards' entries ran; see the update counts)", cause.getSQLState(),
                    cause.getErrorCode(), counts.clone(), cause);
        }
    }

    /** A shard's counts, waiting no longer than the query timeout allows and not past the data source's close. */
    private static long[] await(Future<long[]> future, QueryDeadline deadline, ShardRuntime runtime, String shard)
            throws ExecutionException, InterruptedException, SQLException {
        while (true) {
            try {
                return future.get(ShardWait.sliceNanos(deadline), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                SQLException gaveUp = ShardWait.giveUp(deadline, runtime, List.of(shard));
                if (gaveUp != null) {
                    throw gaveUp;
                }
            }
        }
    }

    /**
     * The shard an entry's batch runs on, or null if the entry must run on its own: only the user's own statement
     * on one shard can join that shard's JDBC batch (null also stands for an entry that needs generated keys).
     */
    static Integer batchableShard(Execution execution) {
        if (execution instanceof Execution.OneShard one && one.routeKind() != RouteKind.ANY_SHARD) {
            return one.call().shard();
        }
        return null;
    }

    /** Counts as ints for executeBatch. */
    static int[] toInts(long[] counts) {
        return Arrays.stream(counts).mapToInt(c -> (int) c).toArray();
    }
}
