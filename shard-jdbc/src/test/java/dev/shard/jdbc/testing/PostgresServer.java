package dev.shard.jdbc.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The PostgreSQL server integration tests run against, chosen as {@link MySqlServer} chooses its server:
 * <ol>
 *   <li>the {@code SHARD_TEST_POSTGRES_URL} environment variable (a server URL without a database, e.g.
 *       {@code jdbc:postgresql://db:5432}; credentials from {@code SHARD_TEST_POSTGRES_USER} and
 *       {@code SHARD_TEST_POSTGRES_PASSWORD}, default postgres and empty);</li>
 *   <li>a local server at 127.0.0.1:5432 (user postgres, trust authentication);</li>
 *   <li>a Testcontainers {@code postgres:15} container, when Docker is available.</li>
 * </ol>
 * With none of them, a test is skipped with the reason, except under {@code CI=true}, where it fails.
 */
public final class PostgresServer implements TestServer {

    private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432";
    private static PostgresServer instance;
    private static String unavailableReason;

    private final String baseUrl;
    private final String user;
    private final String password;
    private final String origin;

    private PostgresServer(String baseUrl, String user, String password, String origin) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
        this.origin = origin;
    }

    /** The server, or the test is skipped (failed under CI=true) with the reason none could be found. */
    public static synchronized PostgresServer require() {
        if (instance == null && unavailableReason == null) {
            instance = find();
        }
        if (instance == null) {
            TestServer.unavailable("No PostgreSQL server for integration tests: " + unavailableReason);
        }
        return instance;
    }

    private static PostgresServer find() {
        String envUrl = System.getenv("SHARD_TEST_POSTGRES_URL");
        if (envUrl != null && !envUrl.isBlank()) {
            String user = TestServer.envOr("SHARD_TEST_POSTGRES_USER", "postgres");
            String password = TestServer.envOr("SHARD_TEST_POSTGRES_PASSWORD", "");
            String base = envUrl.endsWith("/") ? envUrl.substring(0, envUrl.length() - 1) : envUrl;
            String problem = probe(base, user, password);
            if (problem == null) {
                return new PostgresServer(base, user, password, "SHARD_TEST_POSTGRES_URL");
            }
            // An explicit choice that does not work is an error, not a reason to quietly use another server.
            unavailableReason = "SHARD_TEST_POSTGRES_URL=" + envUrl + " is not reachable: " + problem;
            return null;
        }
        String localProblem = probe(LOCAL_URL, "postgres", "");
        if (localProblem == null) {
            return new PostgresServer(LOCAL_URL, "postgres", "", "local server at 127.0.0.1:5432");
        }
        StringBuilder reasons = new StringBuilder("no SHARD_TEST_POSTGRES_URL; local server at 127.0.0.1:5432: ")
                .append(localProblem);
        if (!TestServer.dockerAvailable()) {
            unavailableReason = reasons.append("; Testcontainers: no Docker engine").toString();
            return null;
        }
        try {
            GenericContainer<?> container = new GenericContainer<>("postgres:15")
                    .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                    .withExposedPorts(5432)
                    // The image's entrypoint restarts the server once after initialising: ready is the second line.
                    .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\n", 2)
                            .withStartupTimeout(Duration.ofMinutes(3)));
            container.start();
            return new PostgresServer("jdbc:postgresql://" + container.getHost() + ":"
                    + container.getMappedPort(5432), "postgres", "", "Testcontainers postgres:15");
        } catch (RuntimeException e) {
            unavailableReason = reasons.append("; Testcontainers: ").append(e.getMessage()).toString();
            return null;
        }
    }

    private static String probe(String baseUrl, String user, String password) {
        Properties properties = credentials(user, password);
        properties.setProperty("connectTimeout", "2");
        try (Connection ignored = DriverManager.getConnection(baseUrl + "/postgres", properties)) {
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
        return baseUrl + "/" + database;
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

    /** With the server's default collation (template0, UTF8). */
    @Override
    public void recreateDatabase(String name) throws SQLException {
        dropDatabase(name);
        try (Connection c = DriverManager.getConnection(baseUrl + "/postgres", credentials(user, password));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\" TEMPLATE template0 ENCODING 'UTF8'");
        }
    }

    @Override
    public void dropDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl + "/postgres", credentials(user, password));
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        }
    }
}
