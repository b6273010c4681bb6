package dev.shard.bench;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Cold start: how long a fresh JVM takes to get the first routed query's result. Run once per JVM:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.shard.bench.ColdStart shard|shardingsphere|direct
 * </pre>
 *
 * ({@code benchmarks/coldstart.sh} runs it several times per target and prints median, min and max.)
 *
 * <p>The databases are those of {@link Fixture} with engine h2 and no rows loaded: four in-memory H2 databases for
 * {@code shard} and {@code shardingsphere}, one for {@code direct}, same HikariCP settings for every pool. Their
 * tables, plus one row for user 42 in every database, are created first through H2's driver called directly
 * (neither DriverManager nor any Shard, ShardingSphere or HikariCP class is touched); then the clock starts and the
 * program does what a user's application does: build the data source from its configuration, get a connection,
 * prepare and run {@link Workloads#POINT_SELECT} for user 42 and read the result. Every database holds the row, so
 * a correctly routed query reads exactly one row (a broadcast would read four); anything else fails the run.
 *
 * <p>Printed on one line, in milliseconds:
 * <ul>
 *   <li>{@code jvm_to_first}: JVM start (the JVM's own uptime clock, which starts as the VM initialises) to the
 *       result read: everything, including JVM boot, H2's start and the schema creation;</li>
 *   <li>{@code jvm_to_main}: JVM start to the first line of {@code main};</li>
 *   <li>{@code schema}: H2 start-up and table creation, outside the user's interval;</li>
 *   <li>{@code build_to_first}: data source build to the result read, what the user waits for; split into
 *       {@code build} (data source from config: pools started, for ShardingSphere also metadata loaded),
 *       {@code connect}, {@code prepare}, {@code execute} (executeQuery) and {@code read} (reading the rows);</li>
 *   <li>{@code cpu}: CPU time the process had used (all threads: JIT, GC, pool fillers) when the result was read;
 *       unlike the others it hardly grows when other processes compete for the cores;</li>
 *   <li>{@code classes}: classes loaded at exit (including those JMX loads after the clock stops).</li>
 * </ul>
 * The uptime is read after the clock stops (it loads JMX), with millisecond resolution.
 */
public final class ColdStart {

    static final long USER = 42;
    static final String SEED = "INSERT INTO t_order (order_id, user_id, amount, status) VALUES (42, 42, 100, 'NEW')";

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        long mainStart = System.nanoTime();
        if (args.length != 1 || !List.of("shard", "shardingsphere", "direct").contains(args[0])) {
            System.err.println("usage: ColdStart shard|shardingsphere|direct");
            System.exit(64);
        }
        String target = args[0];

        Fixture fixture = new Fixture("h2", target, false, List.of(SEED));
        long buildStart = fixture.dataSourceBuildStart;
        DataSource dataSource = fixture.dataSource;
        long built = System.nanoTime();
        long connected;
        long prepared;
        long executed;
        long read;
        int rows = 0;
        long checksum = 0;
        try (Connection c = dataSource.getConnection()) {
            connected = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(Workloads.POINT_SELECT)) {
                prepared = System.nanoTime();
                ps.setLong(1, USER);
                try (ResultSet rs = ps.executeQuery()) {
                    executed = System.nanoTime();
                    while (rs.next()) {
                        rows++;
                        checksum += rs.getLong(1) + rs.getLong(2) + rs.getLong(3) + rs.getString(4).length();
                    }
                    read = System.nanoTime();
                }
            }
        }

        double cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(-1.0);
        long uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        double sinceRead = ms(System.nanoTime() - read);
        double jvmToFirst = uptimeMillis - sinceRead;
        double mainToFirst = ms(read - mainStart);
        int classes = (int) ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        if (rows != 1 || checksum != 42 + 42 + 100 + 3) {
            System.err.printf("%s: expected one row for user %d, read %d (checksum %d)%n", target, USER, rows, checksum);
            System.exit(2);
        }
        System.out.printf(Locale.ROOT,
                "target=%s jvm_to_first=%.1f jvm_to_main=%.1f main_to_first=%.1f schema=%.1f build_to_first=%.1f"
                        + " build=%.1f connect=%.1f prepare=%.1f execute=%.1f read=%.1f cpu=%.0f classes=%d%n",
                target, jvmToFirst, jvmToFirst - mainToFirst, mainToFirst, ms(buildStart - mainStart),
                ms(read - buildStart), ms(built - buildStart), ms(connected - built), ms(prepared - connected),
                ms(executed - prepared), ms(read - executed), cpu, classes);
        // Pools and ShardingSphere's threads would keep the JVM alive; closing them is not part of the question.
        System.exit(0);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
