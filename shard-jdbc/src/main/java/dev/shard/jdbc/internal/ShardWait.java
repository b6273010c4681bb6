package dev.shard.jdbc.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a caller waits for shards that run its statement on other threads (a scatter, a batch): never without a bound.
 * It waits in slices; after each slice without an answer it gives up if the query timeout and its grace have passed
 * (abandoning the shards still running) or if the data source was closed meanwhile. Without a timeout, the shards
 * themselves are bounded by the driver's socket timeout.
 */
final class ShardWait {

    /** How often a caller waiting for shards without a timeout checks that the data source is still open. */
    private static final long CLOSED_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private ShardWait() {
    }

    /** How long to wait for an answer before {@link #giveUp} is asked. */
    static long sliceNanos(QueryDeadline deadline) {
        return deadline.isSet() ? Math.min(deadline.remainingWithGraceNanos(), CLOSED_CHECK_NANOS)
                : CLOSED_CHECK_NANOS;
    }

    /**
     * After a slice without an answer: the failure to report if the wait is over, or null to wait another slice.
     *
     * @param shards the shards waited for, for the message
     */
    static SQLException giveUp(QueryDeadline deadline, ShardRuntime runtime, Object shards) {
        if (deadline.isSet() && deadline.remainingWithGraceNanos() == 0) {
            // The deadline and its grace passed without an answer: those shards are abandoned, not awaited.
            deadline.abandonNow();
            return deadline.explain(new SQLException("Shards " + shards + " did not answer within the query timeout",
                    "HYT00"));
        }
        if (runtime.isClosed()) {
            return new SQLException("The ShardingDataSource was closed while shards " + shards
                    + " were running the statement", "08003");
        }
        return null;
    }

    /** A shard's result, waiting no longer than the query timeout allows and not past the data source's close. */
    static <T> T await(Future<T> future, QueryDeadline deadline, ShardRuntime runtime, String shard)
            throws ExecutionException, InterruptedException, SQLException {
        while (true) {
            try {
                return future.get(sliceNanos(deadline), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                SQLException gaveUp = giveUp(deadline, runtime, List.of(shard));
                if (gaveUp != null) {
                    throw gaveUp;
                }
            }
        }
    }
}
