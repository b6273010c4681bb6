package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.ShardStatus.Health;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ShardingDataSource's pool statistics and health probes: two H2 shards, or one and a server nobody runs. */
class ShardStatusTest {

    /** Far above any probe of a working H2 database, however busy the machine. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private final String prefix = "status_" + System.nanoTime();
    private ShardingDataSource dataSource;

    @AfterEach
    void close() throws SQLException {
        if (dataSource != null) {
            dataSource.close();
        }
        for (String shard : List.of("ds0", "ds1")) {
            try (Connection c = DriverManager.getConnection(url(shard) + ";IFEXISTS=TRUE", "sa", "");
                 Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                // Never opened: nothing to drop.
            }
        }
    }

    private String url(String shard) {
        return "jdbc:h2:mem:" + prefix + "_" + shard + ";DB_CLOSE_DELAY=-1";
    }

    private Map<String, String> h2(String shard, int maximumPoolSize) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("jdbcUrl", url(shard));
        properties.put("username", "sa");
        properties.put("password", "");
        properties.put("maximumPoolSize", Integer.toString(maximumPoolSize));
        return properties;
    }

    private ShardingDataSource start(Map<String, String> ds0, Map<String, String> ds1) {
        dataSource = new ShardingDataSource(ShardConfig.builder()
                .dataSource("ds0", ds0)
                .dataSource("ds1", ds1)
                .shardedTable("t_order", "user_id")
                .build());
        return dataSource;
    }

    /** Runs a statement on the default shard, ds0, so that the connection holds a physical one there. */
    private static void useDefaultShard(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    @Test
    void poolStatisticsCountABorrowedConnection() throws SQLException {
        ShardingDataSource ds = start(h2("ds0", 3), h2("ds1", 4));
        assertThat(ds.poolStatistics("ds0")).satisfies(pool -> {
            assertThat(pool.active()).isZero();
            assertThat(pool.threadsAwaiting()).isZero();
            assertThat(pool.maximumPoolSize()).isEqualTo(3);
        });
        assertThat(ds.poolStatistics("ds1").maximumPoolSize()).isEqualTo(4);

        try (Connection connection = ds.getConnection()) {
            useDefaultShard(connection);
            PoolStatistics during = ds.poolStatistics("ds0");
            assertThat(during.active()).isEqualTo(1);
            assertThat(during.total()).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(3);
            assertThat(ds.poolStatistics("ds1").active()).isZero();
        }
        assertThat(ds.poolStatistics("ds0").active()).isZero();
    }

    @Test
    void everyShardIsUpWhenEveryDatabaseAnswers() {
        ShardingDataSource ds = start(h2("ds0", 2), h2("ds1", 2));

        List<ShardStatus> statuses = ds.checkShards(GENEROUS);

        assertThat(statuses).extracting(ShardStatus::name).containsExactly("ds0", "ds1");
        assertThat(statuses).allSatisfy(status -> {
            assertThat(status.health()).isEqualTo(Health.UP);
            assertThat(status.error()).isNull();
            assertThat(status.pool().active()).as("the probe gave its connection back").isZero();
            assertThat(status.pool().total()).isGreaterThanOrEqualTo(1);
        });
        assertThat(ds.checkShard("ds1", GENEROUS).health()).isEqualTo(Health.UP);
    }

    @Test
    void aShardWithNoConnectionToSpareIsDownUntilOneIsReturned() throws SQLException {
        ShardingDataSource ds = start(h2("ds0", 1), h2("ds1", 1));
        Connection holder = ds.getConnection();
        useDefaultShard(holder); // takes ds0's only connection

        ShardStatus exhausted = ds.checkShard("ds0", Duration.ofMillis(200));
        assertThat(exhausted.health()).isEqualTo(Health.DOWN);
        assertThat(exhausted.error()).isEqualTo("no connection within 200 ms");
        assertThat(exhausted.pool().active()).isEqualTo(1);
        assertThat(ds.checkShard("ds1", GENEROUS).health()).isEqualTo(Health.UP);

        holder.close();
        // The probe still waiting in the pool gets the connection now; this check awaits it or starts a new one.
        assertThat(ds.checkShard("ds0", GENEROUS).health()).isEqualTo(Health.UP);
    }

    @Test
    void anUnreachableShardIsDownWithThePoolsReason() {
        Map<String, String> unreachable = new LinkedHashMap<>();
        unreachable.put("jdbcUrl", PoolConfigTest.UNREACHABLE_MYSQL);
        unreachable.put("username", "root");
        unreachable.put("password", PoolConfigTest.PASSWORD);
        unreachable.put("connectionTimeout", "250");
        unreachable.put("initializationFailTimeout", "-1"); // start without a connection, as after an outage
        ShardingDataSource ds = start(h2("ds0", 2), unreachable);

        List<ShardStatus> statuses = ds.checkShards(GENEROUS);

        assertThat(statuses.get(0).health()).isEqualTo(Health.UP);
        ShardStatus down = statuses.get(1);
        assertThat(down.name()).isEqualTo("ds1");
        assertThat(down.health()).isEqualTo(Health.DOWN);
        assertThat(down.error()).contains("Connection is not available").doesNotContain(PoolConfigTest.PASSWORD);
        assertThat(down.pool().active()).isZero();
    }

    @Test
    void unknownShardNamesAreRefusedNamingTheKnownOnes() {
        ShardingDataSource ds = start(h2("ds0", 1), h2("ds1", 1));

        assertThatThrownBy(() -> ds.poolStatistics("ds9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No data source named ds9; known: [ds0, ds1]");
        assertThatThrownBy(() -> ds.checkShard("ds9", GENEROUS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No data source named ds9; known: [ds0, ds1]");
        assertThatThrownBy(() -> ds.checkShard("ds0", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive, got PT0S");
    }

    @Test
    void aClosedDataSourceReportsEveryShardDown() {
        ShardingDataSource ds = start(h2("ds0", 1), h2("ds1", 1));
        ds.close();

        assertThat(ds.checkShards(GENEROUS)).allSatisfy(status -> {
            assertThat(status.health()).isEqualTo(Health.DOWN);
            assertThat(status.error()).isEqualTo("the ShardingDataSource is closed");
        });
    }

    @Test
    void aStatusIsDownExactlyWhenItHasAnError() {
        PoolStatistics pool = new PoolStatistics(0, 0, 0, 0, 1);
        assertThatThrownBy(() -> new ShardStatus("ds0", Health.DOWN, null, pool))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShardStatus("ds0", Health.UP, "broken", pool))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
