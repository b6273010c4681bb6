package dev.shard.jdbc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
 * A MariaDB server of the test's own, in a separate {@code mariadbd} process, that the test may kill: for
 * failures no shared server can be asked to produce, such as a shard dying between a transaction's statements and
 * its commit.
 *
 * <p>It listens on 127.0.0.1 on a free port, with a fresh data directory under {@code target/} made by
 * {@code mariadb-install-db} (root with an empty password), and reads no option files, so nothing of the
 * machine's own MariaDB configuration (port, socket, data directory) applies to it. {@link #stop()} kills it
 * with SIGKILL, like a crash; {@link #restart()} brings it back on the same port and data (InnoDB's crash
 * recovery runs, as after a real crash); {@link #close()} kills it and deletes its directory. {@link #start()} and
 * {@link #restart()} return only once the server answers a query; a pool that was connected to it before a
 * restart reconnects on its own schedule, which {@link Readiness#awaitConnection} waits for.
 *
 * <p>Without {@code mariadbd} and {@code mariadb-install-db} on this machine the test is skipped, except under
 * {@code CI=true}, where it fails.
 */
public final class ExtraMariaDb implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final long INSTALL_TIMEOUT_SECONDS = 120;
    private static final long READY_TIMEOUT_MILLIS = Readiness.BOUND.toMillis();
    /** For each connection attempt: a server that is up answers in milliseconds, one that is down refuses at once. */
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    /** Unix socket paths are limited to 108 bytes. */
    private static final int MAX_SOCKET_PATH = 100;

    private final Path server;
    private final Path directory;
    private final Path dataDirectory;
    private final Path socket;
    private final Path errorLog;
    private final Thread killOnExit;
    /** Options given to {@link #start(List)}, passed to every launch (replication settings). */
    private final List<String> options;
    private int port;
    private Process process;
    private long installMillis;
    private long lastStartMillis;

    private ExtraMariaDb(Path server, Path directory, Path socket, List<String> options) {
        this.options = List.copyOf(options);
        this.server = server;
        this.directory = directory;
        this.dataDirectory = directory.resolve("data");
        this.socket = socket;
        this.errorLog = directory.resolve("mariadbd.err");
        // A test that dies without close() must not leave a server running after the build.
        this.killOnExit = new Thread(this::kill, "extra-mariadb-kill");
    }

    /**
     * Creates, initialises and starts a server; skips the test (fails it under CI=true) if MariaDB's server
     * binaries are not on this machine.
     */
    public static ExtraMariaDb start() {
        return start(List.of());
    }

    /**
     * The options a server of a replication pair needs: a binary log in row format (which a primary writes and a
     * replica may), and a server id of its own.
     */
    public static List<String> replicationOptions(int serverId) {
        return List.of("--log-bin=mariadb-bin", "--server-id=" + serverId, "--binlog-format=ROW");
    }

    /** As {@link #start()}, with more {@code mariadbd} options (such as {@link #replicationOptions}). */
    public static ExtraMariaDb start(List<String> extraOptions) {
        Path server = findExecutable("mariadbd", "mysqld");
        Path installDb = findExecutable("mariadb-install-db", "mysql_install_db");
        if (server == null || installDb == null) {
            String message = "No MariaDB server binaries for the extra test server: mariadbd and mariadb-install-db "
                    + "are not in PATH, /usr/sbin, /usr/local/sbin or /usr/libexec (install the mariadb-server "
                    + "package)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: integration tests may not skip)");
            }
            Assumptions.abort(message);
        }
        String name = "extra-mariadb-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
        Path directory = Path.of("target", name).toAbsolutePath();
        Path socket = directory.resolve("mariadbd.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            socket = Path.of(System.getProperty("java.io.tmpdir"), name + ".sock").toAbsolutePath();
        }
        ExtraMariaDb extra = new ExtraMariaDb(server, directory, socket, extraOptions);
        try {
            deleteRecursively(directory); // left by an earlier build whose process had the same id
            Files.createDirectories(directory);
            long installStarted = System.nanoTime();
            extra.install(installDb);
            extra.installMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - installStarted);
            extra.port = freePort();
            Runtime.getRuntime().addShutdownHook(extra.killOnExit);
            extra.launch(true);
        } catch (IOException e) {
            extra.kill();
            throw new UncheckedIOException("Cannot start the extra MariaDB server in " + directory, e);
        } catch (RuntimeException e) {
            extra.kill();
            throw e;
        }
        return extra;
    }

    private static Path findExecutable(String... names) {
        List<Path> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    directories.add(Path.of(entry));
                }
            }
        }
        // Debian and RPM systems keep mariadbd in sbin or libexec, which a non-root PATH often lacks.
        directories.addAll(List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"), Path.of("/usr/libexec")));
        for (String name : names) {
            for (Path directory : directories) {
                Path candidate = directory.resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private void install(Path installDb) throws IOException {
        Path log = directory.resolve("install.log");
        List<String> command = new ArrayList<>(List.of(installDb.toString(),
                "--no-defaults",
                "--user=" + System.getProperty("user.name"),
                "--datadir=" + dataDirectory,
                // root@localhost, root@127.0.0.1 and root@::1 with an empty password, usable over TCP; without
                // this, root may only log in through the unix socket as the operating system's root.
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve"));
        command.addAll(sizeOptions());
        Process install = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!install.waitFor(INSTALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                install.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db did not finish within " + INSTALL_TIMEOUT_SECONDS
                        + " s; its output:\n" + tail(log));
            }
        } catch (InterruptedException e) {
            install.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for mariadb-install-db", e);
        }
        if (install.exitValue() != 0) {
            throw new IllegalStateException("mariadb-install-db failed with exit code " + install.exitValue()
                    + "; its output:\n" + tail(log));
        }
    }

    /** Small, so that a server starts in well under a second and its data directory takes about 22 MB. */
    private static List<String> sizeOptions() {
        return List.of("--innodb-buffer-pool-size=16M", "--innodb-log-file-size=4M");
    }

    /**
     * Starts mariadbd and returns once it answers a query.
     *
     * @param mayChangePort whether to move to another free port if this one was taken; not on a restart, where
     *                      the pools that tests made for this server hold the port in their URLs
     */
    private void launch(boolean mayChangePort) throws IOException {
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            List<String> command = new ArrayList<>(List.of(server.toString(),
                    "--no-defaults", // must come first; keeps the machine's option files (port 3306...) away
                    "--user=" + System.getProperty("user.name"),
                    "--datadir=" + dataDirectory,
                    "--port=" + port,
                    "--bind-address=127.0.0.1",
                    "--socket=" + socket,
                    "--pid-file=" + directory.resolve("mariadbd.pid"),
                    "--log-error=" + errorLog,
                    "--skip-name-resolve",
                    "--performance-schema=OFF",
                    "--innodb-use-native-aio=OFF", // io_setup fails in some containers
                    "--character-set-server=utf8mb4",
                    "--collation-server=utf8mb4_general_ci",
                    "--max-connections=100"));
            command.addAll(sizeOptions());
            command.addAll(options);
            process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("mariadbd.out").toFile()))
                    .start();
            String problem = awaitReady();
            if (problem == null) {
                lastStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                return;
            }
            kill();
            String log = tail(errorLog);
            // The free port was only free when it was chosen; another process may have taken it since.
            boolean portTaken = log.contains("Address already in use");
            if (portTaken && mayChangePort && attempt < 3) {
                port = freePort();
                continue;
            }
            if (portTaken && !mayChangePort) {
                problem += "; another process took port " + port + " while the server was down";
            }
            throw new IllegalStateException("The extra MariaDB server (" + server + ", port " + port + ") did not "
                    + "start: " + problem + "; end of " + errorLog + ":\n" + log);
        }
    }

    /**
     * Polls until the server accepts a connection and answers a query on it; null when it does, else why it did not.
     * (mariadbd listens only once InnoDB's crash recovery is done, so the query is a check, not a second wait.)
     */
    private String awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        String lastError = "no attempt";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return "mariadbd exited with code " + process.exitValue();
            }
            String problem = Readiness.problemOf(this::connectToServer);
            if (problem == null) {
                return null;
            }
            lastError = problem;
            try {
                // The poll interval; it also returns as soon as the process dies.
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return "not answering a query after " + READY_TIMEOUT_MILLIS + " ms (last error: " + lastError + ")";
    }

    private Connection connectToServer() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user());
        properties.setProperty("password", password());
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_MILLIS));
        properties.setProperty("useSSL", "false");
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", properties);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** URL of one database on this server, with the same options as {@link MySqlServer#jdbcUrl}. */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database
                + "?useSSL=false&allowPublicKeyRetrieval=true&rewriteBatchedStatements=true";
    }

    public String user() {
        return "root";
    }

    public String password() {
        return "";
    }

    public int port() {
        return port;
    }

    /** How long mariadb-install-db took to make the data directory. */
    public long installMillis() {
        return installMillis;
    }

    /** How long the last start took, from launching mariadbd to its first answered query. */
    public long lastStartMillis() {
        return lastStartMillis;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public void createDatabase(String name) throws SQLException {
        try (Connection c = connectToServer(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
        }
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user());
        properties.setProperty("password", password());
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /**
     * Makes this server a replica of {@code primary} (both started with {@link #replicationOptions}): it copies the
     * primary's binary log from its start, by GTID, as root. {@link #awaitCaughtUpWith} waits for it.
     */
    public void replicateFrom(ExtraMariaDb primary) throws SQLException {
        try (Connection c = connectToServer(); Statement s = c.createStatement()) {
            s.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port()
                    + ", MASTER_USER='" + primary.user() + "', MASTER_PASSWORD='" + primary.password()
                    + "', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1");
            s.execute("START SLAVE");
        }
    }

    /**
     * Waits until this replica has applied everything the primary has written so far (MASTER_GTID_WAIT on the
     * primary's binlog position), for at most {@link Readiness#BOUND}; fails with the replica's status otherwise.
     */
    public void awaitCaughtUpWith(ExtraMariaDb primary) throws SQLException {
        String position;
        try (Connection c = primary.connectToServer(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            position = rs.getString(1);
        }
        try (Connection c = connectToServer();
             java.sql.PreparedStatement wait = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
            wait.setString(1, position);
            wait.setLong(2, Readiness.BOUND.toSeconds());
            try (java.sql.ResultSet rs = wait.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 0) {
                    throw new IllegalStateException("The replica on port " + port + " did not reach the primary's "
                            + "position " + position + " within " + Readiness.BOUND + "; " + slaveStatus(c));
                }
            }
        }
    }

    private static String slaveStatus(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return "SHOW SLAVE STATUS is empty: not a replica";
            }
            return "Slave_IO_Running=" + rs.getString("Slave_IO_Running") + ", Slave_SQL_Running="
                    + rs.getString("Slave_SQL_Running") + ", Last_IO_Error=" + rs.getString("Last_IO_Error")
                    + ", Last_SQL_Error=" + rs.getString("Last_SQL_Error");
        }
    }

    /** Kills the server with SIGKILL, as a crash would, and waits for the process to be gone. */
    public void stop() {
        kill();
    }

    /**
     * Stops the server with SIGSTOP: its process stays, its sockets stay open and the kernel still accepts
     * connections, but nothing answers, as with a server that hangs (swapping, a stalled disk, a paused VM).
     */
    public void freeze() {
        signal("STOP");
        // kill returns once the signal is sent, not once every thread of the server has stopped: a thread busy on
        // a CPU (a busy machine) may still answer a statement sent after freeze returned.
        awaitEveryThreadStopped(true);
    }

    /** Resumes a frozen server with SIGCONT. */
    public void thaw() {
        signal("CONT");
        awaitEveryThreadStopped(false);
    }

    /** Waits (bounded) until every thread of the server is stopped (state T in /proc), or none is. */
    private void awaitEveryThreadStopped(boolean stopped) {
        long deadline = System.nanoTime() + Readiness.BOUND.toNanos();
        while (everyThreadStopped() != stopped) {
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("mariadbd (pid " + process.pid() + ") is " + (stopped ? "not " : "")
                        + "stopped " + Readiness.BOUND + " after SIG" + (stopped ? "STOP" : "CONT"));
            }
            try {
                process.waitFor(1, TimeUnit.MILLISECONDS); // the poll interval of a bounded wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for mariadbd to stop or resume", e);
            }
        }
    }

    /** @return true if every thread is stopped, false if any runs or sleeps */
    private boolean everyThreadStopped() {
        Path tasks = Path.of("/proc", String.valueOf(process.pid()), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.allMatch(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // pid (comm) state ...: the command may hold blanks and parentheses, the state follows the last ')'.
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state == 'T' || state == 't';
                } catch (IOException e) {
                    return true; // the thread ended meanwhile: it answers nothing
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the threads of mariadbd (pid " + process.pid() + ")", e);
        }
    }

    private void signal(String name) {
        if (!isRunning()) {
            throw new IllegalStateException("The extra MariaDB server is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + name, e);
        }
    }

    /**
     * Starts the killed server again, on the same port and data directory, and returns once it answers a query. Pools
     * connected to it before may still need time to reconnect: see {@link Readiness#awaitConnection}.
     */
    public void restart() {
        if (isRunning()) {
            throw new IllegalStateException("The extra MariaDB server is running");
        }
        try {
            launch(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restart the extra MariaDB server", e);
        }
    }

    private void kill() {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        running.destroyForcibly(); // SIGKILL ends a frozen (SIGSTOPped) process too
        try {
            if (!running.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("mariadbd (pid " + running.pid() + ") did not exit after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for mariadbd to exit", e);
        }
    }

    /** Kills the server and deletes its data directory. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException | IllegalArgumentException alreadyExitingOrNotAdded) {
            // Nothing to remove.
        }
        try {
            deleteRecursively(directory);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return "ExtraMariaDb[127.0.0.1:" + port + ", " + directory + (isRunning() ? "" : ", stopped") + "]";
    }
}
