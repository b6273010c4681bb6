package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.CpuBudget;
import dev.shard.core.internal.sql.SqlText;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps hostile statement text from escaping a JDBC call as an Error or from holding the caller past the parse
 * bound. The parser and the analysis both recurse once per level of nesting (a parenthesis, a NOT, an OR term),
 * so a statement nested deeply enough overflows the stack of whatever thread reads it. Three measures, cheapest
 * first:
 * <ul>
 *   <li>more than {@value #MAX_PAREN_DEPTH} levels of parentheses are refused before parsing: the depth is
 *       counted by the normaliser's pass, which reads every statement anyway, and no real statement comes close,
 *       while 50,000 levels take the parser seconds;</li>
 *   <li>a statement longer than {@value #LONG_STATEMENT} characters (the only kind that can nest deeply without
 *       parentheses: 5,000 NOTs, a 20,000-term OR) is analysed on a thread with a {@value #STACK_MB} MB stack, and
 *       the caller waits for it until that thread has spent the parse bound in processor time, so the bound
 *       covers the analysis too;</li>
 *   <li>a StackOverflowError that still happens becomes an SQLSyntaxErrorException naming the statement.</li>
 * </ul>
 * Short statements, nearly all of them, run on the caller's thread as before: the hand-off costs microseconds
 * that a cache miss of a long statement can afford and a point query cannot.
 */
final class AnalysisGuard {

    static final int MAX_PAREN_DEPTH = 500;
    static final int LONG_STATEMENT = 2_000;
    private static final int STACK_MB = 64;
    private static final int MAX_THREADS = 16;

    /** Daemon threads with a large stack; idle ones end, so an application that never sends long text has none. */
    private static final ThreadPoolExecutor LONG_ANALYSES = newExecutor();

    /** The analysis to guard; throws what the analysis throws. */
    @FunctionalInterface
    interface Analysis<T> {
        T run() throws SQLException;
    }

    private AnalysisGuard() {
    }

    private static ThreadPoolExecutor newExecutor() {
        // No queue: an analysis that overran its bound cannot be stopped (only the parse polls a flag) and must
        // not make the next long statement wait behind it. The stacks are reserved address space, touched only
        // as deep as a statement nests.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(null, runnable, "shard-long-statement-analysis",
                            (long) STACK_MB << 20);
                    thread.setDaemon(true);
                    return thread;
                });
        return executor;
    }

    /** @throws SQLSyntaxErrorException when the statement nests parentheses deeper than the parser is let go */
    static void refuseDeepNesting(int parenDepth, String sql) throws SQLSyntaxErrorException {
        if (parenDepth > MAX_PAREN_DEPTH) {
            throw new SQLSyntaxErrorException("Statement nests parentheses " + parenDepth + " levels deep; Shard"
                    + " reads at most " + MAX_PAREN_DEPTH + ": " + SqlText.abbreviate(sql), "42000");
        }
    }

    /**
     * Runs the analysis of {@code sql}: on the caller's thread when the text is short, else on a large-stack
     * thread for at most {@code timeoutMillis}. Unchecked exceptions other than a stack overflow pass through
     * for the caller to report as a defect.
     */
    static <T> T run(String sql, long timeoutMillis, Analysis<T> analysis) throws SQLException {
        if (sql.length() <= LONG_STATEMENT) {
            try {
                return analysis.run();
            } catch (StackOverflowError e) {
                throw tooDeep(sql, e);
            }
        }
        Future<T> future;
        java.util.concurrent.CompletableFuture<CpuBudget> budget = new java.util.concurrent.CompletableFuture<>();
        try {
            future = LONG_ANALYSES.submit(() -> {
                budget.complete(CpuBudget.startOnCurrentThread(timeoutMillis));
                return analysis.run();
            });
        } catch (RejectedExecutionException e) {
            throw new SQLTransientException("Shard is already analysing " + MAX_THREADS + " long statements; try"
                    + " again later: " + SqlText.abbreviate(sql), "HY000", e);
        }
        try {
            // The bound is the analysing thread's processor time (CpuBudget): wait until it could be spent, and
            // look again while it is not, so that a busy machine does not fail a statement that is only slow.
            long waitMillis = timeoutMillis;
            while (true) {
                try {
                    return future.get(waitMillis, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    waitMillis = budget.isDone() ? budget.join().remainingMillis() : timeoutMillis;
                    if (waitMillis == 0) {
                        future.cancel(true);
                        throw new SQLTimeoutException("Analysing the statement used more than " + timeoutMillis
                                + " ms of processor time (settings.parseTimeoutMillis); simplify the statement: "
                                + SqlText.abbreviate(sql), "HY000", e);
                    }
                }
            }
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while analysing the statement: " + SqlText.abbreviate(sql),
                    "HY008", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql2) {
                throw sql2;
            }
            if (cause instanceof StackOverflowError overflow) {
                throw tooDeep(sql, overflow);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new SQLException("Shard could not analyse the statement (" + cause + "): "
                    + SqlText.abbreviate(sql), "HY000", cause);
        }
    }

    private static SQLSyntaxErrorException tooDeep(String sql, StackOverflowError cause) {
        return new SQLSyntaxErrorException("Statement is nested too deeply to analyse (NOT, OR, parentheses or"
                + " subqueries inside one another); simplify it: " + SqlText.abbreviate(sql), "42000", cause);
    }
}
