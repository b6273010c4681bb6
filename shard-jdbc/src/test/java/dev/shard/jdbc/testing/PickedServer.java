package dev.shard.jdbc.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * What {@link MySqlServer} and {@link PostgresServer} share: how the server is chosen, and connecting to it with the
 * chosen credentials. The server is chosen once per JVM ({@link Picker}), in this order:
 * <ol>
 *   <li>the {@code <PREFIX>_URL} environment variable (a server URL without a database), with credentials from
 *       {@code <PREFIX>_USER} and {@code <PREFIX>_PASSWORD} (default the kind's local user and empty);</li>
 *   <li>the kind's local server, as its local user with an empty password;</li>
 *   <li>a Testcontainers container of the kind, when Docker is available.</li>
 * </ol>
 * With none of them, a test is skipped with the reasons, except under {@code CI=true}, where it fails.
 */
abstract class PickedServer implements TestServer {

    /**
     * What one kind of server does its own way.
     *
     * @param family         how messages name the kind: "No {family} server for integration tests"
     * @param envPrefix      the environment variables' common prefix, e.g. {@code SHARD_TEST_MYSQL}
     * @param localUrl       the local server's URL without a database
     * @param localUser      the local server's user, also the default of {@code <PREFIX>_USER}
     * @param adminPath      what follows the server URL for a connection that is not to a test database
     * @param connectTimeout the driver's {@code connectTimeout} for probing, in the driver's unit (about 2 s)
     * @param container      starts a container and says how to reach it; throws a RuntimeException if it cannot
     */
    record Kind(String family, String envPrefix, String localUrl, String localUser, String adminPath,
                String connectTimeout, Supplier<Choice> container) {
    }

    /** A chosen server: its URL without a database, the credentials, and where it came from. */
    record Choice(String baseUrl, String user, String password, String origin) {
    }

    /** Chooses a kind's server on first use and keeps it (or the reasons none was found) for the JVM's lifetime. */
    static final class Picker<S extends PickedServer> {

        private final Kind kind;
        private final Function<Choice, S> server;
        private S chosen;
        private String unavailableReason;

        Picker(Kind kind, Function<Choice, S> server) {
            this.kind = kind;
            this.server = server;
        }

        /** The server, or the test is skipped (failed under CI=true) with the reason none could be found. */
        synchronized S require() {
            if (chosen == null && unavailableReason == null) {
                Choice choice = find();
                chosen = choice == null ? null : server.apply(choice);
            }
            if (chosen == null) {
                unavailable("No " + kind.family() + " server for integration tests: " + unavailableReason);
            }
            return chosen;
        }

        private Choice find() {
            String urlVariable = kind.envPrefix() + "_URL";
            String envUrl = System.getenv(urlVariable);
            if (envUrl != null && !envUrl.isBlank()) {
                String user = envOr(kind.envPrefix() + "_USER", kind.localUser());
                String password = envOr(kind.envPrefix() + "_PASSWORD", "");
                String base = envUrl.endsWith("/") ? envUrl.substring(0, envUrl.length() - 1) : envUrl;
                String problem = probe(base, user, password);
                if (problem == null) {
                    return new Choice(base, user, password, urlVariable);
                }
                // An explicit choice that does not work is an error, not a reason to quietly use another server.
                unavailableReason = urlVariable + "=" + envUrl + " is not reachable: " + problem;
                return null;
            }
            String local = "local server at " + kind.localUrl().substring(kind.localUrl().indexOf("//") + 2);
            String localProblem = probe(kind.localUrl(), kind.localUser(), "");
            if (localProblem == null) {
                return new Choice(kind.localUrl(), kind.localUser(), "", local);
            }
            String reasons = "no " + urlVariable + "; " + local + ": " + localProblem;
            if (!dockerAvailable()) {
                unavailableReason = reasons + "; Testcontainers: no Docker engine";
                return null;
            }
            try {
                return kind.container().get();
            } catch (RuntimeException e) {
                unavailableReason = reasons + "; Testcontainers: " + e.getMessage();
                return null;
            }
        }

        /** Null when the server answers, else why it does not. */
        private String probe(String baseUrl, String user, String password) {
            Properties properties = credentials(user, password);
            properties.setProperty("connectTimeout", kind.connectTimeout());
            try (Connection ignored = DriverManager.getConnection(baseUrl + kind.adminPath(), properties)) {
                return null;
            } catch (SQLException e) {
                return e.getMessage();
            }
        }
    }

    /** Skips the test with the reason no server could be found; fails it instead under {@code CI=true}. */
    private static void unavailable(String message) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: integration tests may not skip)");
        }
        Assumptions.abort(message);
    }

    /** Whether Testcontainers finds a Docker engine (false on the project's machines). */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private final Choice choice;
    private final String adminPath;

    PickedServer(Choice choice, Kind kind) {
        this.choice = choice;
        this.adminPath = kind.adminPath();
    }

    /** The server's URL without a database. */
    final String baseUrl() {
        return choice.baseUrl();
    }

    @Override
    public final String user() {
        return choice.user();
    }

    @Override
    public final String password() {
        return choice.password();
    }

    /** Where the server came from: the environment variable, the local server or the container. */
    public final String origin() {
        return choice.origin();
    }

    @Override
    public final Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), credentials(user(), password()));
    }

    /** A connection to the server that is not to a test database, for creating and dropping them. */
    final Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(baseUrl() + adminPath, credentials(user(), password()));
    }

    private static Properties credentials(String user, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return properties;
    }
}
