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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Batch entries grouped by shard run as one real JDBC batch per shard, the shards in parallel; the update counts
 * go back to the caller's order. On a failure, every entry's count is known: the driver's counts for the entries
 * a shard ran, {@link Statement#EXECUTE_FAILED} for the rest.
 */
final class ShardBatches {

    /** A shard's batch, built and ready: running it returns the driver's counts. */
    @FunctionalInterface
    interface ShardBatch {
        long[] run() throws SQLException;
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
     * @param what     what an entry is called in the error message ("entry", "statement")
     * @return each entry's update count; on failure a BatchUpdateException carries them
     */
    static long[] runInOrder(LogicalConnection connection, int size, String what, EntryRouter router,
                             SoloEntry solo, GroupBuilder builder) throws BatchUpdateException {
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
                    run(connection, byShard, batches, counts);
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
            throw new BatchUpdateException("Batch " + what + " " + (current + 1) + " of " + size + " failed: "
                    + e.getMessage(), e.getSQLState(), e.getErrorCode(), counts.clone(), e);
        }
        return counts;
    }

    /**
     * @param entriesByShard the caller's entry indexes per shard, in order
     * @param batches        the prepared batch of each shard
     * @param counts         filled with each entry's count
     */
    private static void run(LogicalConnection connection, Map<Integer, List<Integer>> entriesByShard,
                            Map<Integer, ShardBatch> batches, long[] counts) throws BatchUpdateException {
        ShardRuntime runtime = connection.runtime();
        List<Integer> shards = new ArrayList<>(entriesByShard.keySet());
        List<Future<long[]>> futures = new ArrayList<>();
        for (int s = 0; s < shards.size(); s++) {
            ShardBatch batch = batches.get(shards.get(s));
            if (s < shards.size() - 1) {
                futures.add(runtime.executor().submit(batch::run));
            } else {
                // The caller would only wait: it runs the last shard's batch itself, saving a thread hand-off.
                FutureTask<long[]> last = new FutureTask<>(batch::run);
                last.run();
                futures.add(last);
            }
        }
        SQLException failure = null;
        String failedShard = null;
        for (int s = 0; s < shards.size(); s++) {
            List<Integer> entries = entriesByShard.get(shards.get(s));
            long[] shardCounts;
            try {
                shardCounts = futures.get(s).get();
            } catch (ExecutionException e) {
                SQLException error = e.getCause() instanceof SQLException sql ? sql
                        : new SQLException("Batch failed: " + e.getCause(), "HY000", e.getCause());
                shardCounts = error instanceof BatchUpdateException batchError
                        ? batchError.getLargeUpdateCounts() : new long[0];
                if (failure == null) {
                    failure = error;
                    failedShard = connection.topology().shardName(shards.get(s));
                } else {
                    failure.addSuppressed(error);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                shardCounts = new long[0];
                if (failure == null) {
                    failure = new SQLException("Interrupted while waiting for shard batches", "HY008", e);
                    failedShard = connection.topology().shardName(shards.get(s));
                }
            }
            for (int k = 0; k < entries.size(); k++) {
                counts[entries.get(k)] = shardCounts != null && k < shardCounts.length ? shardCounts[k]
                        : Statement.EXECUTE_FAILED;
            }
        }
        if (failure != null) {
            throw new BatchUpdateException("Batch failed on shard " + failedShard + ": " + failure.getMessage()
                    + " (the other shards' entries ran; see the update counts)", failure.getSQLState(),
                    failure.getErrorCode(), counts.clone(), failure);
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
