package dev.shard.core;

import dev.shard.core.internal.keygen.SnowflakeGenerator;
import java.sql.SQLException;

/**
 * Snowflake ids for an application to assign itself (shard-spring's {@code @ShardSnowflakeId} uses it for JPA ids),
 * drawn from the same sequence as Shard's {@code keyGenerator: snowflake} columns: within one JVM, ids from here
 * and from Shard's inserts never repeat each other for a worker id, and across processes they are unique as long
 * as every process has its own worker id ({@code settings.workerId}).
 *
 * <p>Ids are positive longs that increase with time (milliseconds since 2024-01-01, then the worker id, then a
 * sequence). Thread-safe.
 */
public final class SnowflakeIds {

    private final SnowflakeGenerator generator;

    private SnowflakeIds(SnowflakeGenerator generator) {
        this.generator = generator;
    }

    /**
     * The JVM-wide sequence of {@code workerId}.
     *
     * @param maxClockBackwardMillis how long {@link #next()} waits for a clock that moved back before it gives up,
     *                               as {@code settings.maxClockBackwardMillis}
     * @throws IllegalArgumentException for a worker id outside 0..1023 or a negative wait
     */
    public static SnowflakeIds forWorker(int workerId, long maxClockBackwardMillis) {
        return new SnowflakeIds(SnowflakeGenerator.shared(workerId, maxClockBackwardMillis));
    }

    /**
     * The next id.
     *
     * @throws SQLException when no id can be generated safely: the clock moved back further than allowed, or is
     *                      outside the range of Snowflake ids; the message says which and what to check
     */
    public long next() throws SQLException {
        return generator.nextLong();
    }

    public int workerId() {
        return generator.workerId();
    }

    @Override
    public String toString() {
        return "SnowflakeIds[workerId=" + generator.workerId() + "]";
    }
}
