package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.shard.core.config.ShardConfigException;
import dev.shard.jdbc.internal.LogicalConnection;
import dev.shard.jdbc.internal.ShardRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code jdbc:shard:} driver: registration, URL handling, one data source per configuration, errors. */
class ShardDriverTest {

    @TempDir
    Path dir;

    private final String prefix = "driver_" + System.nanoTime();

    @AfterEach
    void closeAll() {
        ShardDriver.closeAll();
    }

    /** A two-shard configuration over H2 databases unique to this test; they vanish when the pools close. */
    Path writeConfig(String name, String extra) throws IOException {
        String yaml = "dataSources:\n"
                + "  ds0: { jdbcUrl: \"jdbc:h2:mem:" + prefix + "_" + name + "0;MODE=MySQL;DATABASE_TO_LOWER=TRUE\","
                + " username: sa, password: \"\"" + extra + " }\n"
                + "  ds1: { jdbcUrl: \"jdbc:h2:mem:" + prefix + "_" + name + "1;MODE=MySQL;DATABASE_TO_LOWER=TRUE\","
                + " username: sa, password: \"\" }\n"
                + "tables:\n"
                + "  t_order: { shardingColumn: user_id }\n";
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    static ShardRuntime runtimeOf(Connection c) throws SQLException {
        return c.unwrap(LogicalConnection.class).runtime();
    }

    // ------------------------------------------------------------------ registration and URLs

    @Test
    void isRegisteredThroughServiceLoaderAndOnceWithDriverManager() throws Exception {
        List<String> declared = new ArrayList<>();
        for (URL resource : Collections.list(
                getClass().getClassLoader().getResources("META-INF/services/java.sql.Driver"))) {
            try (InputStream in = resource.openStream()) {
                declared.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                        .toList());
            }
        }
        assertThat(declared).contains(ShardDriver.class.getName());
        Module module = ShardDriver.class.getModule();
        if (module.isNamed()) {
            // On the module path the descriptor's `provides` registers it (and ServiceLoader.load here, inside the
            // module, would need a `uses` clause that the driver itself has no use for).
            assertThat(module.getDescriptor().provides()).anySatisfy(provides -> {
                assertThat(provides.service()).isEqualTo(Driver.class.getName());
                assertThat(provides.providers()).containsExactly(ShardDriver.class.getName());
            });
        } else {
            assertThat(ServiceLoader.load(Driver.class).stream().map(ServiceLoader.Provider::type))
                    .contains(ShardDriver.class);
        }

        assertThat(DriverManager.getDriver("jdbc:shard:file:/any/shard.yaml")).isInstanceOf(ShardDriver.class);
        long registered = Collections.list(DriverManager.getDrivers()).stream()
                .filter(d -> d instanceof ShardDriver).count();
        assertThat(registered).as("ShardDriver instances registered with DriverManager").isEqualTo(1);
    }

    @Test
    void acceptsOnlyShardUrlsAndLeavesOthersToOtherDrivers() throws SQLException {
        ShardDriver driver = new ShardDriver();
        assertThat(driver.acceptsURL("jdbc:shard:file:/etc/shard.yaml")).isTrue();
        assertThat(driver.acceptsURL("jdbc:shard:classpath:shard.yaml")).isTrue();
        assertThat(driver.acceptsURL("jdbc:mysql://127.0.0.1:3306/db")).isFalse();
        assertThat(driver.acceptsURL("jdbc:h2:mem:x")).isFalse();
        assertThat(driver.acceptsURL("shard:file:/etc/shard.yaml")).isFalse();
        assertThat(driver.acceptsURL(null)).isFalse();

        assertThat(driver.connect("jdbc:mysql://127.0.0.1:3306/db", new Properties())).isNull();
        assertThat(driver.connect("jdbc:h2:mem:x", null)).isNull();
        assertThat(driver.connect(null, new Properties())).isNull();
        assertThat(ShardDriver.openDataSources()).isZero();
    }

    @Test
    void connectsThroughAFileUrl() throws Exception {
        String url = "jdbc:shard:file:" + writeConfig("file", "");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertThat(c).isInstanceOf(LogicalConnection.class);
            s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
            assertThat(s.executeUpdate("INSERT INTO t_order (order_id, user_id) VALUES (1, 10)")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT order_id FROM t_order WHERE user_id = 10")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            assertThat(runtimeOf(c).shardNames()).containsExactly("ds0", "ds1");
        }
    }

    @Test
    void connectsThroughAClasspathUrl() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:shard:classpath:driver/shard.yaml");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_region (region_id INT PRIMARY KEY, name VARCHAR(20))");
            assertThat(s.executeUpdate("INSERT INTO t_region (region_id, name) VALUES (1, 'north')")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT name FROM t_region WHERE region_id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("north");
            }
            assertThat(runtimeOf(c).config().broadcastTables()).containsExactly("t_region");
        }
        // The broadcast write reached both shards' databases.
        for (int shard = 0; shard < 2; shard++) {
            try (Connection c = DriverManager.getConnection(
                    "jdbc:h2:mem:shard_driver_cp" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE",
                    "sa", "");
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_region")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    // ------------------------------------------------------------------ one data source per configuration

    @Test
    void connectionsWithTheSameUrlShareOneDataSource() throws Exception {
        String url = "jdbc:shard:file:" + writeConfig("shared", "");
        try (Connection first = DriverManager.getConnection(url);
             Connection second = DriverManager.getConnection(url)) {
            assertThat(first).isNotSameAs(second);
            ShardRuntime runtime = runtimeOf(first);
            assertThat(runtimeOf(second)).isSameAs(runtime);
            assertThat(ShardDriver.openDataSources()).as("data sources (sets of pools) opened").isEqualTo(1);

            try (Statement s = first.createStatement()) {
                s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
            }
            try (PreparedStatement ps = second.prepareStatement(
                    "INSERT INTO t_order (order_id, user_id) VALUES (?, ?)")) {
                ps.setLong(1, 7);
                ps.setLong(2, 70);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (Statement s = first.createStatement();
                 ResultSet rs = s.executeQuery("SELECT order_id FROM t_order WHERE user_id = 70")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(7);
            }
            // Both logical connections borrowed from the same pool of the shard user 70 lives on.
            String shard = runtime.explain("SELECT 1 FROM t_order WHERE user_id = ?", 70).shards().get(0);
            assertThat(runtime.pool(shard).getHikariPoolMXBean().getActiveConnections()).isEqualTo(2);
        }
    }

    @Test
    void anotherSpellingOfTheSameConfigurationSharesItsDataSourceToo() throws Exception {
        try (Connection first = DriverManager.getConnection("jdbc:shard:classpath:driver/shard.yaml");
             Connection second = DriverManager.getConnection("jdbc:shard:classpath:/driver/shard.yaml")) {
            assertThat(runtimeOf(second)).isSameAs(runtimeOf(first));
            assertThat(ShardDriver.openDataSources()).isEqualTo(1);
        }
    }

    @Test
    void differentConfigurationsGetTheirOwnDataSources() throws Exception {
        try (Connection first = DriverManager.getConnection("jdbc:shard:file:" + writeConfig("one", ""));
             Connection second = DriverManager.getConnection("jdbc:shard:file:" + writeConfig("two", ""))) {
            assertThat(runtimeOf(second)).isNotSameAs(runtimeOf(first));
            assertThat(ShardDriver.openDataSources()).isEqualTo(2);
        }
    }

    @Test
    void closeAllClosesThePoolsAndTheNextConnectionStartsNewOnes() throws Exception {
        String url = "jdbc:shard:file:" + writeConfig("reopen", "");
        ShardRuntime before;
        try (Connection c = DriverManager.getConnection(url)) {
            before = runtimeOf(c);
        }
        ShardDriver.closeAll();
        assertThat(before.isClosed()).isTrue();
        assertThat(ShardDriver.openDataSources()).isZero();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertThat(runtimeOf(c)).isNotSameAs(before);
            assertThat(runtimeOf(c).isClosed()).isFalse();
            s.execute("CREATE TABLE t_audit (audit_id BIGINT PRIMARY KEY)");
        }
    }

    // ------------------------------------------------------------------ errors

    /** Connects and returns what was thrown; fails if anything but an SQLException escapes. */
    static SQLException connectFailure(String url) {
        Throwable thrown = catchThrowable(() -> DriverManager.getConnection(url).close());
        assertThat(thrown).as("thrown by getConnection(%s)", url).isInstanceOf(SQLException.class);
        return (SQLException) thrown;
    }

    @Test
    void aMissingFileIsAnSqlExceptionNamingIt() {
        Path missing = dir.resolve("nowhere/shard.yaml");
        SQLException e = connectFailure("jdbc:shard:file:" + missing);
        assertThat(e.getMessage()).contains(missing.toString()).contains("not found");
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getCause()).isInstanceOf(ShardConfigException.class);
    }

    @Test
    void aMissingClasspathResourceIsAnSqlExceptionNamingIt() {
        SQLException e = connectFailure("jdbc:shard:classpath:driver/no-such.yaml");
        assertThat(e.getMessage()).contains("driver/no-such.yaml").contains("not found");
    }

    @Test
    void anUnknownKeyIsAnSqlExceptionNamingTheKeyAndTheFile() throws IOException {
        Path file = writeConfig("typo", "");
        Files.writeString(file, Files.readString(file).replace("tables:", "tabels:"));
        SQLException e = connectFailure("jdbc:shard:file:" + file);
        assertThat(e.getMessage()).contains(file.toString()).contains("tabels");
        assertThat(ShardDriver.openDataSources()).isZero();
    }

    @Test
    void anUnknownPoolPropertyIsAnSqlExceptionNamingTheDataSourceAndProperty() throws IOException {
        Path file = writeConfig("pool", ", maximumPoolSiz: 3");
        SQLException e = connectFailure("jdbc:shard:file:" + file);
        assertThat(e.getMessage()).contains("ds0").contains("maximumPoolSiz");
        assertThat(ShardDriver.openDataSources()).isZero();
    }

    @Test
    void aLocationThatIsNeitherFileNorClasspathIsAnSqlException() {
        SQLException e = connectFailure("jdbc:shard:http://example.com/shard.yaml");
        assertThat(e.getMessage()).contains("jdbc:shard:file:").contains("jdbc:shard:classpath:");
    }

    @Test
    void anImpossiblePathIsAnSqlExceptionNotARuntimeException() {
        SQLException e = connectFailure("jdbc:shard:file:bad\u0000name.yaml");
        assertThat(e.getMessage()).contains("bad");
    }

    @Test
    void anEmptyLocationIsAnSqlExceptionThatShowsTheExpectedForm() {
        for (String url : List.of("jdbc:shard:file:", "jdbc:shard:file: ", "jdbc:shard:classpath:",
                "jdbc:shard:classpath:/", "jdbc:shard:")) {
            assertThat(connectFailure(url).getMessage()).as(url).contains("jdbc:shard:file:<path>");
        }
    }

    @Test
    void aFailedConnectDoesNotSpoilTheNextOne() throws Exception {
        Path file = dir.resolve("late.yaml");
        String url = "jdbc:shard:file:" + file;
        connectFailure(url);
        Files.copy(writeConfig("late-source", ""), file);
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(c.isValid(1)).isTrue();
        }
    }
}
