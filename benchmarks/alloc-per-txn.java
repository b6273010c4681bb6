// Bytes the calling thread allocates per Oltp transaction, for each target: a stable allocation measure on a busy
// machine (only the benchmark thread counts; no background threads, no GC timing). Run against any benchmarks jar:
//   java -cp benchmarks/target/benchmarks.jar benchmarks/alloc-per-txn.java [engine] [transactions] [targets...]
import dev.shard.bench.Oltp;
import java.lang.management.ManagementFactory;

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
                for (int i = 0; i < n; i++) {
                    bench.mix(); // warm-up: JIT, pools, statement caches
                }
                long before = threads.getThreadAllocatedBytes(self);
                for (int i = 0; i < n; i++) {
                    bench.mix();
                }
                long bytes = threads.getThreadAllocatedBytes(self) - before;
                System.out.printf("RESULT %s %s: %,d B per transaction (%d transactions)%n", engine, target,
                        bytes / n, n);
            } finally {
                bench.tearDown();
            }
        }
    }
}
