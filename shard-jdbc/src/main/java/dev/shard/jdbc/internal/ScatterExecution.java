package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.ShardCall;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One statement running on several shards at once: a prepared statement per shard, executed in parallel on the
 * runtime's bounded executor, or one after another on the caller's thread when the statement has proved cheaper
 * than the hand-offs (see {@link ScatterPacing}). If one shard fails, the others are cancelled (or not started),
 * every statement is closed, and the error names the shard and carries the database's message.
 */
final class ScatterExecution implements AutoCloseable {

    /** Binds the parameters of one shard's statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement, ShardCall call) throws SQLException;
    }

    private final int[] shards;
    private final PreparedStatement[] statements;
    private final ShardRuntime runtime;
    private final Topology topology;
    /** What this statement's execution times are kept under (its normalised text); null: always parallel. */
    private final String paceKey;
    private final QueryDeadline deadline;
    private volatile boolean closed;
    /** Which shards' statements have returned (or failed), so that a cancel reaches only those still running. */
    private final java.util.concurrent.atomic.AtomicIntegerArray finished;

    private ScatterExecution(ShardRuntime runtime, Topology topology, int[] shards, String paceKey,
                             QueryDeadline deadline) {
        this.runtime = runtime;
        this.deadline = deadline;
        this.topology = topology;
        this.shards = shards;
        this.statements = new PreparedStatement[shards.length];
        this.finished = new java.util.concurrent.atomic.AtomicIntegerArray(shards.length);
        this.paceKey = paceKey;
    }

    /**
     * Prepares and binds every call on the caller's thread: the logical connection is not shared between threads.
     *
     * @param paceKey  the statement's normalised text, under which its execution times are kept
     * @param deadline the statement's query timeout, which every shard's statement runs under
     */
    static ScatterExecution prepare(LogicalConnection connection, List<ShardCall> calls, String paceKey,
                                    Topology.Intent intent, Binder binder, QueryDeadline deadline)
            throws SQLException {
        int[] shards = new int[calls.size()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = calls.get(i).shard();
        }
        ScatterExecution execution = new ScatterExecution(connection.runtime(), connection.topology(), shards,
                paceKey, deadline);
        try {
            for (int i = 0; i < shards.length; i++) {
                ShardCall call = calls.get(i);
                try {
                    PreparedStatement statement = connection.physical(call.shard(), intent)
                            .prepareStatement(call.sql());
                    execution.statements[i] = statement;
                    binder.bind(statement, call);
                } catch (SQLException e) {
                    throw onShard(connection.topology().shardName(call.shard()), e);
                }
            }
        } catch (SQLException | RuntimeException e) {
            execution.closeQuietly(e);
            throw e;
        }
        return execution;
    }

    /** Runs every shard's query in parallel; the result sets are in shard order. */
    List<ResultSet> query() throws SQLException {
        Object[] results = runAll(true);
        List<ResultSet> resultSets = new ArrayList<>(results.length);
        for (Object result : results) {
            resultSets.add((ResultSet) result);
        }
        return resultSets;
    }

    /** Runs every shard's update in parallel; the counts are in shard order. */
    long[] update() throws SQLException {
        Object[] results = runAll(false);
        long[] counts = new long[results.length];
        for (int i = 0; i < results.length; i++) {
            counts[i] = (Long) results[i];
        }
        return counts;
    }

    private Object[] runAll(boolean query) throws SQLException {
        ScatterPacing pacing = runtime.scatterPacing();
        long[] nanos = new long[statements.length];
        Object[] results = pacing.sequential(paceKey) ? runOneAfterAnother(query, nanos) : runInParallel(query, nanos);
        long total = 0;
        for (long n : nanos) {
            total += n;
        }
        pacing.record(paceKey, total);
        return results;
    }

    /** On the caller's thread, shard by shard; the first failure stops the rest from starting. */
    private Object[] runOneAfterAnother(boolean query, long[] nanos) throws SQLException {
        Object[] results = new Object[statements.length];
        for (int i = 0; i < statements.length; i++) {
            try {
                results[i] = execute(i, query, nanos);
            } catch (SQLException e) {
                closeResults(results, e);
                closeQuietly(e);
                throw e;
            }
        }
        return results;
    }

    /** Executes shard {@code index}'s statement, timing it into {@code nanos[index]}. */
    private Object execute(int index, boolean query, long[] nanos) throws SQLException {
        long start = System.nanoTime();
        try (QueryDeadline.Watch watched = deadline.watch(topology, shards[index], statements[index])) {
            Object result = query ? statements[index].executeQuery() : (Object) statements[index].executeLargeUpdate();
            topology.answered(shards[index], statements[index]);
            return result;
        } catch (SQLException e) {
            throw onShard(shardName(index), e);
        } finally {
            finished.set(index, 1);
            nanos[index] = System.nanoTime() - start;
        }
    }

    private Object[] runInParallel(boolean query, long[] nanos) throws SQLException {
        // The last shard runs on the caller's thread once the others are handed out: the caller would only wait
        // otherwise, and one thread hand-off per execution is saved.
        int total = statements.length;
        java.util.concurrent.Executor callerRunsLast = new java.util.concurrent.Executor() {
            private int submitted;

            @Override
            public void execute(Runnable task) {
                if (++submitted == total) {
                    task.run();
                } else {
                    runtime.executor().execute(task);
                }
            }
        };
        CompletionService<Object[]> completion = new ExecutorCompletionService<>(callerRunsLast);
        List<Future<Object[]>> futures = new ArrayList<>();
        for (int i = 0; i < statements.length; i++) {
            int index = i;
            futures.add(completion.submit(() -> new Object[] {index, execute(index, query, nanos)}));
        }
        Object[] results = new Object[statements.length];
        SQLException failure = null;
        int done = 0;
        while (done < futures.size()) {
            try {
                Future<Object[]> next = completion.poll(ShardWait.sliceNanos(deadline), TimeUnit.NANOSECONDS);
                if (next == null) {
                    SQLException gaveUp = ShardWait.giveUp(deadline, runtime, stillRunning());
                    if (gaveUp != null) {
                        cancelAll();
                        failure = SqlExceptions.chain(failure, gaveUp);
                        break;
                    }
                    continue;
                }
                done++;
                Object[] outcome = next.get();
                results[(Integer) outcome[0]] = outcome[1];
            } catch (ExecutionException e) {
                SQLException error = failureOf(e);
                if (failure == null) {
                    failure = error;
                    // The answer is lost already: stop the other shards rather than wait for them.
                    cancelAll();
                } else {
                    failure.addSuppressed(error);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelAll();
                failure = new SQLException("Interrupted while waiting for shards", "HY008", e);
                break;
            }
        }
        if (failure != null) {
            closeResults(results, failure);
            closeQuietly(failure);
            throw failure;
        }
        return results;
    }

    /** The names of the shards whose statements have not returned yet. */
    private List<String> stillRunning() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < shards.length; i++) {
            if (finished.get(i) == 0) {
                names.add(shardName(i));
            }
        }
        return names;
    }

    private static void closeResults(Object[] results, SQLException failure) {
        for (Object result : results) {
            if (result instanceof ResultSet resultSet) {
                try {
                    resultSet.close();
                } catch (SQLException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    private static SQLException failureOf(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof SQLException sql) {
            return sql;
        }
        return new SQLException("A shard failed: " + cause, "HY000", cause);
    }

    /** Prefixes the shard's name to a database error, keeping its kind (timeout...), SQLState and vendor code. */
    static SQLException onShard(String shard, SQLException e) {
        return SqlExceptions.withMessage(e, "Shard " + shard + ": " + e.getMessage());
    }

    /**
     * Statement.cancel() and a failure elsewhere: every shard's statement still running is asked to stop, on the
     * runtime's cancel threads (a shard whose server hangs would hold the caller in the driver's cancel); the
     * caller then waits for them as long as the statement may run.
     */
    void cancelAll() {
        for (int i = 0; i < statements.length; i++) {
            PreparedStatement statement = statements[i];
            if (statement != null && finished.get(i) == 0) {
                int index = i;
                try {
                    runtime.cancels().cancel(topology, shards[i], statement.getConnection(), statement,
                            () -> finished.get(index) == 0, () -> { });
                } catch (SQLException | RuntimeException ignored) {
                    // Best effort: the statement is closed already, or its connection is.
                }
            }
        }
    }

    String shardName(int index) {
        return topology.shardName(shards[index]);
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        SqlExceptions.closeAll(java.util.Arrays.asList(statements));
    }

    void closeQuietly(Exception cause) {
        try {
            close();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
