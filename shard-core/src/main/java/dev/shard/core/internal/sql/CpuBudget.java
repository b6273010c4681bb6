package dev.shard.core.internal.sql;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * The processor time one thread has spent on a statement's analysis, measured against
 * {@code settings.parseTimeoutMillis}.
 *
 * <p>The bound exists for statements whose analysis would pin a processor (a parser that backtracks, a 20,000-term
 * OR). Measured on the wall clock it also failed ordinary statements on a busy machine: a 2,000-row INSERT that
 * parses in a tenth of a second took more than the 2 s bound with forty runnable threads on two cores. The thread's
 * own processor time grows only while it runs, so a busy machine no longer counts against the statement, and a
 * pathological one still reaches the bound. Where the JVM cannot measure a thread's processor time, the wall clock
 * stands in, as before.
 */
public final class CpuBudget {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean PER_THREAD = measurable();

    private final long threadId;
    private final long startNanos;
    private final long budgetNanos;

    private CpuBudget(long threadId, long startNanos, long budgetNanos) {
        this.threadId = threadId;
        this.startNanos = startNanos;
        this.budgetNanos = budgetNanos;
    }

    private static boolean measurable() {
        try {
            return THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Starts counting the calling thread's processor time against {@code budgetMillis}. */
    public static CpuBudget startOnCurrentThread(long budgetMillis) {
        long budget = TimeUnit.MILLISECONDS.toNanos(budgetMillis);
        return PER_THREAD
                ? new CpuBudget(Thread.currentThread().getId(), THREADS.getCurrentThreadCpuTime(), budget)
                : new CpuBudget(-1, System.nanoTime(), budget);
    }

    /**
     * Milliseconds of the budget left (0 once spent). A thread that has ended has nothing left to spend, and it
     * is reported as within its budget: whoever waits for it has its result.
     */
    public long remainingMillis() {
        long now = PER_THREAD ? THREADS.getThreadCpuTime(threadId) : System.nanoTime();
        if (now < 0) {
            return Long.MAX_VALUE;
        }
        long left = budgetNanos - (now - startNanos);
        // Rounded up: a wait of 0 ms would be a busy loop around a budget not quite spent.
        return left <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
    }
}
