package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Starting the pools: bad HikariCP settings, pools that cannot start, no leaks, no passwords in errors. */
class PoolConfigTest {

    static final String PASSWORD = "s3cret-pw";
    /** Nothing listens on port 1: the connection is refused at once. */
    static final String UNREACHABLE_MYSQL = "jdbc:mysql://127.0.0.1:1/shard";

    private final String prefix = "poolconfig_" + System.nanoTime();
    private final List<String> databases = new ArrayList<>();

    /** An H2 database that outlives its connections, so that its sessions can be counted afterwards. */
    String h2Url(String name) {
        String database = prefix + "_" + name;
        databases.add(database);
        return "jdbc:h2:mem:" + database + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    @AfterEach
    void dropDatabases() throws SQLException {
        for (String database : databases) {
            try (Connection c = DriverManager.getConnection("jdbc:h2:mem:" + database + ";IFEXISTS=TRUE", "sa", "");
                 Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                // Never opened: nothing to drop.
            }
        }
    }

    static Map<String, String> h2(String url) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("jdbcUrl", url);
        properties.put("username", "sa");
        properties.put("password", "");
        properties.put("minimumIdle", "2");
        return properties;
    }

    /** A pool that fails at start, quickly: one attempt, the shortest wait HikariCP allows. */
    static Map<String, String> broken(String url) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("jdbcUrl", url);
        properties.put("username", "root");
        properties.put("password", PASSWORD);
        properties.put("connectionTimeout", "250");
        properties.put("initializationFailTimeout", "1");
        return properties;
    }

    static ShardConfigException startFailure(ShardConfig config) {
        Throwable thrown = catchThrowable(() -> new ShardingDataSource(config).close());
        assertThat(thrown).isInstanceOf(ShardConfigException.class);
        return (ShardConfigException) thrown;
    }

    /** Sessions open on an H2 database, counting the one that asks. */
    static int sessions(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE", "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static String everythingPrinted(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    static void assertNoPassword(Throwable e, ShardConfig config) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).as("message of %s", t.getClass().getName())
                    .doesNotContain(PASSWORD);
            assertThat(t.toString()).doesNotContain(PASSWORD);
        }
        assertThat(everythingPrinted(e)).as("printed stack trace").doesNotContain(PASSWORD);
        assertThat(config.toString()).doesNotContain(PASSWORD);
    }

    // ------------------------------------------------------------------ invalid settings

    @Test
    void anUnknownHikariPropertyNamesTheDataSourceAndTheProperty() {
        Map<String, String> ds1 = h2(h2Url("typo1"));
        ds1.put("maximumPoolSiz", "5");
        ShardConfig config = ShardConfig.builder()
                .dataSource("ds0", h2(h2Url("typo0")))
                .dataSource("ds1", ds1)
                .build();
        ShardConfigException e = startFailure(config);
        assertThat(e.getMessage()).contains("ds1").contains("maximumPoolSiz").doesNotContain("ds0");
    }

    @Test
    void anInvalidHikariValueNamesTheDataSource() {
        Map<String, String> ds0 = h2(h2Url("value0"));
        ds0.put("maximumPoolSize", "lots");
        ShardConfigException e = startFailure(ShardConfig.builder().dataSource("ds0", ds0).build());
        assertThat(e.getMessage()).contains("ds0").contains("maximumPoolSize");
    }

    // ------------------------------------------------------------------ pools that cannot start

    @Test
    void aPoolThatCannotStartNamesTheDataSourceButNotThePassword() {
        ShardConfig config = ShardConfig.builder().dataSource("ds0", broken(UNREACHABLE_MYSQL)).build();
        ShardConfigException e = startFailure(config);
        assertThat(e.getMessage()).contains("ds0").contains("127.0.0.1:1").contains("cannot start");
        assertNoPassword(e, config);
    }

    @Test
    void aPasswordInsideTheUrlStaysOutOfTheErrorAndItsCauses() {
        List<String> urls = List.of(
                UNREACHABLE_MYSQL + "?user=root&password=" + PASSWORD,
                "jdbc:mysql://root:" + PASSWORD + "@127.0.0.1:1/shard",
                // No driver for this one: HikariCP's own message quotes the URL.
                "jdbc:nosuchdb://root:" + PASSWORD + "@127.0.0.1:1/shard",
                "jdbc:nosuchdb://127.0.0.1:1/shard?password=" + PASSWORD);
        for (String url : urls) {
            ShardConfig config = ShardConfig.builder().dataSource("ds0", broken(url)).build();
            ShardConfigException e = startFailure(config);
            assertThat(e.getMessage()).as(url).contains("ds0");
            assertNoPassword(e, config);
        }
    }

    @Test
    void aPoolThatCannotStartClosesThePoolsStartedBeforeIt() throws SQLException {
        String ds0 = h2Url("started0");
        ShardConfig config = ShardConfig.builder()
                .dataSource("ds0", h2(ds0))
                .dataSource("ds1", broken(UNREACHABLE_MYSQL))
                .build();
        ShardConfigException e = startFailure(config);
        assertThat(e.getMessage()).contains("ds1");
        // IFEXISTS proves ds0's pool did open the database; only this check's own session may remain.
        assertThat(sessions(ds0)).as("sessions left on ds0's database").isEqualTo(1);
    }

    @Test
    void anInvalidSettingClosesThePoolsStartedBeforeIt() throws SQLException {
        String ds0 = h2Url("invalid0");
        Map<String, String> ds1 = h2(h2Url("invalid1"));
        ds1.put("maximumPoolSiz", "5");
        ShardConfigException e = startFailure(ShardConfig.builder()
                .dataSource("ds0", h2(ds0))
                .dataSource("ds1", ds1)
                .build());
        assertThat(e.getMessage()).contains("ds1");
        assertThat(sessions(ds0)).isEqualTo(1);
    }

    @Test
    void closingTheDataSourceClosesEveryPool() throws SQLException {
        String ds0 = h2Url("close0");
        String ds1 = h2Url("close1");
        try (ShardingDataSource ds = new ShardingDataSource(ShardConfig.builder()
                .dataSource("ds0", h2(ds0))
                .dataSource("ds1", h2(ds1))
                .build())) {
            assertThat(sessions(ds0)).as("the pool holds at least one connection").isGreaterThan(1);
            assertThat(ds.isClosed()).isFalse();
        }
        assertThat(sessions(ds0)).isEqualTo(1);
        assertThat(sessions(ds1)).isEqualTo(1);
    }

    @Test
    void aClosedDataSourceRefusesConnections() {
        ShardingDataSource ds = new ShardingDataSource(ShardConfig.builder()
                .dataSource("ds0", h2(h2Url("refuse0"))).build());
        ds.close();
        assertThat(ds.isClosed()).isTrue();
        assertThat(catchThrowable(ds::getConnection)).isInstanceOf(SQLException.class)
                .hasMessageContaining("closed");
    }
}
