package dev.shard.cli;

import dev.shard.jdbc.ShardingDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * An application under a reshard, for measuring it: threads that each pick a random key of {@code t_kv} and read
 * its row or add 1 to its value through a ShardingDataSource, one auto-commit statement at a time, as fast as they
 * can (a closed loop: the throughput is what the machine has left for the application). Every operation's start,
 * duration and kind is kept in memory (some hundred thousand a minute at most), so that windows are cut afterwards
 * along the tool's phase lines.
 */
final class ApplicationLoad {

    private static final String READ = "SELECT k, v FROM t_kv WHERE k = ?";
    private static final String WRITE = "UPDATE t_kv SET v = v + 1 WHERE k = ?";
    private static final int MAX_PROBLEMS_KEPT = 20;

    private static final byte IS_WRITE = 1;
    private static final byte REFUSED = 2;
    private static final byte MOVING_SLOT = 4;

    private final List<ShardingDataSource> instances;
    private final long keys;
    private final int writePercent;
    private final LongPredicate moving;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong problemCount = new AtomicLong();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();
    private final List<OperationLog> logs = new ArrayList<>();

    /**
     * @param moving whether a key's slot is one the reshard moves (its writes are held at the switch)
     */
    ApplicationLoad(List<ShardingDataSource> instances, int threadCount, long keys, int writePercent,
                    LongPredicate moving) {
        this.instances = List.copyOf(instances);
        this.keys = keys;
        this.writePercent = writePercent;
        this.moving = moving;
        for (int i = 0; i < threadCount; i++) {
            OperationLog log = new OperationLog();
            ShardingDataSource instance = this.instances.get(i % this.instances.size());
            logs.add(log);
            Thread thread = new Thread(() -> run(instance, log), "application-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Stops the threads and waits for them; the logs may be read afterwards. */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not stop within 2 minutes");
            }
        }
    }

    /** Updates that changed their row: the sum of every row's value must equal this afterwards. */
    long updates() {
        return updates.get();
    }

    /** What went wrong other than a write refused at the switch (a read that found no row, an SQLException). */
    List<String> problems() {
        List<String> copy = new ArrayList<>(problems);
        if (problemCount.get() > copy.size()) {
            copy.add("... " + (problemCount.get() - copy.size()) + " more");
        }
        return copy;
    }

    private void run(ShardingDataSource instance, OperationLog log) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
            long k = random.nextLong(1, keys + 1);
            boolean write = random.nextInt(100) < writePercent;
            byte flags = (byte) ((write ? IS_WRITE : 0) | (moving.test(k) ? MOVING_SLOT : 0));
            long start = System.nanoTime();
            try (Connection c = instance.getConnection();
                 PreparedStatement s = c.prepareStatement(write ? WRITE : READ)) {
                s.setLong(1, k);
                if (write) {
                    int changed = s.executeUpdate();
                    if (changed == 1) {
                        updates.incrementAndGet();
                    } else {
                        problem("update of key " + k + " changed " + changed + " rows");
                    }
                } else {
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            problem("read of key " + k + " found no row");
                        }
                    }
                }
            } catch (SQLTransientException e) {
                // Held past the bound or refused at the switch: not applied; an application would retry.
                flags |= REFUSED;
            } catch (SQLException e) {
                problem((write ? "update" : "read") + " of key " + k + ": " + e);
            }
            log.add(start, System.nanoTime() - start, flags);
        }
    }

    private void problem(String text) {
        if (problemCount.incrementAndGet() <= MAX_PROBLEMS_KEPT) {
            problems.add(text);
        }
    }

    /** Latencies in nanoseconds; zeros when there was none. */
    record Latencies(int count, long p50, long p99, long p999, long max) {

        static Latencies of(long[] nanos, int count) {
            if (count == 0) {
                return new Latencies(0, 0, 0, 0, 0);
            }
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            return new Latencies(count, at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999), sorted[count - 1]);
        }

        /** The nearest-rank percentile. */
        private static long at(long[] sorted, double fraction) {
            int rank = (int) Math.ceil(fraction * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }

        String millis() {
            return count == 0 ? "none" : String.format("%d writes: p50 %s, p99 %s, p99.9 %s, max %s ms", count,
                    ms(p50), ms(p99), ms(p999), ms(max));
        }

        static String ms(long nanos) {
            return String.format("%.1f", nanos / 1e6);
        }
    }

    /**
     * One window of the run.
     *
     * @param reads        reads that completed in the window
     * @param writes       writes that completed (and were applied) in the window
     * @param refused      writes refused (SQLTransientException) that completed in the window
     * @param writeLatency every write (refused ones too) that started in the window
     * @param movingWrites the writes among them to slots the reshard moves
     */
    record Window(long fromNanos, long toNanos, int reads, int writes, int refused, Latencies writeLatency,
                  Latencies movingWrites) {

        double seconds() {
            return (toNanos - fromNanos) / 1e9;
        }

        double operationsPerSecond() {
            return seconds() <= 0 ? 0 : (reads + writes) / seconds();
        }
    }

    Window window(long fromNanos, long toNanos) {
        int reads = 0;
        int writes = 0;
        int refused = 0;
        LongList latencies = new LongList();
        LongList moving = new LongList();
        for (OperationLog log : logs) {
            for (int i = 0; i < log.size; i++) {
                long start = log.starts[i];
                long end = start + log.nanos[i];
                byte flags = log.flags[i];
                boolean write = (flags & IS_WRITE) != 0;
                if (end >= fromNanos && end < toNanos) {
                    if ((flags & REFUSED) != 0) {
                        refused++;
                    } else if (write) {
                        writes++;
                    } else {
                        reads++;
                    }
                }
                if (write && start >= fromNanos && start < toNanos) {
                    latencies.add(log.nanos[i]);
                    if ((flags & MOVING_SLOT) != 0) {
                        moving.add(log.nanos[i]);
                    }
                }
            }
        }
        return new Window(fromNanos, toNanos, reads, writes, refused, Latencies.of(latencies.values, latencies.size),
                Latencies.of(moving.values, moving.size));
    }

    /** One CSV line per second from {@code origin}: operations completed, and the longest write started, in it. */
    List<String> perSecond(long origin, long end) {
        int seconds = (int) Math.max(0, (end - origin) / 1_000_000_000L) + 1;
        int[] reads = new int[seconds];
        int[] writes = new int[seconds];
        int[] refused = new int[seconds];
        long[] longestWrite = new long[seconds];
        for (OperationLog log : logs) {
            for (int i = 0; i < log.size; i++) {
                long start = log.starts[i];
                long completed = (start + log.nanos[i] - origin) / 1_000_000_000L;
                long started = (start - origin) / 1_000_000_000L;
                byte flags = log.flags[i];
                if (completed >= 0 && completed < seconds) {
                    int second = (int) completed;
                    if ((flags & REFUSED) != 0) {
                        refused[second]++;
                    } else if ((flags & IS_WRITE) != 0) {
                        writes[second]++;
                    } else {
                        reads[second]++;
                    }
                }
                if ((flags & IS_WRITE) != 0 && started >= 0 && started < seconds) {
                    longestWrite[(int) started] = Math.max(longestWrite[(int) started], log.nanos[i]);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("second,reads,writes,refused,longest_write_ms");
        for (int s = 0; s < seconds; s++) {
            lines.add(s + "," + reads[s] + "," + writes[s] + "," + refused[s] + ","
                    + Latencies.ms(longestWrite[s]));
        }
        return lines;
    }

    /** One thread's operations; written by that thread only, read after it has ended. */
    private static final class OperationLog {
        long[] starts = new long[1 << 14];
        long[] nanos = new long[1 << 14];
        byte[] flags = new byte[1 << 14];
        int size;

        void add(long start, long duration, byte kind) {
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                nanos = Arrays.copyOf(nanos, size * 2);
                flags = Arrays.copyOf(flags, size * 2);
            }
            starts[size] = start;
            nanos[size] = duration;
            flags[size] = kind;
            size++;
        }
    }

    private static final class LongList {
        long[] values = new long[1024];
        int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }
    }
}
