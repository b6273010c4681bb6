package dev.shard.jdbc.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.testcontainers.mysql.MySQLContainer;

/**
 * The MySQL-family server integration tests run against, chosen as {@link PickedServer} says:
 * <ol>
 *   <li>the {@code SHARD_TEST_MYSQL_URL} environment variable (a server URL without a database, e.g.
 *       {@code jdbc:mysql://db:3306}; credentials from {@code SHARD_TEST_MYSQL_USER} and
 *       {@code SHARD_TEST_MYSQL_PASSWORD}, default root and empty);</li>
 *   <li>a local server at 127.0.0.1:3306 (user root, empty password);</li>
 *   <li>a Testcontainers MySQL container, when Docker is available.</li>
 * </ol>
 * With none of them, a test is skipped with the reason, except under {@code CI=true}, where it fails.
 */
public final class MySqlServer extends PickedServer {

    // connectTimeout is in milliseconds for Connector/J.
    private static final Kind KIND = new Kind("MySQL-family", "SHARD_TEST_MYSQL", "jdbc:mysql://127.0.0.1:3306",
            "root", "/", "2000", MySqlServer::startContainer);
    private static final Picker<MySqlServer> PICKER = new Picker<>(KIND, MySqlServer::new);

    private MySqlServer(Choice choice) {
        super(choice, KIND);
    }

    /** The server, or the test is skipped (failed under CI=true) with the reason none could be found. */
    public static MySqlServer require() {
        return PICKER.require();
    }

    /**
     * Whether a Docker engine is available for tests that need MySQL servers of their own (replication), which
     * only Testcontainers can give them.
     */
    public static boolean dockerAvailable() {
        return PickedServer.dockerAvailable();
    }

    private static Choice startContainer() {
        MySQLContainer container = new MySQLContainer("mysql:8.4");
        container.start();
        return new Choice("jdbc:mysql://" + container.getHost() + ":" + container.getMappedPort(3306), "root",
                container.getPassword(), "Testcontainers " + container.getDockerImageName());
    }

    @Override
    public String jdbcUrl(String database) {
        return baseUrl() + "/" + database + "?useSSL=false&allowPublicKeyRetrieval=true&rewriteBatchedStatements=true";
    }

    @Override
    public void recreateDatabase(String name) throws SQLException {
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
        }
    }

    @Override
    public void dropDatabase(String name) throws SQLException {
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
        }
    }
}
