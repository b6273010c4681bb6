package dev.shard.jdbc.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The PostgreSQL server integration tests run against, chosen as {@link PickedServer} says:
 * <ol>
 *   <li>the {@code SHARD_TEST_POSTGRES_URL} environment variable (a server URL without a database, e.g.
 *       {@code jdbc:postgresql://db:5432}; credentials from {@code SHARD_TEST_POSTGRES_USER} and
 *       {@code SHARD_TEST_POSTGRES_PASSWORD}, default postgres and empty);</li>
 *   <li>a local server at 127.0.0.1:5432 (user postgres, trust authentication);</li>
 *   <li>a Testcontainers {@code postgres:15} container, when Docker is available.</li>
 * </ol>
 * With none of them, a test is skipped with the reason, except under {@code CI=true}, where it fails.
 */
public final class PostgresServer extends PickedServer {

    private static final Kind KIND = new Kind("PostgreSQL", "SHARD_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432",
            "postgres", "/postgres", "2", PostgresServer::startContainer);
    private static final Picker<PostgresServer> PICKER = new Picker<>(KIND, PostgresServer::new);

    private PostgresServer(Choice choice) {
        super(choice, KIND);
    }

    /** The server, or the test is skipped (failed under CI=true) with the reason none could be found. */
    public static PostgresServer require() {
        return PICKER.require();
    }

    private static Choice startContainer() {
        GenericContainer<?> container = new GenericContainer<>("postgres:15")
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                .withExposedPorts(5432)
                // The image's entrypoint restarts the server once after initialising: ready is the second line.
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\n", 2)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        container.start();
        return new Choice("jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(5432),
                "postgres", "", "Testcontainers postgres:15");
    }

    @Override
    public String jdbcUrl(String database) {
        return baseUrl() + "/" + database;
    }

    /** With the server's default collation (template0, UTF8). */
    @Override
    public void recreateDatabase(String name) throws SQLException {
        dropDatabase(name);
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\" TEMPLATE template0 ENCODING 'UTF8'");
        }
    }

    @Override
    public void dropDatabase(String name) throws SQLException {
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        }
    }
}
