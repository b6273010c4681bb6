package dev.shard.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The baseline for the scatter goal: the ORDER BY ... LIMIT 10 of {@link Workloads#scatterOrderByLimit()} run
 * straight (HikariCP) against one of Shard's four databases, after loading them through Shard. The slowest of the
 * four is what a perfectly parallel scatter-gather could at best match.
 */
public class SingleShardBaseline extends FixtureBenchmark {

    @Param({"h2", "mariadb"})
    public String engine;

    @Param({"0", "1", "2", "3"})
    public int shard;

    HikariDataSource single;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new Fixture(engine, "shard");
        single = fixture.hikari(fixture.physicalUrls.get(shard));
        fixture.closeLater(single);
    }

    @Benchmark
    public long orderByLimitOneShard() throws SQLException {
        long sum = 0;
        try (Connection c = single.getConnection();
             PreparedStatement ps = c.prepareStatement(Workloads.ORDER_BY_LIMIT);
             ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    Object value = rs.getObject(i);
                    sum += value == null ? 0 : value.hashCode();
                }
            }
        }
        return sum;
    }
}
