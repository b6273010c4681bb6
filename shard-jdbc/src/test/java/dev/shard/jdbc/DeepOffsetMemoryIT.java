package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.MySqlServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A deep page must never be materialised: ORDER BY over 2,000,000 rows on 4 shards with OFFSET 1,500,000. The
 * rows carry 100-byte payloads, so holding the skipped rows would need several times the heap: Failsafe runs this
 * class in its own JVM with -Xmx128m (see the pom). ShardingSphere users hit OutOfMemoryError here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeepOffsetMemoryIT {

    static final int SHARDS = 4;
    static final int ROWS_PER_SHARD = 500_000;

    private final String prefix = "shard_it_" + ProcessHandle.current().pid() + "_big";
    private MySqlServer server;
    private ShardingDataSource sharded;

    @BeforeAll
    void load() throws Exception {
        server = MySqlServer.require();
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int shard = 0; shard < SHARDS; shard++) {
            String database = prefix + shard;
            server.recreateDatabase(database);
            try (Connection c = server.connect(database); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE digits (d INT NOT NULL)");
                s.execute("INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)");
                s.execute("CREATE TABLE t_big (id BIGINT NOT NULL PRIMARY KEY, payload VARCHAR(200) NOT NULL)");
                // Shard s holds ids s, s + 4, s + 8, ...: a scatter ORDER BY id interleaves all four.
                s.execute("INSERT INTO t_big (id, payload) SELECT n * " + SHARDS + " + " + shard
                        + ", CONCAT(REPEAT('x', 100), n) FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d"
                        + " + 10000 * f.d + 100000 * g.d AS n FROM digits a, digits b, digits c, digits e,"
                        + " digits f, digits g) numbers WHERE n < " + ROWS_PER_SHARD);
            }
            builder.dataSource("ds" + shard, Map.of("jdbcUrl", server.jdbcUrl(database), "username", server.user(),
                    "password", server.password(), "maximumPoolSize", "2"));
        }
        sharded = new ShardingDataSource(builder.shardedTable("t_big", "id").build());
    }

    @AfterAll
    void drop() throws Exception {
        if (sharded != null) {
            sharded.close();
        }
        if (server != null) {
            for (int shard = 0; shard < SHARDS; shard++) {
                server.dropDatabase(prefix + shard);
            }
        }
    }

    @Test
    void deepOffsetStreamsThroughASmallHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("this test must run with a small heap")
                .isLessThan(256L * 1024 * 1024);
        List<Long> ids = new ArrayList<>();
        try (Connection c = sharded.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, payload FROM t_big ORDER BY id LIMIT 10 OFFSET 1500000")) {
            // Connector/J streams row by row only when asked; otherwise each shard's rows arrive in one piece.
            ps.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    assertThat(rs.getString(2)).startsWith("xxxx").hasSize(100 + Long.toString(rs.getLong(1) / 4).length());
                }
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long id = 1_500_000; id < 1_500_010; id++) {
            expected.add(id);
        }
        assertThat(ids).isEqualTo(expected);
        for (String name : sharded.shardNames()) {
            assertThat(sharded.runtime().pool(name).getHikariPoolMXBean().getActiveConnections()).isZero();
        }
    }
}
