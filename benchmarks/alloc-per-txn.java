// Bytes the calling thread allocates per Oltp transaction, for each target: a stable allocation measure on a busy
// machine (only the benchmark thread counts; no background threads, no GC timing). Run against any benchmarks jar:
//   java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
//     benchmarks/alloc-per-txn.java [engine] [transactions] [targets...]
// With --add-opens every target runs the same transactions: the mix draws them from the thread's ThreadLocalRandom,
// whose seed is set to the same value before the warm-up and before the measured run. Without it the draws differ
// between targets, and so do the figures, by a few kilobytes.
import dev.shard.bench.Oltp;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ThreadLocalRandom;

public class AllocPerTxn {
    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "h2";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        String[] targets = args.length > 2 ? java.util.Arrays.copyOfRange(args, 2, args.length)
                : new String[] {"direct", "shard"};
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        for (String target : targets) {
            Oltp bench = new Oltp();
            bench.engine = engine;
            bench.target = target;
            bench.driver = "connectorj";
            bench.transaction = "mix";
            bench.setUp();
            try {
                boolean replayed = seedRandom(16);
                for (int i = 0; i < n; i++) {
                    bench.mix(); // warm-up: JIT, pools, statement caches
                }
                replayed &= seedRandom(42);
                long before = threads.getThreadAllocatedBytes(self);
                for (int i = 0; i < n; i++) {
                    bench.mix();
                }
                long bytes = threads.getThreadAllocatedBytes(self) - before;
                System.out.printf("RESULT %s %s: %,d B per transaction (%d transactions, %s)%n", engine, target,
                        bytes / n, n, replayed ? "the same for every target" : "random");
            } finally {
                bench.tearDown();
            }
        }
    }

    /** Sets this thread's ThreadLocalRandom seed; false where java.lang is not opened to this code. */
    static boolean seedRandom(long seed) {
        ThreadLocalRandom.current(); // initialises the thread's random state, which would otherwise replace the seed
        try {
            java.lang.reflect.Field field = Thread.class.getDeclaredField("threadLocalRandomSeed");
            field.setAccessible(true);
            field.setLong(Thread.currentThread(), seed);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // InaccessibleObjectException: run without --add-opens
        }
    }
}
