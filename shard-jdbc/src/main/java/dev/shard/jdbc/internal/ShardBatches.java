package dev.shard.jdbc.internal;

import dev.shard.core.RouteKind;
import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.ShardCall;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Batch entries grouped by shard run as one real JDBC batch per shard, the shards in parallel; the update counts
 * go back to the caller's order. Two kinds of entries group: those that go to one shard each, and those that
 * write the same text to every shard (a broadcast table), which join the batch of every shard they go to. A run
 * of the second kind is applied as one all-or-nothing step ({@link AllOrNothing}), as each of its entries would
 * be on its own; a run of the first kind is not, as on one database in auto-commit mode. The two kinds never
 * share a run, so entry order holds across them.
 *
 * <p>A run over several shards is paced as a scatter is ({@link ScatterPacing}): while the shards' batches of
 * this statement have recently taken less than {@code settings.sequentialScatterBelowMicros} together, they run
 * one after another on the caller's thread, since handing them to Shard's threads would cost more than they do;
 * otherwise in parallel. Counts, failures, messages and the all-or-nothing step are the same either way, except
 * that in an all-or-nothing run a failing shard stops the ones after it from starting (they would be rolled back).
 *
 * <p>On a failure, every entry's count is known: the driver's counts for the entries a shard ran and that stay
 * applied, {@link Statement#EXECUTE_FAILED} for the rest. The statement's query timeout applies to the batch as
 * a whole: each shard's batch, and each entry that runs on its own, is under the one deadline.
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

    /** Where a batchable entry goes. */
    sealed interface Target {
        /** The shards whose batch the entry joins. */
        int[] shards();

        /** The user's statement on one shard. */
        record OneShard(int shard) implements Target {
            @Override
            public int[] shards() {
                return new int[] {shard};
            }
        }

        /** The user's statement, as written, on each of these shards, counted as one copy (a broadcast write). */
        record EveryShard(int[] shards) implements Target {
        }
    }

    /** Where one entry goes, or null if it must run on its own (a split or scatter write, generated keys, DDL). */
    @FunctionalInterface
    interface EntryRouter {
        Target targetOf(int entry) throws SQLException;
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
     * @param paceKey      what the shards' batch times are kept under ({@link #paceKey}), or null: always parallel
     * @return each entry's update count; on failure a BatchUpdateException carries them
     */
    static long[] runInOrder(LogicalConnection connection, int size, String what, int queryTimeout, String paceKey,
                             EntryRouter router, SoloEntry solo, GroupBuilder builder) throws BatchUpdateException {
        String description = "executeBatch of " + size + " " + (size == 1 ? what
                : what.endsWith("y") ? what.substring(0, what.length() - 1) + "ies" : what + "s");
        try (QueryDeadline deadline = QueryDeadline.start(connection.runtime(), queryTimeout, description)) {
            QueryDeadline previous = connection.runUnder(deadline);
            connection.pin().batchStarted();
            try {
                return runInOrder(connection, size, what, paceKey, router, solo, builder, deadline, description);
            } finally {
                connection.pin().batchEnded();
                connection.runUnder(previous);
            }
        }
    }

    private static long[] runInOrder(LogicalConnection connection, int size, String what, String paceKey,
                                     EntryRouter router, SoloEntry solo, GroupBuilder builder,
                                     QueryDeadline deadline, String description) throws BatchUpdateException {
        long[] counts = new long[size];
        Arrays.fill(counts, Statement.EXECUTE_FAILED);
        int current = 0; // the entry being routed or run, for the error message
        try {
            int next = 0;
            while (next < size) {
                Map<Integer, List<Integer>> byShard = new TreeMap<>();
                int end = next;
                Target first = null;
                while (end < size) {
                    current = end;
                    Target target = router.targetOf(end);
                    if (target == null || first != null && target.getClass() != first.getClass()) {
                        break;
                    }
                    first = first == null ? target : first;
                    for (int shard : target.shards()) {
                        byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(end);
                    }
                    end++;
                }
                current = next;
                if (end == next) {
                    counts[next] = solo.run(next);
                    next++;
                    continue;
                }
                Map<Integer, ShardBatch> batches = new TreeMap<>();
                List<Statement> opened = new ArrayList<>();
                try {
                    for (Map.Entry<Integer, List<Integer>> group : byShard.entrySet()) {
                        batches.put(group.getKey(), builder.build(group.getKey(), group.getValue(), opened));
                    }
                    Run run = new Run(connection, byShard, batches, counts, deadline, description, paceKey);
                    if (first instanceof Target.EveryShard) {
                        run.allOrNothing(next, end);
                    } else {
                        run.throwIfFailed(run.execute(null, connection.runtime().scatterPacing().sequential(paceKey)),
                                " (the other shards' entries ran; see the update counts)");
                    }
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
     * One run of entries, built into a batch per shard.
     *
     * @param entriesByShard the caller's entry indexes per shard, in order
     * @param batches        the prepared batch of each shard
     * @param counts         filled with each entry's count: on several shards, its first shard's (one copy)
     */
    private record Run(LogicalConnection connection, Map<Integer, List<Integer>> entriesByShard,
                       Map<Integer, ShardBatch> batches, long[] counts, QueryDeadline deadline,
                       String description, String paceKey) {

        /** What went wrong on the shards, if anything: the first failure, the others suppressed in it. */
        record Failure(SQLException error, String shard) {
        }

        /** Runs entries {@code from} to {@code to} (exclusive), which write to every shard, as one step. */
        void allOrNothing(int from, int to) throws SQLException {
            int[] shards = entriesByShard.keySet().stream().mapToInt(Integer::intValue).toArray();
            boolean sequential = connection.runtime().scatterPacing().sequential(paceKey);
            try (AllOrNothing step = AllOrNothing.deferred(connection, shards, deadline)) {
                Failure failure = execute(step, sequential);
                if (failure != null) {
                    Arrays.fill(counts, from, to, Statement.EXECUTE_FAILED);
                    step.undo(failure.error());
                    String entries = to - from == 1 ? "entry " + (from + 1)
                            : "entries " + (from + 1) + " to " + to;
                    throwIfFailed(failure, step.undone() + " of " + entries + ", which write to every shard;"
                            + " see the update counts");
                }
                try {
                    step.finish(description, sequential);
                } catch (SQLException e) {
                    Arrays.fill(counts, from, to, Statement.EXECUTE_FAILED);
                    throw e;
                }
            }
        }

        /**
         * Runs every shard's batch and fills in the counts: in parallel, or one after another on the caller's
         * thread. Every shard runs either way, except after a failure inside an all-or-nothing step, which is
         * undone whatever the shards after it would do.
         *
         * @param step       the all-or-nothing step the batches are part of, or null: the thread that runs a
         *                   shard's batch opens the step on its shard just before it, so the shards open in
         *                   parallel too
         * @param sequential run the shards one after another on the caller's thread
         */
        Failure execute(AllOrNothing step, boolean sequential) {
            ShardRuntime runtime = connection.runtime();
            Topology topology = connection.topology();
            List<Integer> shards = new ArrayList<>(entriesByShard.keySet());
            long[] nanos = new long[shards.size()];
            // A shard that did not start (sequential, after a failure in the step) has no future.
            List<Future<long[]>> futures = new ArrayList<>();
            boolean stopped = false;
            for (int s = 0; s < shards.size(); s++) {
                int shard = shards.get(s);
                int index = s;
                ShardBatch batch = batches.get(shard);
                Callable<long[]> task = () -> {
                    long start = System.nanoTime();
                    try {
                        if (step != null) {
                            step.enter(index);
                        }
                        try (QueryDeadline.Watch watched = deadline.watch(topology, shard, batch.statement())) {
                            long[] shardCounts = batch.run().run();
                            topology.answered(shard);
                            return shardCounts;
                        }
                    } finally {
                        nanos[index] = System.nanoTime() - start;
                    }
                };
                if (stopped) {
                    futures.add(null);
                } else if (sequential || s == shards.size() - 1) {
                    // The caller would only wait: it runs the last shard's batch itself, saving a thread hand-off,
                    // and every shard's when they are cheaper than the hand-offs.
                    FutureTask<long[]> here = new FutureTask<>(task);
                    here.run();
                    futures.add(here);
                    stopped = sequential && step != null && failed(here);
                } else {
                    futures.add(runtime.executor().submit(task));
                }
            }
            boolean[] counted = new boolean[counts.length];
            Failure failure = null;
            for (int s = 0; s < shards.size(); s++) {
                List<Integer> entries = entriesByShard.get(shards.get(s));
                long[] shardCounts;
                SQLException error = null;
                try {
                    shardCounts = futures.get(s) == null ? new long[0] : ShardWait.await(futures.get(s), deadline,
                            runtime, topology.shardName(shards.get(s)));
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
                    failure = new Failure(error, topology.shardName(shards.get(s)));
                } else if (error != null) {
                    failure.error().addSuppressed(error);
                }
                for (int k = 0; k < entries.size(); k++) {
                    int entry = entries.get(k);
                    long count = shardCounts != null && k < shardCounts.length ? shardCounts[k]
                            : Statement.EXECUTE_FAILED;
                    // An entry on several shards counts one copy, its first shard's, unless that one failed.
                    if (!counted[entry] || count == Statement.EXECUTE_FAILED) {
                        counts[entry] = count;
                        counted[entry] = true;
                    }
                }
            }
            if (failure == null) {
                long total = 0;
                for (long n : nanos) {
                    total += n;
                }
                runtime.scatterPacing().record(paceKey, total);
            }
            return failure;
        }

        /** For a task the caller ran itself, so done. */
        private static boolean failed(FutureTask<long[]> done) {
            try {
                done.get();
                return false;
            } catch (ExecutionException e) {
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        /** @param outcome what became of the run's entries, appended to the message */
        void throwIfFailed(Failure failure, String outcome) throws BatchUpdateException {
            if (failure != null) {
                SQLException cause = connection.failedBecauseStopped(deadline.explain(failure.error()),
                        description);
                throw new BatchUpdateException("Batch failed on shard " + failure.shard() + ": "
                        + cause.getMessage() + outcome,
                        cause.getSQLState(), cause.getErrorCode(), counts.clone(), cause);
            }
        }
    }

    /**
     * Where an entry's batch runs, or null if the entry must run on its own. Only the user's own statement can
     * join a shard's JDBC batch: on one shard, or as written on every shard (a broadcast write). A write Shard
     * rewrote (split, scatter, generated keys) and DDL run alone.
     */
    static Target target(Execution execution) {
        if (execution instanceof Execution.OneShard one && one.routeKind() != RouteKind.ANY_SHARD) {
            return new Target.OneShard(one.call().shard());
        }
        if (execution instanceof Execution.MultiShardWrite write && write.countOneCopy()
                && !write.generated().any()) {
            return new Target.EveryShard(write.calls().stream().mapToInt(ShardCall::shard).toArray());
        }
        return null;
    }

    /**
     * What a prepared statement's batches are paced under: its text, and the batch's size to within a factor of
     * two, since a batch of 1,000 entries costs its shards more than one of 10.
     */
    static String paceKey(String sql, int entries) {
        return "executeBatch of about " + Integer.highestOneBit(Math.max(1, entries)) + ": " + sql;
    }

    /** Counts as ints for executeBatch. */
    static int[] toInts(long[] counts) {
        return Arrays.stream(counts).mapToInt(c -> (int) c).toArray();
    }
}
