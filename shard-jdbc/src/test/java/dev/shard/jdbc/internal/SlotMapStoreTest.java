package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The slot map in force is stored on the default data source (H2 here; {@code SlotMapStoreIT} on MariaDB): started
 * from, kept when the configuration grows, refused when it loses a data source that owns slots, followed by every
 * instance when a new version is published, and refused when damaged.
 */
class SlotMapStoreTest {

    private final String prefix = "slotmap_" + System.nanoTime();
    private final List<ShardingDataSource> opened = new ArrayList<>();

    private String url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    /** Data sources ds{first}..ds{last}; the default is the first. */
    private ShardConfig.Builder config(int first, int last) {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = first; i <= last; i++) {
            builder.dataSource("ds" + i, Map.of("jdbcUrl", url(i), "username", "sa", "password", ""));
        }
        return builder.shardedTable("t_order", "user_id").storeSlotMap(true).slotMapPollMillis(50);
    }

    private ShardingDataSource open(ShardConfig config) {
        ShardingDataSource ds = new ShardingDataSource(config);
        opened.add(ds);
        return ds;
    }

    static ShardRuntime runtime(ShardingDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return c.unwrap(LogicalConnection.class).runtime();
        }
    }

    private void onDs0(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(0), "sa", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @AfterEach
    void close() {
        opened.forEach(ShardingDataSource::close);
    }

    @Test
    void theFirstStartStoresTheConfiguredMapAsVersionOne() throws SQLException {
        ShardConfig config = config(0, 2).build();
        ShardRuntime runtime = runtime(open(config));
        SlotMapStore.Stored stored = runtime.slotMapStore().read();
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.map()).isEqualTo(SlotMap.of(config));
        assertThat(runtime.topology().version()).isEqualTo(1);
    }

    @Test
    void aDataSourceAddedToTheConfigurationOwnsNothingUntilAMapGivesItSlots() throws SQLException {
        ShardConfig before = config(0, 1).build();
        open(before).close();
        ShardingDataSource grown = open(config(0, 2).build());
        assertThat(grown.shardNames()).containsExactly("ds0", "ds1");
        for (long user = 1; user <= 200; user++) {
            String owner = "ds" + SlotMap.of(before).shardIndexOf(user);
            assertThat(grown.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards()).containsExactly(owner);
        }
    }

    @Test
    void aMissingDataSourceThatOwnsSlotsIsRefusedByName() {
        open(config(0, 2).build()).close();
        assertThatThrownBy(() -> open(config(0, 1).build())).isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("Data source ds2 is not in the configuration, but owns")
                .hasMessageContaining("table shard_slot_map on data source ds0");
    }

    @Test
    void aMissingDataSourceThatOwnsNoSlotsIsLeftOut() throws SQLException {
        ShardingDataSource first = open(config(0, 1).build());
        SlotMap withEmpty = SlotMap.pinned(List.of("ds0", "ds1", "ds9"), SlotMap.of(config(0, 1).build()).toRanges());
        assertThat(runtime(first).slotMapStore().publish(1, withEmpty)).isEqualTo(2);
        first.close();
        ShardingDataSource second = open(config(0, 1).build());
        assertThat(second.shardNames()).containsExactly("ds0", "ds1");
        assertThat(runtime(second).topology().version()).isEqualTo(2);
    }

    @Test
    void everyInstanceRoutesByAPublishedVersion() throws Exception {
        ShardConfig small = config(0, 1).build();
        ShardConfig grown = config(0, 2).build();
        ShardingDataSource one = open(small);
        ShardingDataSource two = open(grown);
        long user = userMovingTo(2, small, grown);
        String sql = "SELECT * FROM t_order WHERE user_id = ?";
        assertThat(two.explain(sql, user).shards()).containsExactly("ds" + SlotMap.of(small).shardIndexOf(user));

        SlotMapStore store = runtime(one).slotMapStore();
        assertThat(store.publish(0, SlotMap.of(grown))).as("a stale expected version changes nothing").isEqualTo(-1);
        assertThat(store.publish(1, SlotMap.of(grown))).isEqualTo(2);
        awaitVersion(runtime(two), 2);
        assertThat(two.explain(sql, user).shards()).containsExactly("ds2");
        assertThat(two.shardNames()).containsExactly("ds0", "ds1", "ds2");
        // ds2 is not in the first instance's configuration: it sees version 2, keeps version 1 and logs why.
        runtime(one).follower().poll();
        assertThat(runtime(one).topology().version()).isEqualTo(1);
        assertThat(one.explain(sql, user).shards()).containsExactly("ds" + SlotMap.of(small).shardIndexOf(user));
    }

    @Test
    void concurrentFirstStartsAgreeOnOneStoredMap() throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(4);
        try {
            List<Future<ShardingDataSource>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ShardConfig config = config(0, 2).build(); // the same file on every instance
                Callable<ShardingDataSource> start = () -> new ShardingDataSource(config);
                starts.add(starters.submit(start));
            }
            List<SlotMap> maps = new ArrayList<>();
            for (Future<ShardingDataSource> start : starts) {
                ShardingDataSource ds = start.get();
                opened.add(ds);
                maps.add(runtime(ds).topology().slotMap());
                assertThat(runtime(ds).topology().version()).isEqualTo(1);
            }
            assertThat(maps).allSatisfy(map -> assertThat(map).isEqualTo(maps.get(0)));
        } finally {
            starters.shutdownNow();
        }
        try (Connection c = DriverManager.getConnection(url(0), "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shard_slot_map")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void aDamagedRowIsRefusedAtStart() throws SQLException {
        open(config(0, 1).build()).close();
        onDs0("UPDATE shard_slot_map SET slot_map = CONCAT('slotmap/1 00000000 ', SUBSTRING(slot_map, 20))");
        assertThatThrownBy(() -> open(config(0, 1).build())).isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("table shard_slot_map on data source ds0 (version 1) is unusable")
                .hasMessageContaining("fails its checksum");
    }

    @Test
    void aFailedPollIsLoggedAndTheMapInForceStays() throws SQLException {
        ShardingDataSource ds = open(config(0, 1).build());
        ShardRuntime runtime = runtime(ds);
        onDs0("DROP TABLE shard_slot_map");
        runtime.follower().poll(); // logs, does not throw
        assertThat(runtime.topology().version()).isEqualTo(1);
        onDs0("CREATE TABLE shard_slot_map (id INT NOT NULL PRIMARY KEY, map_version BIGINT NOT NULL,"
                + " slot_map LONGTEXT NOT NULL)");
        runtime.follower().poll(); // no row: logged too
        assertThat(runtime.topology().version()).isEqualTo(1);
        assertThat(ds.explain("SELECT * FROM t_order WHERE user_id = 1").shards()).hasSize(1);
    }

    @Test
    void withoutTheStoreNoTableIsMadeAndTheConfigurationDecides() throws SQLException {
        ShardingDataSource ds = open(config(0, 1).storeSlotMap(false).build());
        assertThat(runtime(ds).slotMapStore()).isNull();
        try (Connection c = DriverManager.getConnection(url(0), "sa", "");
             ResultSet rs = c.getMetaData().getTables(null, null, "shard_slot_map", null)) {
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void theStoreMayLiveOnANamedDataSource() throws SQLException {
        ShardingDataSource ds = open(config(0, 1).metadataDataSource("ds1").build());
        assertThat(runtime(ds).slotMapStore().location()).isEqualTo("table shard_slot_map on data source ds1");
    }

    static long userMovingTo(int shard, ShardConfig before, ShardConfig after) {
        for (long user = 1; ; user++) {
            if (SlotMap.of(after).shardIndexOf(user) == shard) {
                assertThat(SlotMap.of(before).shardIndexOf(user)).isNotEqualTo(shard);
                return user;
            }
        }
    }

    /** Waits, within a generous bound and without sleeping a fixed time, until the runtime routes by a version. */
    static void awaitVersion(ShardRuntime runtime, long version) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (runtime.topology().version() != version) {
            assertThat(System.nanoTime() - deadline).as("version %d within 60 s", version).isNegative();
            Thread.sleep(10);
        }
    }
}
