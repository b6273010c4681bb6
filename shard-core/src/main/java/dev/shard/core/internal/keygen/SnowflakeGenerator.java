package dev.shard.core.internal.keygen;

import dev.shard.core.config.Settings;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Snowflake ids: positive 64-bit longs that are unique across processes with distinct worker ids and increase
 * with time, which keeps InnoDB inserts appending to the end of the primary key index.
 *
 * <pre>
 *  bit 63 | 62 ........................ 22 | 21 ...... 12 | 11 ...... 0
 *    0    | milliseconds since EPOCH (41) | worker id (10)| sequence (12)
 * </pre>
 *
 * <p><b>This layout and {@link #EPOCH} are a persistent format</b>: ids already stored in tables were made with
 * them, and changing either could make new ids repeat old ones. 41 bits of milliseconds last until
 * {@link #LAST_INSTANT} (2093-09-06); up to 4096 ids per millisecond and worker id.
 *
 * <p>Guarantees, for all generators that share a sequence (the same instance, or {@link #shared} instances with the
 * same worker id): no id is handed out twice, and ids increase in happens-before order: if one {@code next()}
 * returns before another starts, on any threads, the second id is larger. Across processes ids are unique only if
 * every process has its own worker id, and a process restarted while its clock is behind the time of ids it issued
 * before cannot know it: keep clocks synchronised.
 *
 * <p>Thread-safe and lock-free: the last id handed out is the whole state, advanced by compare-and-set. Threads
 * that must wait (the millisecond's 4096 ids are used up, or the clock moved back) wait on their own and hold no
 * lock.
 */
public final class SnowflakeGenerator implements KeyGenerator {

    /**
     * 2024-01-01T00:00:00Z. A custom epoch rather than 1970 because the 41 bits of milliseconds count from it: from
     * 1970 half of their 69-year range would already be spent on years before any id existed.
     */
    public static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
    public static final long EPOCH_MILLIS = EPOCH.toEpochMilli();

    public static final int TIMESTAMP_BITS = 41;
    public static final int WORKER_ID_BITS = 10;
    public static final int SEQUENCE_BITS = 12;

    public static final long MAX_TIMESTAMP = (1L << TIMESTAMP_BITS) - 1;
    public static final int MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1;
    /** The last millisecond with ids. */
    public static final Instant LAST_INSTANT = Instant.ofEpochMilli(EPOCH_MILLIS + MAX_TIMESTAMP);

    private static final int WORKER_ID_SHIFT = SEQUENCE_BITS;
    private static final int TIMESTAMP_SHIFT = WORKER_ID_BITS + SEQUENCE_BITS;
    private static final int WORKER_ID_MASK = (1 << WORKER_ID_BITS) - 1;

    static {
        // The layout and Settings' range must agree, or a valid configuration could produce ids of another worker.
        if (WORKER_ID_MASK != Settings.MAX_WORKER_ID || TIMESTAMP_BITS + WORKER_ID_BITS + SEQUENCE_BITS != 63) {
            throw new AssertionError("Snowflake layout out of step with Settings.MAX_WORKER_ID");
        }
    }

    /** How a generator waits; injectable so tests with a fake clock need no real sleeps. */
    @FunctionalInterface
    public interface Sleeper {

        Sleeper THREAD_SLEEP = Thread::sleep;

        void sleep(long millis) throws InterruptedException;
    }

    /** One sequence per worker id for the whole JVM; see {@link #shared}. */
    private static final ConcurrentMap<Integer, AtomicLong> SHARED_SEQUENCES = new ConcurrentHashMap<>();

    private final int workerId;
    private final long maxClockBackwardMillis;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    /**
     * The last id handed out, 0 before the first. Ids are ordered by time, then sequence, so "the next id" is
     * derived from this value alone and one compare-and-set both reserves it and publishes it.
     */
    private final AtomicLong last;

    /**
     * A generator with the system clock and the JVM-wide sequence of {@code workerId}: all such generators with one
     * worker id never repeat each other's ids, whatever tables or data sources they serve.
     *
     * @param maxClockBackwardMillis see {@link Settings#maxClockBackwardMillis()}; per generator, the sequence is
     *                               shared regardless
     * @throws IllegalArgumentException for a worker id outside 0..1023 or a negative wait
     */
    public static SnowflakeGenerator shared(int workerId, long maxClockBackwardMillis) {
        checkArguments(workerId, maxClockBackwardMillis);
        return new SnowflakeGenerator(workerId, maxClockBackwardMillis, System::currentTimeMillis,
                Sleeper.THREAD_SLEEP, SHARED_SEQUENCES.computeIfAbsent(workerId, id -> new AtomicLong()));
    }

    /**
     * A generator with its own sequence, which is unique only within this instance.
     *
     * @param clock   milliseconds since 1970, like {@link System#currentTimeMillis()}
     * @param sleeper waits when the clock must catch up
     * @throws IllegalArgumentException for a worker id outside 0..1023 or a negative wait
     */
    public SnowflakeGenerator(int workerId, long maxClockBackwardMillis, LongSupplier clock, Sleeper sleeper) {
        this(checkArguments(workerId, maxClockBackwardMillis), maxClockBackwardMillis, clock, sleeper,
                new AtomicLong());
    }

    private SnowflakeGenerator(int workerId, long maxClockBackwardMillis, LongSupplier clock, Sleeper sleeper,
                               AtomicLong last) {
        this.workerId = workerId;
        this.maxClockBackwardMillis = maxClockBackwardMillis;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.last = last;
    }

    private static int checkArguments(int workerId, long maxClockBackwardMillis) {
        if (workerId < 0 || workerId > WORKER_ID_MASK) {
            throw new IllegalArgumentException("worker id must be between 0 and " + WORKER_ID_MASK + ", got "
                    + workerId);
        }
        if (maxClockBackwardMillis < 0) {
            throw new IllegalArgumentException("maxClockBackwardMillis must be 0 or more, got "
                    + maxClockBackwardMillis);
        }
        return workerId;
    }

    public int workerId() {
        return workerId;
    }

    public long maxClockBackwardMillis() {
        return maxClockBackwardMillis;
    }

    /** {@link #nextLong()}, boxed. */
    @Override
    public Long next() throws SQLException {
        return nextLong();
    }

    /**
     * The next id.
     *
     * @throws SQLException (SQLState HY000) if the clock is before {@link #EPOCH} or after {@link #LAST_INSTANT},
     *                      or moved back further than {@code maxClockBackwardMillis} or did not catch up within
     *                      it; (HY008) if the thread is interrupted while waiting
     */
    public long nextLong() throws SQLException {
        long waitedForClock = 0;
        while (true) {
            long previous = last.get();
            long previousTimestamp = previous >>> TIMESTAMP_SHIFT;
            long now = clock.getAsLong() - EPOCH_MILLIS;
            if (now < 0 || now > MAX_TIMESTAMP) {
                throw outOfRange(now);
            }
            long next;
            if (now > previousTimestamp) {
                next = compose(now, 0);
            } else if (now == previousTimestamp) {
                int sequence = (int) (previous & MAX_SEQUENCE);
                if (sequence == MAX_SEQUENCE) {
                    // This millisecond's ids are used up. The next millisecond is at most 1 ms away, so waiting
                    // costs little, and it is the only way to stay unique and increasing.
                    pause(1);
                    continue;
                }
                next = compose(now, sequence + 1);
            } else {
                // The clock moved back (an NTP step, a VM resumed from a snapshot, a manual change). Ids made now
                // would reuse milliseconds whose sequence numbers were handed out already. A small step is
                // routine for NTP, and waiting it out is invisible to the application, so wait; a large one means
                // something is wrong with the host, and stalling every insert for it would only hide that.
                long behind = previousTimestamp - now;
                if (behind > maxClockBackwardMillis - waitedForClock) {
                    throw clockMovedBack(behind, waitedForClock);
                }
                pause(behind);
                waitedForClock += behind;
                continue;
            }
            if (last.compareAndSet(previous, next)) {
                return next;
            }
            // Another thread took an id in between: start again from the id it took.
        }
    }

    private long compose(long timestamp, int sequence) {
        return (timestamp << TIMESTAMP_SHIFT) | ((long) workerId << WORKER_ID_SHIFT) | sequence;
    }

    private void pause(long millis) throws SQLException {
        try {
            sleeper.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException(describe() + ": interrupted while waiting for the clock", "HY008", e);
        }
    }

    private SQLException clockMovedBack(long behind, long waited) {
        String detail = waited == 0
                ? "more than settings.maxClockBackwardMillis (" + maxClockBackwardMillis + " ms) allows to wait for"
                : "and is still behind after waiting " + waited + " ms of settings.maxClockBackwardMillis ("
                + maxClockBackwardMillis + " ms)";
        return new SQLException(describe() + ": the clock moved back by " + behind + " ms, " + detail
                + "; ids generated now would repeat ids already issued, so none are generated until it catches up."
                + " Check this host's time synchronisation (NTP)", "HY000");
    }

    private SQLException outOfRange(long sinceEpoch) {
        Instant now = Instant.ofEpochMilli(sinceEpoch + EPOCH_MILLIS);
        return new SQLException(describe() + ": the clock reads " + now + ", outside the range of Snowflake ids ("
                + EPOCH + " to " + LAST_INSTANT + ")", "HY000");
    }

    private String describe() {
        return "Snowflake key generator (worker id " + workerId + ")";
    }

    /** When {@code id} was generated, to the millisecond. */
    public static Instant timestampOf(long id) {
        return Instant.ofEpochMilli((id >>> TIMESTAMP_SHIFT) + EPOCH_MILLIS);
    }

    /** The worker id embedded in {@code id}. */
    public static int workerIdOf(long id) {
        return (int) (id >>> WORKER_ID_SHIFT) & WORKER_ID_MASK;
    }

    /** The sequence number of {@code id} within its millisecond and worker id. */
    public static int sequenceOf(long id) {
        return (int) (id & MAX_SEQUENCE);
    }

    @Override
    public String toString() {
        return "SnowflakeGenerator[workerId=" + workerId + ", maxClockBackwardMillis=" + maxClockBackwardMillis + "]";
    }
}
