package dev.shard.jdbc.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Decides whether a statement on several shards runs its shard statements in parallel on Shard's threads or one
 * after another on the calling thread.
 *
 * <p>Handing a statement to a parked pool thread and being woken when it is done costs some tens of microseconds,
 * more on a busy machine. A shard statement that costs less than that (an in-memory database, an indexed top-N on a
 * nearby server) is answered sooner by running all of them in a row. So each statement text keeps a smoothed sum
 * of its shard statements' execution times, however they ran; below the threshold
 * ({@code settings.sequentialScatterBelowMicros}) the next execution runs them in a row, above it in parallel. A
 * statement starts parallel (nothing known), goes sequential once it has proved cheap, and back as soon as it is
 * not: a run of slow executions moves the average up within a few executions, whichever way they ran.
 */
final class ScatterPacing {

    /** Kept per statement text; updated without locking, as lost updates only make the hint a little older. */
    private static final class Recent {
        volatile long smoothedNanos;

        Recent(long nanos) {
            this.smoothedNanos = nanos;
        }
    }

    private final long sequentialBelowNanos;
    private final Cache<String, Recent> recent;

    ScatterPacing(long sequentialBelowMicros, int maxStatements) {
        this.sequentialBelowNanos = sequentialBelowMicros > Long.MAX_VALUE / 1_000 ? Long.MAX_VALUE
                : sequentialBelowMicros * 1_000;
        this.recent = Caffeine.newBuilder().maximumSize(Math.max(100, maxStatements)).build();
    }

    /** True if the shard statements of {@code statement} should run one after another on the caller's thread. */
    boolean sequential(String statement) {
        if (sequentialBelowNanos == 0 || statement == null) {
            return false;
        }
        Recent known = recent.getIfPresent(statement);
        return known != null && known.smoothedNanos < sequentialBelowNanos;
    }

    /** Records one successful execution: the sum of the shard statements' execution times. */
    void record(String statement, long totalNanos) {
        if (sequentialBelowNanos == 0 || statement == null) {
            return;
        }
        Recent known = recent.getIfPresent(statement);
        if (known == null) {
            recent.put(statement, new Recent(totalNanos));
        } else {
            // Exponential moving average with weight 1/4 for the newest execution.
            long previous = known.smoothedNanos;
            known.smoothedNanos = previous - (previous >> 2) + (totalNanos >> 2);
        }
    }
}
