package dev.shard.jdbc.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.testcontainers.mysql.MySQLContainer;

/**
 * The MySQL-family server integration tests run against, chosen in this order:
 * <ol>
 *   <li>the {@code SHARD_TEST_MYSQL_URL} environment variable (a server URL without a database, e.g.
 *       {@code jdbc:mysql://db:3306}; credentials from {@code SHARD_TEST_MYSQL_USER} and
 *       {@code SHARD_TEST_MYSQL_PASSWORD}, default root and empty);</li>
 *   <li>a local server at 127.0.0.1:3306 (user root, empty password);</li>
 *   <li>a Testcontainers MySQL container, when Docker is available.</li>
 * </ol>
 * With none of them, a test is skipped with the reason, except under {@code CI=true}, where it fails.
 */
public final class MySqlServer implements TestServer {

    private static final String LOCAL_URL = "jdbc:mysql://127.0.0.1:3306";
    private static MySqlServer instance;
    private static String unavailableReason;

    private final String baseUrl;
    private final String user;
    private final String password;
    private final String origin;

    private MySqlServer(String baseUrl, String user, String password, String origin) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
        this.origin = origin;
    }

    /** The server, or the test is skipped (failed under CI=true) with the reason none could be found. */
    public static synchronized MySqlServer require() {
        if (instance == null && unavailableReason == null) {
            instance = find();
        }
        if (instance == null) {
            TestServer.unavailable("No MySQL-family server for integration tests: " + unavailableReason);
        }
        return instance;
    }

    private static MySqlServer find() {
        StringBuilder reasons = new StringBuilder();
        String envUrl = System.getenv("SHARD_TEST_MYSQL_URL");
        if (envUrl != null && !envUrl.isBlank()) {
            String user = TestServer.envOr("SHARD_TEST_MYSQL_USER", "root");
            String password = TestServer.envOr("SHARD_TEST_MYSQL_PASSWORD", "");
            String problem = probe(envUrl, user, password);
            if (problem == null) {
                return new MySqlServer(stripSlash(envUrl), user, password, "SHARD_TEST_MYSQL_URL");
            }
            // An explicit choice that does not work is an error, not a reason to quietly use another server.
            unavailableReason = "SHARD_TEST_MYSQL_URL=" + envUrl + " is not reachable: " + problem;
            return null;
        }
        String localProblem = probe(LOCAL_URL, "root", "");
        if (localProblem == null) {
            return new MySqlServer(LOCAL_URL, "root", "", "local server at 127.0.0.1:3306");
        }
        reasons.append("no SHARD_TEST_MYSQL_URL; local server at 127.0.0.1:3306: ").append(localProblem);
        if (!TestServer.dockerAvailable()) {
            reasons.append("; Testcontainers: no Docker engine");
            unavailableReason = reasons.toString();
            return null;
        }
        try {
            MySQLContainer container = new MySQLContainer("mysql:8.4");
            container.start();
            return new MySqlServer("jdbc:mysql://" + container.getHost() + ":" + container.getMappedPort(3306),
                    "root", container.getPassword(), "Testcontainers " + container.getDockerImageName());
        } catch (RuntimeException e) {
            reasons.append("; Testcontainers: ").append(e.getMessage());
            unavailableReason = reasons.toString();
            return null;
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String probe(String url, String user, String password) {
        Properties properties = credentials(user, password);
        properties.setProperty("connectTimeout", "2000");
        try (Connection ignored = DriverManager.getConnection(url + "/", properties)) {
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static Properties credentials(String user, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return properties;
    }

    @Override
    public String jdbcUrl(String database) {
        return baseUrl + "/" + database + "?useSSL=false&allowPublicKeyRetrieval=true&rewriteBatchedStatements=true";
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    public String origin() {
        return origin;
    }

    @Override
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), credentials(user, password));
    }

    @Override
    public void recreateDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl + "/", credentials(user, password));
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
        }
    }

    @Override
    public void dropDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl + "/", credentials(user, password));
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
        }
    }
}
