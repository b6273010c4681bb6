package dev.shard.jdbc.internal;

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

    private ShardBatches() {
    }

    /**
     * @param entriesByShard the caller's entry indexes per shard, in order
     * @param batches        the prepared batch of each shard
     * @param counts         filled with each entry's count
     */
    static void run(ShardRuntime runtime, Map<Integer, List<Integer>> entriesByShard, Map<Integer, ShardBatch> batches,
                    long[] counts) throws BatchUpdateException {
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
                    failedShard = runtime.shardName(shards.get(s));
                } else {
                    failure.addSuppressed(error);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                shardCounts = new long[0];
                if (failure == null) {
                    failure = new SQLException("Interrupted while waiting for shard batches", "HY008", e);
                    failedShard = runtime.shardName(shards.get(s));
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

    /** Counts as ints for executeBatch. */
    static int[] toInts(long[] counts) {
        return Arrays.stream(counts).mapToInt(c -> (int) c).toArray();
    }
}
