package dev.shard.jdbc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL 15 cluster of the test's own, in a separate {@code postgres} process, with the settings the
 * machine's shared server lacks ({@code wal_level = logical} for logical decoding, by default).
 *
 * <p>{@code initdb} makes a fresh data directory under {@code target/} (user {@code postgres}, trust authentication
 * over TCP, replication connections included); the server listens on 127.0.0.1 on a free port, with its unix socket
 * in its own directory. PostgreSQL refuses to run as root: when the test runs as root, the cluster runs as the
 * operating system's {@code postgres} user (through {@code runuser}), in a directory that user owns.
 * {@link #start} returns once the server answers a query; {@link #close} stops it ({@code pg_ctl stop -m immediate})
 * and deletes its directory.
 *
 * <p>Without the server binaries ({@code /usr/lib/postgresql/15/bin}, or {@code PG_BIN}) the test is skipped, except
 * under {@code CI=true}, where it fails.
 */
public final class PrivatePostgresCluster implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final long INITDB_TIMEOUT_SECONDS = 180;
    private static final long READY_TIMEOUT_MILLIS = Readiness.BOUND.toMillis();
    private static final String OS_USER = "postgres";

    private final Path binaries;
    private final Path directory;
    private final Path dataDirectory;
    private final boolean asRoot;
    private final List<String> settings;
    private final Thread stopOnExit;
    private int port;
    private Process process;

    private PrivatePostgresCluster(Path binaries, Path directory, boolean asRoot, List<String> settings) {
        this.binaries = binaries;
        this.directory = directory;
        this.dataDirectory = directory.resolve("data");
        this.asRoot = asRoot;
        this.settings = List.copyOf(settings);
        this.stopOnExit = new Thread(this::kill, "private-postgres-kill");
    }

    /** A cluster with {@code wal_level = logical}, as logical decoding needs. */
    public static PrivatePostgresCluster startLogical() {
        return start(List.of("wal_level=logical", "max_replication_slots=10", "max_wal_senders=10"));
    }

    /** A cluster with these server settings ({@code name=value}, each passed as {@code -c}). */
    public static PrivatePostgresCluster start(List<String> settings) {
        Path binaries = Path.of(System.getenv().getOrDefault("PG_BIN", "/usr/lib/postgresql/15/bin"));
        if (!Files.isExecutable(binaries.resolve("initdb")) || !Files.isExecutable(binaries.resolve("postgres"))) {
            String message = "No PostgreSQL server binaries for the private test cluster: " + binaries
                    + " has no initdb and postgres (install postgresql-15, or set PG_BIN)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: integration tests may not skip)");
            }
            Assumptions.abort(message);
        }
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        String name = "private-postgres-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
        PrivatePostgresCluster cluster = new PrivatePostgresCluster(binaries,
                Path.of("target", name).toAbsolutePath(), asRoot, settings);
        try {
            cluster.deleteDirectory(); // left by an earlier build whose process had the same id
            Files.createDirectories(cluster.directory);
            if (asRoot) {
                // The cluster's user must reach its directory: every directory above it must be searchable.
                run(List.of("chown", OS_USER, cluster.directory.toString()), cluster.directory, 30);
            }
            cluster.initdb();
            Runtime.getRuntime().addShutdownHook(cluster.stopOnExit);
            cluster.launch();
        } catch (IOException e) {
            cluster.kill();
            throw new UncheckedIOException("Cannot start the private PostgreSQL cluster in " + cluster.directory, e);
        } catch (RuntimeException e) {
            cluster.kill();
            throw e;
        }
        return cluster;
    }

    private List<String> asClusterUser(List<String> command) {
        if (!asRoot) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", OS_USER, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private void initdb() throws IOException {
        run(asClusterUser(List.of(binaries.resolve("initdb").toString(), "-D", dataDirectory.toString(),
                "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")), directory, INITDB_TIMEOUT_SECONDS);
    }

    private static void run(List<String> command, Path directory, long timeoutSeconds) throws IOException {
        Path log = Files.createTempFile("private-postgres", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + timeoutSeconds + " s: "
                        + Files.readString(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed with exit code " + p.exitValue() + ": "
                        + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private void launch() throws IOException {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            List<String> command = new ArrayList<>(List.of(binaries.resolve("postgres").toString(),
                    "-D", dataDirectory.toString(), "-p", String.valueOf(port),
                    "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + directory,
                    "-c", "max_connections=200", "-c", "fsync=off", "-c", "shared_buffers=32MB"));
            for (String setting : settings) {
                command.addAll(List.of("-c", setting));
            }
            Path log = directory.resolve("postgres.log");
            process = new ProcessBuilder(asClusterUser(command)).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            String problem = awaitReady();
            if (problem == null) {
                return;
            }
            kill();
            String tail = Files.exists(log) ? Files.readString(log) : "";
            if (tail.contains("could not bind") && attempt < 3) {
                continue; // the free port was taken meanwhile
            }
            throw new IllegalStateException("The private PostgreSQL cluster (port " + port + ") did not start: "
                    + problem + "; its log:\n" + tail);
        }
    }

    /** Polls until the server answers a query; null when it does, else why not. */
    private String awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        String lastError = "no attempt";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return "postgres exited with code " + process.exitValue();
            }
            String problem = Readiness.problemOf(() -> connect("postgres"));
            if (problem == null) {
                return null;
            }
            lastError = problem;
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS); // the poll interval; returns at once if it dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return "not answering a query after " + READY_TIMEOUT_MILLIS + " ms (last error: " + lastError + ")";
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return "postgres";
    }

    public int port() {
        return port;
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user());
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** Creates the database afresh (dropping one of that name first). */
    public void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            s.execute("CREATE DATABASE \"" + name + "\"");
        }
    }

    /** Stops the server at once (no checkpoint: its data goes with it) and deletes its directory. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try {
            deleteDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }

    private void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            // Immediate shutdown: SIGTERM would be a smart one, waiting for the test's pools to close.
            run(asClusterUser(List.of(binaries.resolve("pg_ctl").toString(), "-D", dataDirectory.toString(),
                    "stop", "-m", "immediate", "-w")), directory, Readiness.BOUND.toSeconds());
        } catch (IOException | RuntimeException e) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteDirectory() throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
