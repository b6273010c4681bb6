package dev.shard.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link Workloads#broadcastBatch128()} written by hand with plain JDBC, no middleware: the same batch of 128
 * INSERTs into t_item sent to each of Shard's four databases (HikariCP straight to each), each committed on its own
 * (auto-commit), with none of Shard's all-or-nothing. It is the floor for writing four copies on this machine, the
 * "direct to one database per shard" baseline of the broadcast batch goal.
 *
 * <ul>
 *   <li>{@code sequential}: the four batches one after another on the benchmark thread;</li>
 *   <li>{@code parallel}: three on a fixed pool of threads, the fourth on the benchmark thread, then wait.</li>
 * </ul>
 */
public class BroadcastByHand extends FixtureBenchmark {

    @Param({"h2", "mariadb"})
    public String engine;

    @Param({"sequential", "parallel"})
    public String mode;

    /** On MariaDB, the JDBC driver: connectorj or mariadb (H2 ignores it). */
    @Param({"connectorj"})
    public String driver;

    final List<HikariDataSource> shards = new ArrayList<>();
    ExecutorService threads;
    final AtomicLong nextItemId = new AtomicLong(10_000_000L);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new Fixture(engine, "shard", driver, Fixture.Schema.orders(false, List.of()));
        shards.addAll(fixture.physicalPools());
        threads = Executors.newFixedThreadPool(Fixture.SHARDS - 1);
        fixture.closeLater(threads::shutdownNow);
    }

    @TearDown(Level.Iteration)
    public void clearItems() throws SQLException {
        for (HikariDataSource shard : shards) {
            try (Connection c = shard.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM t_item");
            }
        }
    }

    /** One operation: 128 rows on every shard, as {@link Workloads#broadcastBatch128()}; the rows of one copy. */
    @Benchmark
    public int batch128() throws Exception {
        long first = nextItemId.getAndAdd(128);
        if (mode.equals("sequential")) {
            int count = 0;
            for (HikariDataSource shard : shards) {
                count = Workloads.itemBatch128(shard, first);
            }
            return count;
        }
        List<Future<Integer>> others = new ArrayList<>();
        for (int i = 1; i < shards.size(); i++) {
            HikariDataSource shard = shards.get(i);
            others.add(threads.submit(() -> Workloads.itemBatch128(shard, first)));
        }
        int count = Workloads.itemBatch128(shards.get(0), first);
        for (Future<Integer> other : others) {
            try {
                other.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a shard's batch failed", e.getCause());
            }
        }
        return count;
    }
}
