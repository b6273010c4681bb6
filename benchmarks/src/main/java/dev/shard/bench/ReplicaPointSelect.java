package dev.shard.bench;

import dev.shard.core.config.ReplicaSettings;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.ShardingDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link Workloads#pointSelect()} through Shard with 0, 1 and 2 read replicas per shard (docs/replication.md), on
 * MariaDB: what read/write splitting costs a point read, and how reads spread over the replicas' pools.
 *
 * <p>The "replicas" are not replicated servers: each is another database on the same server holding a copy of its
 * shard's rows ({@code CREATE TABLE ... LIKE} and {@code INSERT ... SELECT}), with a pool of its own. Starting real
 * replicas (extra {@code mariadbd} processes fed by binary logs) is more than a JMH trial should do, and on a
 * two-core machine every server shares the same cores anyway, so replicas add no capacity here: the numbers show
 * Shard's routing cost, not a scaling. The health checks are off ({@code replicaCheckMillis: 0}), since these
 * databases are no replicas and a check would rightly take them out; a check costs one small query per replica per
 * second on its own connection, which no throughput figure would show.
 */
public class ReplicaPointSelect extends FixtureBenchmark {

    @Param({"0", "1", "2"})
    public int replicas;

    ShardingDataSource withReplicas;
    /** Databases made here, dropped at tear-down. */
    private final List<String> copies = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new Fixture("mariadb", "shard");
        fixture.closeLater(this::dropCopies);
        ShardConfig.Builder builder = ShardConfig.builder()
                .replicaSettings(ReplicaSettings.defaults().withReplicaCheckMillis(0));
        try (Connection c = fixture.serverConnection(); Statement s = c.createStatement()) {
            for (int shard = 0; shard < Fixture.SHARDS; shard++) {
                String url = fixture.physicalUrls.get(shard);
                builder.dataSource("ds" + shard, fixture.poolProperties(url));
                String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
                for (int r = 0; r < replicas; r++) {
                    String copy = database + "_r" + r;
                    copies.add(copy);
                    s.execute("CREATE DATABASE " + copy);
                    s.execute("CREATE TABLE " + copy + ".t_order LIKE " + database + ".t_order");
                    s.execute("INSERT INTO " + copy + ".t_order SELECT * FROM " + database + ".t_order");
                    s.execute("ANALYZE TABLE " + copy + ".t_order");
                    builder.replica("ds" + shard, fixture.poolProperties(url.replace("/" + database + "?",
                            "/" + copy + "?")));
                }
            }
        }
        withReplicas = new ShardingDataSource(builder.shardedTable("t_order", "user_id").build());
        fixture.closeLater(withReplicas);
        if (pointSelect() == 0) {
            throw new IllegalStateException(replicas + " replicas: a user has no orders");
        }
    }

    /** Closed with the fixture: after the data source, before the fixture drops its own databases. */
    private void dropCopies() throws SQLException {
        try (Connection c = fixture.serverConnection(); Statement s = c.createStatement()) {
            for (String copy : copies) {
                s.execute("DROP DATABASE IF EXISTS " + copy);
            }
        }
    }

    /** One point read outside a transaction: on a replica when the shard has one, else on its primary. */
    @Benchmark
    public long pointSelect() throws SQLException {
        return Workloads.pointSelect(withReplicas, Workloads.randomUser());
    }

    /** The same from four threads sharing the data source, spreading over the replicas' pools. */
    @Benchmark
    @Threads(4)
    public long pointSelect4Threads() throws SQLException {
        return pointSelect();
    }
}
