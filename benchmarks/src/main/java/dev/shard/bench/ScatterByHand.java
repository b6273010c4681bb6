package dev.shard.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The scatter ORDER BY ... LIMIT 10 written by hand with plain JDBC, no middleware: the same query on each of
 * Shard's four databases (HikariCP straight to each), the 40 rows sorted and cut to 10 in the benchmark. It is what
 * this machine allows a scatter to cost, so that {@link Workloads#scatterOrderByLimit()} can be judged against the
 * floor as well as against one shard alone ({@link SingleShardBaseline}).
 *
 * <ul>
 *   <li>{@code sequential}: the four queries one after another on the benchmark thread;</li>
 *   <li>{@code parallel}: three on a fixed pool of threads, the fourth on the benchmark thread, then wait.</li>
 * </ul>
 */
public class ScatterByHand extends FixtureBenchmark {

    @Param({"h2", "mariadb"})
    public String engine;

    @Param({"sequential", "parallel"})
    public String mode;

    final List<HikariDataSource> shards = new ArrayList<>();
    ExecutorService threads;

    /** One row of the answer. */
    record Order(long orderId, long userId, long amount) {
    }

    private static final Comparator<Order> BY_AMOUNT_DESC = Comparator.comparingLong(Order::amount).reversed();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new Fixture(engine, "shard");
        shards.addAll(fixture.physicalPools());
        threads = Executors.newFixedThreadPool(Fixture.SHARDS - 1);
        fixture.closeLater(threads::shutdownNow);
    }

    static List<Order> topOfShard(HikariDataSource shard) throws SQLException {
        List<Order> rows = new ArrayList<>(10);
        try (Connection c = shard.getConnection();
             PreparedStatement ps = c.prepareStatement(Workloads.ORDER_BY_LIMIT);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Order(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return rows;
    }

    @Benchmark
    public long orderByLimitAllShards() throws Exception {
        List<Order> all = new ArrayList<>(10 * Fixture.SHARDS);
        if (mode.equals("sequential")) {
            for (HikariDataSource shard : shards) {
                all.addAll(topOfShard(shard));
            }
        } else {
            List<Future<List<Order>>> others = new ArrayList<>(Fixture.SHARDS - 1);
            for (int i = 0; i < Fixture.SHARDS - 1; i++) {
                HikariDataSource shard = shards.get(i);
                others.add(threads.submit(() -> topOfShard(shard)));
            }
            all.addAll(topOfShard(shards.get(Fixture.SHARDS - 1)));
            for (Future<List<Order>> other : others) {
                try {
                    all.addAll(other.get());
                } catch (ExecutionException e) {
                    throw (Exception) e.getCause();
                }
            }
        }
        all.sort(BY_AMOUNT_DESC);
        long sum = 0;
        for (Order order : all.subList(0, Math.min(10, all.size()))) {
            sum += order.orderId() + order.userId() + order.amount();
        }
        return sum;
    }
}
