package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.ResultSets;
import dev.shard.jdbc.testing.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stored slot map on MariaDB (and, in {@link PostgresSlotMapStoreIT}, on PostgreSQL): a data source added to the
 * configuration leaves every row where it was and reachable (compared with a plain database that received the same
 * rows), one removed while it owns slots is refused, instances starting at once agree on one stored map, and a
 * published version is followed by every running instance, which reports so in its instance row.
 */
class SlotMapStoreIT {

    private DifferentialDatabases databases;
    private final List<ShardingDataSource> opened = new ArrayList<>();

    /** The server the databases are created on. */
    TestServer server() {
        return MySqlServer.require();
    }

    @BeforeEach
    void create() throws SQLException {
        databases = DifferentialDatabases.create(server(), "slotmap_store", 3);
    }

    @AfterEach
    void drop() throws SQLException {
        opened.forEach(ShardingDataSource::close);
        databases.close();
    }

    /** ds0..ds{count-1} of the three databases. */
    private ShardConfig config(int count) {
        return dataSources(databases, count).shardedTable("t_order", "user_id").storeSlotMap(true).build();
    }

    /** A configuration of ds0..ds{count-1} of {@code databases}, to which the caller adds tables. */
    static ShardConfig.Builder dataSources(DifferentialDatabases databases, int count) {
        ShardConfig.Builder builder = ShardConfig.builder();
        ShardConfig all = databases.config(4).build();
        for (int i = 0; i < count; i++) {
            builder.dataSource("ds" + i, all.dataSource("ds" + i).poolProperties());
        }
        return builder;
    }

    private ShardingDataSource open(ShardConfig config) {
        ShardingDataSource ds = new ShardingDataSource(config);
        opened.add(ds);
        return ds;
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return ResultSets.rows(rs);
        }
    }

    @Test
    void addingADataSourceLeavesEveryRowReachableAndRemovingOneThatOwnsSlotsIsRefused() throws SQLException {
        String ddl = "CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, note VARCHAR(20))";
        ShardConfig two = config(2);
        ShardingDataSource first = open(two);
        assertThat(SlotMapStoreTest.runtime(first).slotMapStore().read().version()).isEqualTo(1);
        try (Connection c = first.getConnection()) {
            run(c, ddl);
        }
        run(databases.reference(), ddl);
        try (Connection c = first.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO t_order VALUES (?, ?, ?)");
             PreparedStatement reference = databases.reference().prepareStatement(
                     "INSERT INTO t_order VALUES (?, ?, ?)")) {
            for (long id = 1; id <= 300; id++) {
                for (PreparedStatement target : List.of(insert, reference)) {
                    target.setLong(1, id);
                    target.setLong(2, id % 97);
                    target.setString(3, "n" + id);
                    target.executeUpdate();
                }
            }
        }
        first.close();
        run(databases.shards().get(2), ddl); // the new data source gets the table, as a migration would

        ShardingDataSource grown = open(config(3));
        assertThat(grown.shardNames()).containsExactly("ds0", "ds1");
        assertThat(SlotMapStoreTest.runtime(grown).slotMapStore().read().map()).isEqualTo(SlotMap.of(two));
        String all = "SELECT order_id, user_id, note FROM t_order ORDER BY order_id";
        try (Connection c = grown.getConnection()) {
            assertThat(rows(c, all)).isEqualTo(rows(databases.reference(), all));
            for (long user = 0; user < 97; user++) {
                String byUser = "SELECT order_id, note FROM t_order WHERE user_id = " + user + " ORDER BY order_id";
                assertThat(rows(c, byUser)).as("user %d", user).isEqualTo(rows(databases.reference(), byUser));
                assertThat(grown.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards())
                        .containsExactly("ds" + SlotMap.of(two).shardIndexOf(user));
            }
        }
        assertThat(rows(databases.shards().get(2), "SELECT COUNT(*) FROM t_order")).containsExactly(List.of("0"));
        grown.close();

        ShardingDataSource other = open(config(2)); // a second instance from the original file reads the same map
        assertThat(SlotMapStoreTest.runtime(other).topology().slotMap()).isEqualTo(SlotMap.of(two));
        assertThatThrownBy(() -> open(config(1))).isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("Data source ds1 is not in the configuration, but owns");
    }

    @Test
    void twoInstancesRouteByAPublishedVersionWithinTheBound() throws Exception {
        ShardConfig two = config(2);
        ShardConfig three = config(3);
        open(two).close(); // version 1: the two-way map
        ShardingDataSource one = open(three);
        ShardingDataSource other = open(three);
        long user = SlotMapStoreTest.userMovingTo(2, two, three);
        String sql = "SELECT * FROM t_order WHERE user_id = ?";
        SlotMapStore store = SlotMapStoreTest.runtime(one).slotMapStore();
        for (ShardingDataSource ds : List.of(one, other)) {
            assertThat(ds.explain(sql, user).shards()).containsExactly("ds" + SlotMap.of(two).shardIndexOf(user));
        }

        // What the reshard tool will do once the rows are copied: publish the map that gives ds2 its slots.
        assertThat(store.publish(1, SlotMap.of(three))).isEqualTo(2);
        for (ShardingDataSource ds : List.of(one, other)) {
            SlotMapStoreTest.awaitVersion(SlotMapStoreTest.runtime(ds), 2);
            assertThat(ds.explain(sql, user).shards()).containsExactly("ds2");
        }
        assertThat(store.publish(1, SlotMap.of(two))).as("compare-and-set on the version").isEqualTo(-1);
        try (ReshardCoordination coordination = ReshardCoordination.open(three)) {
            // Each instance heartbeats the version it routes by after it installed it, on its next poll at the latest.
            assertThat(coordination.awaitRouting(2, Duration.ofSeconds(60))).isTrue();
            assertThat(coordination.instances()).hasSize(2)
                    .allSatisfy(instance -> assertThat(instance.routingVersion()).isEqualTo(2));
        }
    }

    @Test
    void instancesStartingAtOnceAgreeOnOneStoredMap() throws Exception {
        ShardConfig two = config(2);
        ExecutorService starters = Executors.newFixedThreadPool(4);
        try {
            List<Future<ShardingDataSource>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<ShardingDataSource> start = () -> new ShardingDataSource(two);
                starts.add(starters.submit(start));
            }
            for (Future<ShardingDataSource> start : starts) {
                ShardingDataSource ds = start.get();
                opened.add(ds);
                assertThat(SlotMapStoreTest.runtime(ds).topology().version()).isEqualTo(1);
                assertThat(SlotMapStoreTest.runtime(ds).topology().slotMap()).isEqualTo(SlotMap.of(two));
            }
        } finally {
            starters.shutdownNow();
        }
        assertThat(rows(databases.shards().get(0), "SELECT COUNT(*) FROM shard_slot_map"))
                .containsExactly(List.of("1"));
    }

    @Test
    void aDamagedRowIsAClearError() throws SQLException {
        open(config(2)).close();
        run(databases.shards().get(0), "UPDATE shard_slot_map SET slot_map = LEFT(slot_map, 1000)");
        assertThatThrownBy(() -> open(config(2))).isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("table shard_slot_map on data source ds0 (version 1) is unusable");
    }
}
