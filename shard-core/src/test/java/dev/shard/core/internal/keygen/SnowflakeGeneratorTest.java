package dev.shard.core.internal.keygen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SnowflakeGeneratorTest {

    private static final long T = Instant.parse("2025-06-01T12:00:00Z").toEpochMilli();

    /**
     * A clock that moves only when told to, and a sleeper that records each wait and, if {@code advancing}, moves
     * the clock by the time waited, as a real sleep would. No test here sleeps for real except the multi-threaded
     * ones on the system clock, where waits come from the generator itself.
     */
    static final class FakeTime implements SnowflakeGenerator.Sleeper {
        final AtomicLong now;
        final List<Long> sleeps = new ArrayList<>();
        boolean advancing = true;

        FakeTime(long start) {
            now = new AtomicLong(start);
        }

        long millis() {
            return now.get();
        }

        @Override
        public void sleep(long millis) {
            sleeps.add(millis);
            if (advancing) {
                now.addAndGet(millis);
            }
        }

        SnowflakeGenerator generator(int workerId, long maxClockBackwardMillis) {
            return new SnowflakeGenerator(workerId, maxClockBackwardMillis, this::millis, this);
        }
    }

    // ---- layout -------------------------------------------------------------------------------------------------------

    @Test
    void layoutIsPinned() throws SQLException {
        // A persistent format: ids in tables were made with it. This literal must never change.
        assertThat(SnowflakeGenerator.EPOCH).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(SnowflakeGenerator.EPOCH_MILLIS).isEqualTo(1_704_067_200_000L);
        FakeTime time = new FakeTime(T);
        SnowflakeGenerator generator = time.generator(7, 1000);
        long first = generator.nextLong();
        long expectedMillis = T - 1_704_067_200_000L;
        assertThat(first).isEqualTo((expectedMillis << 22) | (7L << 12));
        assertThat(first).isEqualTo(187_535_720_448_028_672L);
        assertThat(generator.nextLong()).isEqualTo(first + 1);
        assertThat(SnowflakeGenerator.timestampOf(first)).isEqualTo(Instant.ofEpochMilli(T));
        assertThat(SnowflakeGenerator.workerIdOf(first)).isEqualTo(7);
        assertThat(SnowflakeGenerator.sequenceOf(first + 1)).isEqualTo(1);
        assertThat(SnowflakeGenerator.LAST_INSTANT).isEqualTo(Instant.parse("2093-09-06T15:47:35.551Z"));
    }

    @Test
    void workerIdIsEmbedded() throws SQLException {
        for (int workerId : new int[] {0, 1, 7, 512, 1023}) {
            SnowflakeGenerator generator = new FakeTime(T).generator(workerId, 1000);
            for (int i = 0; i < 10; i++) {
                long id = generator.nextLong();
                assertThat((id >> 12) & 1023).isEqualTo(workerId);
                assertThat(SnowflakeGenerator.workerIdOf(id)).isEqualTo(workerId);
                assertThat(id).isPositive();
            }
            assertThat(generator.workerId()).isEqualTo(workerId);
        }
    }

    @Test
    void idsStayPositiveUpToTheLastMillisecond() throws SQLException {
        FakeTime time = new FakeTime(SnowflakeGenerator.LAST_INSTANT.toEpochMilli());
        SnowflakeGenerator generator = time.generator(1023, 1000);
        long id = 0;
        for (int i = 0; i <= SnowflakeGenerator.MAX_SEQUENCE; i++) {
            id = generator.nextLong();
        }
        assertThat(id).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aClockOutsideTheIdRangeIsRefused() {
        FakeTime time = new FakeTime(SnowflakeGenerator.EPOCH_MILLIS - 1);
        SnowflakeGenerator generator = time.generator(3, 1000);
        SQLException e = catchThrowableOfType(SQLException.class, generator::nextLong);
        assertThat(e.getSQLState()).isEqualTo("HY000");
        assertThat(e.getMessage()).isEqualTo("Snowflake key generator (worker id 3): the clock reads"
                + " 2023-12-31T23:59:59.999Z, outside the range of Snowflake ids (2024-01-01T00:00:00Z to"
                + " 2093-09-06T15:47:35.551Z)");
        time.now.set(SnowflakeGenerator.LAST_INSTANT.toEpochMilli() + 1);
        assertThatThrownBy(generator::nextLong).isInstanceOf(SQLException.class)
                .hasMessageContaining("the clock reads 2093-09-06T15:47:35.552Z, outside the range");
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThatThrownBy(() -> SnowflakeGenerator.shared(1024, 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("worker id must be between 0 and 1023, got 1024");
        assertThatThrownBy(() -> new FakeTime(T).generator(-1, 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("worker id must be between 0 and 1023, got -1");
        assertThatThrownBy(() -> new FakeTime(T).generator(0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxClockBackwardMillis must be 0 or more, got -1");
    }

    // ---- sequence -----------------------------------------------------------------------------------------------------

    @Test
    void sequenceOverflowWaitsForTheNextMillisecond() throws SQLException {
        FakeTime time = new FakeTime(T);
        SnowflakeGenerator generator = time.generator(5, 1000);
        long[] ids = new long[SnowflakeGenerator.MAX_SEQUENCE + 2];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = generator.nextLong();
        }
        // 4096 ids in millisecond T, then one wait of 1 ms, then the first id of T + 1.
        assertThat(time.sleeps).containsExactly(1L);
        for (int i = 0; i <= SnowflakeGenerator.MAX_SEQUENCE; i++) {
            assertThat(SnowflakeGenerator.timestampOf(ids[i])).isEqualTo(Instant.ofEpochMilli(T));
            assertThat(SnowflakeGenerator.sequenceOf(ids[i])).isEqualTo(i);
        }
        long after = ids[ids.length - 1];
        assertThat(SnowflakeGenerator.timestampOf(after)).isEqualTo(Instant.ofEpochMilli(T + 1));
        assertThat(SnowflakeGenerator.sequenceOf(after)).isZero();
        assertStrictlyIncreasing(ids, ids.length);
    }

    @Test
    void overflowKeepsWaitingUntilTheClockTicks() throws SQLException {
        // A sleeper that returns early (spurious wake-up, coarse timer): the generator must check the clock again.
        FakeTime time = new FakeTime(T);
        time.advancing = false;
        SnowflakeGenerator generator = new SnowflakeGenerator(0, 1000, time::millis, millis -> {
            time.sleeps.add(millis);
            if (time.sleeps.size() == 3) {
                time.now.incrementAndGet();
            }
        });
        for (int i = 0; i <= SnowflakeGenerator.MAX_SEQUENCE; i++) {
            generator.nextLong();
        }
        long id = generator.nextLong();
        assertThat(time.sleeps).containsExactly(1L, 1L, 1L);
        assertThat(SnowflakeGenerator.timestampOf(id)).isEqualTo(Instant.ofEpochMilli(T + 1));
    }

    @Test
    void newMillisecondRestartsTheSequence() throws SQLException {
        FakeTime time = new FakeTime(T);
        SnowflakeGenerator generator = time.generator(1, 1000);
        long a = generator.nextLong();
        long b = generator.nextLong();
        time.now.addAndGet(5);
        long c = generator.nextLong();
        assertThat(SnowflakeGenerator.sequenceOf(b)).isEqualTo(1);
        assertThat(SnowflakeGenerator.sequenceOf(c)).isZero();
        assertThat(a).isLessThan(b).isLessThan(c);
        assertThat(time.sleeps).isEmpty();
    }

    // ---- clock moving back --------------------------------------------------------------------------------------------

    @Test
    void smallStepBackIsWaitedOut() throws SQLException {
        FakeTime time = new FakeTime(T);
        SnowflakeGenerator generator = time.generator(2, 1000);
        long before = generator.nextLong();
        time.now.set(T - 300);
        long after = generator.nextLong();
        assertThat(time.sleeps).containsExactly(300L);
        assertThat(after).isGreaterThan(before);
        assertThat(SnowflakeGenerator.timestampOf(after)).isEqualTo(Instant.ofEpochMilli(T));
        time.now.set(T + 1);
        assertThat(generator.nextLong()).isGreaterThan(after);
    }

    @Test
    void stepBackOfExactlyTheBoundIsStillWaitedOut() throws SQLException {
        FakeTime time = new FakeTime(T);
        SnowflakeGenerator generator = time.generator(2, 1000);
        long before = generator.nextLong();
        time.now.set(T - 1000);
        assertThat(generator.nextLong()).isGreaterThan(before);
        assertThat(time.sleeps).containsExactly(1000L);
    }

    @Test
    void bigStepBackFailsAtOnceWithoutWaiting() throws SQLException {
        FakeTime time = new FakeTime(T);
        SnowflakeGenerator generator = time.generator(7, 1000);
        long before = generator.nextLong();
        time.now.set(T - 5000);
        SQLException e = catchThrowableOfType(SQLException.class, generator::next);
        assertThat(e.getSQLState()).isEqualTo("HY000");
        assertThat(e.getMessage()).isEqualTo("Snowflake key generator (worker id 7): the clock moved back by 5000 ms,"
                + " more than settings.maxClockBackwardMillis (1000 ms) allows to wait for; ids generated now would"
                + " repeat ids already issued, so none are generated until it catches up. Check this host's time"
                + " synchronisation (NTP)");
        assertThat(time.sleeps).isEmpty();

        // Once the clock has caught up, generation resumes where it left off.
        time.now.set(T);
        assertThat(generator.nextLong()).isGreaterThan(before);
    }

    @Test
    void aClockThatDoesNotCatchUpWithinTheBoundFails() throws SQLException {
        FakeTime time = new FakeTime(T);
        time.advancing = false;
        SnowflakeGenerator generator = time.generator(7, 1000);
        generator.nextLong();
        time.now.set(T - 300);
        assertThatThrownBy(generator::nextLong).isInstanceOf(SQLException.class).hasMessage(
                "Snowflake key generator (worker id 7): the clock moved back by 300 ms, and is still behind after"
                        + " waiting 900 ms of settings.maxClockBackwardMillis (1000 ms); ids generated now would"
                        + " repeat ids already issued, so none are generated until it catches up. Check this host's"
                        + " time synchronisation (NTP)");
        // Waited three times 300 ms; a fourth would have exceeded the bound.
        assertThat(time.sleeps).containsExactly(300L, 300L, 300L);
    }

    @Test
    void aClockStillMovingBackWhileWaitedForFails() throws SQLException {
        FakeTime time = new FakeTime(T);
        SnowflakeGenerator generator = new SnowflakeGenerator(7, 1000, time::millis, millis -> {
            time.sleeps.add(millis);
            time.now.addAndGet(-millis); // every wait finds the clock further behind
        });
        generator.nextLong();
        time.now.set(T - 100);
        assertThatThrownBy(generator::nextLong).isInstanceOf(SQLException.class)
                .hasMessageContaining("the clock moved back by 800 ms, and is still behind after waiting 700 ms");
        assertThat(time.sleeps).containsExactly(100L, 200L, 400L).doesNotContain(800L);
    }

    @Test
    void zeroBoundNeverWaits() throws SQLException {
        FakeTime time = new FakeTime(T);
        SnowflakeGenerator generator = time.generator(0, 0);
        generator.nextLong();
        time.now.set(T - 1);
        assertThatThrownBy(generator::nextLong).isInstanceOf(SQLException.class)
                .hasMessageContaining("the clock moved back by 1 ms, more than settings.maxClockBackwardMillis (0 ms)");
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void interruptionWhileWaitingIsReportedAndKept() throws SQLException {
        FakeTime time = new FakeTime(T);
        SnowflakeGenerator generator = new SnowflakeGenerator(4, 1000, time::millis, millis -> {
            throw new InterruptedException();
        });
        generator.nextLong();
        time.now.set(T - 10);
        try {
            SQLException e = catchThrowableOfType(SQLException.class, generator::nextLong);
            assertThat(e.getSQLState()).isEqualTo("HY008");
            assertThat(e.getMessage())
                    .isEqualTo("Snowflake key generator (worker id 4): interrupted while waiting for the clock");
            assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    // ---- monotonicity and uniqueness on the real clock ----------------------------------------------------------------

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMillionIdsInARowIncrease() throws SQLException {
        SnowflakeGenerator generator = new SnowflakeGenerator(9, 1000, System::currentTimeMillis,
                SnowflakeGenerator.Sleeper.THREAD_SLEEP);
        long previous = generator.nextLong();
        for (int i = 1; i < 1_000_000; i++) {
            long id = generator.nextLong();
            if (id <= previous) {
                throw new AssertionError("id " + i + " = " + id + " is not above the one before, " + previous);
            }
            previous = id;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fourThreadsOfAMillionIdsEachNeverCollide() throws Exception {
        int threads = 4;
        int perThread = 1_000_000;
        SnowflakeGenerator generator = new SnowflakeGenerator(11, 1000, System::currentTimeMillis,
                SnowflakeGenerator.Sleeper.THREAD_SLEEP);
        // One flat array (32 MB): each thread fills its own slice, then the whole is sorted and neighbours compared.
        long[] ids = new long[threads * perThread];
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t * perThread;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        ids[offset + i] = generator.nextLong();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "snowflake-" + t);
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failure.get()).isNull();

        for (int t = 0; t < threads; t++) {
            // Each thread's own ids increase (happens-before within a thread).
            assertStrictlyIncreasing(Arrays.copyOfRange(ids, t * perThread, (t + 1) * perThread), perThread);
        }
        Arrays.sort(ids);
        assertStrictlyIncreasing(ids, ids.length);
        assertThat(SnowflakeGenerator.workerIdOf(ids[0])).isEqualTo(11);
        assertThat(SnowflakeGenerator.workerIdOf(ids[ids.length - 1])).isEqualTo(11);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void idsIncreaseAcrossThreadsInHappensBeforeOrder() throws Exception {
        // Two threads take turns, each handing its id to the other: every id must exceed the one it received.
        SnowflakeGenerator generator = new SnowflakeGenerator(12, 1000, System::currentTimeMillis,
                SnowflakeGenerator.Sleeper.THREAD_SLEEP);
        SynchronousQueue<Long> toOther = new SynchronousQueue<>();
        SynchronousQueue<Long> back = new SynchronousQueue<>();
        int rounds = 20_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    long received = toOther.take();
                    long id = generator.nextLong();
                    if (id <= received) {
                        throw new AssertionError(id + " <= " + received);
                    }
                    back.put(id);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                back.offer(Long.MAX_VALUE);
            }
        });
        other.start();
        for (int i = 0; i < rounds && failure.get() == null; i++) {
            long id = generator.nextLong();
            toOther.put(id);
            long received = back.take();
            assertThat(received).isGreaterThan(id);
            assertThat(generator.nextLong()).isGreaterThan(received);
        }
        other.join();
        assertThat(failure.get()).isNull();
    }

    @Test
    void sharedGeneratorsOfOneWorkerIdShareTheirSequence() throws SQLException {
        // Different instances (e.g. an old and a new ShardingDataSource during a reload) must not repeat ids.
        SnowflakeGenerator a = SnowflakeGenerator.shared(1001, 1000);
        SnowflakeGenerator b = SnowflakeGenerator.shared(1001, 50);
        assertThat(a).isNotSameAs(b);
        long[] ids = new long[100_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i % 2 == 0 ? a : b).nextLong();
        }
        assertStrictlyIncreasing(ids, ids.length);
        assertThat(b.maxClockBackwardMillis()).isEqualTo(50);
    }

    private static void assertStrictlyIncreasing(long[] ids, int length) {
        for (int i = 1; i < length; i++) {
            if (ids[i] <= ids[i - 1]) {
                throw new AssertionError("ids[" + i + "] = " + ids[i] + " is not above ids[" + (i - 1) + "] = "
                        + ids[i - 1]);
            }
        }
    }
}
