package dev.shard.jdbc.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;

/**
 * One statement running on several shards at once: a prepared statement per shard, executed in parallel on the
 * runtime's bounded executor. If one shard fails, the others are cancelled, every statement is closed, and the
 * error names the shard and carries the database's message.
 */
final class ScatterExecution implements AutoCloseable {

    /** Binds the parameters of one shard's statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement, int shard) throws SQLException;
    }

    private final int[] shards;
    private final PreparedStatement[] statements;
    private final ShardRuntime runtime;
    private volatile boolean closed;

    private ScatterExecution(ShardRuntime runtime, int[] shards) {
        this.runtime = runtime;
        this.shards = shards;
        this.statements = new PreparedStatement[shards.length];
    }

    /** Prepares and binds on the caller's thread: the logical connection is not shared between threads. */
    static ScatterExecution prepare(LogicalConnection connection, int[] shards, String sql, Binder binder)
            throws SQLException {
        return prepare(connection, shards, shard -> sql, binder);
    }

    /** As above, with a statement text per shard (a split INSERT gives each shard only its rows). */
    static ScatterExecution prepare(LogicalConnection connection, int[] shards,
                                    java.util.function.IntFunction<String> sqlForShard, Binder binder)
            throws SQLException {
        ScatterExecution execution = new ScatterExecution(connection.runtime(), shards);
        try {
            for (int i = 0; i < shards.length; i++) {
                PreparedStatement statement;
                try {
                    statement = connection.physical(shards[i]).prepareStatement(sqlForShard.apply(shards[i]));
                    execution.statements[i] = statement;
                    binder.bind(statement, shards[i]);
                } catch (SQLException e) {
                    throw onShard(connection.runtime().shardName(shards[i]), e);
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
            String shard = runtime.shardName(shards[i]);
            futures.add(completion.submit(() -> {
                PreparedStatement statement = statements[index];
                try {
                    Object result = query ? statement.executeQuery() : (Object) statement.executeLargeUpdate();
                    return new Object[] {index, result};
                } catch (SQLException e) {
                    throw onShard(shard, e);
                }
            }));
        }
        Object[] results = new Object[statements.length];
        SQLException failure = null;
        for (int done = 0; done < futures.size(); done++) {
            try {
                Object[] outcome = completion.take().get();
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
            for (Object result : results) {
                if (result instanceof ResultSet resultSet) {
                    try {
                        resultSet.close();
                    } catch (SQLException e) {
                        failure.addSuppressed(e);
                    }
                }
            }
            closeQuietly(failure);
            throw failure;
        }
        return results;
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

    /** Statement.cancel() and a failure elsewhere: every shard's running statement is asked to stop. */
    void cancelAll() {
        for (PreparedStatement statement : statements) {
            if (statement != null) {
                try {
                    statement.cancel();
                } catch (SQLException | RuntimeException ignored) {
                    // Best effort: the statement may have finished, or the driver may not support cancel.
                }
            }
        }
    }

    String shardName(int index) {
        return runtime.shardName(shards[index]);
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        SQLException failure = null;
        for (PreparedStatement statement : statements) {
            if (statement != null) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    void closeQuietly(Exception cause) {
        try {
            close();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
