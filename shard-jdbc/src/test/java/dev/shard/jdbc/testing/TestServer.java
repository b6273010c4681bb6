package dev.shard.jdbc.testing;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * A database server integration tests create their databases on ({@link MySqlServer}, {@link PostgresServer}),
 * and what both choose their server by.
 */
public interface TestServer {

    /** URL of one database on this server, with the options the tests want. */
    String jdbcUrl(String database);

    String user();

    String password();

    Connection connect(String database) throws SQLException;

    /** Drops the database if it exists and creates it empty, with the server's test collation. */
    void recreateDatabase(String name) throws SQLException;

    void dropDatabase(String name) throws SQLException;

    /** Skips the test with the reason no server could be found; fails it instead under {@code CI=true}. */
    static void unavailable(String message) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: integration tests may not skip)");
        }
        Assumptions.abort(message);
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
