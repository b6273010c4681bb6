package dev.shard.cli;

import dev.shard.jdbc.testing.MySqlServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Four shard databases and a default one on the MySQL-family test server ({@link MySqlServer}: skipped with the
 * reason, or failed under CI=true, when there is none), each name ending in the process id, and a shard.yaml over
 * them. The data sources log in as a user of their own whose password is {@link #password()}, so that tests can
 * check it is never printed. {@link #close} drops the databases and the user.
 *
 * <p>Data sources, in the configuration's order: ds0, ds1, ds2, ds3 (the shards, with all slots) and main (the
 * default, no slots).
 */
final class ShardDatabases implements AutoCloseable {

    static final List<String> NAMES = List.of("ds0", "ds1", "ds2", "ds3", "main");
    static final Path EXAMPLE_MIGRATIONS = Path.of("../examples/db/migration").toAbsolutePath().normalize();

    private final MySqlServer server;
    private final String prefix;
    private final String user;
    private final String password;
    private final Path yaml;

    private ShardDatabases(MySqlServer server, String prefix, Path directory) {
        long pid = ProcessHandle.current().pid();
        this.server = server;
        this.prefix = prefix;
        this.user = "shard_cli_" + pid;
        this.password = "Pw-" + pid + "-never-printed";
        this.yaml = directory.resolve("shard.yaml");
    }

    static ShardDatabases create(String prefix, Path directory) throws SQLException, IOException {
        ShardDatabases databases = new ShardDatabases(MySqlServer.require(), prefix, directory);
        try {
            databases.setUp();
        } catch (SQLException | IOException | RuntimeException e) {
            databases.close();
            throw e;
        }
        return databases;
    }

    private void setUp() throws SQLException, IOException {
        for (String name : NAMES) {
            server.recreateDatabase(database(name));
        }
        try (Connection c = server.connect(""); Statement s = c.createStatement()) {
            for (String host : List.of("%", "localhost")) {
                s.execute("DROP USER IF EXISTS '" + user + "'@'" + host + "'");
                s.execute("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + password + "'");
                for (String name : NAMES) {
                    s.execute("GRANT ALL ON `" + database(name) + "`.* TO '" + user + "'@'" + host + "'");
                }
            }
        }
        writeConfig(password);
    }

    /** Rewrites shard.yaml with the given password for every data source (a wrong one makes them unusable). */
    void writeConfig(String passwordInFile) throws IOException {
        StringBuilder text = new StringBuilder("dataSources:\n");
        for (String name : NAMES) {
            text.append("  ").append(name).append(": { jdbcUrl: \"").append(server.jdbcUrl(database(name)))
                    .append("\", username: ").append(user).append(", password: \"").append(passwordInFile)
                    .append("\" }\n");
        }
        text.append("""
                defaultDataSource: main
                tables:
                  t_user: { shardingColumn: user_id }
                  t_order: { shardingColumn: user_id }
                  t_order_note: { shardingColumn: user_id }
                broadcastTables: [t_region]
                slots:
                  ds0: ["0-65535"]
                  ds1: ["65536-131071"]
                  ds2: ["131072-196607"]
                  ds3: ["196608-262143"]
                """);
        Files.writeString(yaml, text);
    }

    Path yaml() {
        return yaml;
    }

    String password() {
        return password;
    }

    String database(String dataSource) {
        return prefix + "_" + dataSource + "_" + ProcessHandle.current().pid();
    }

    /** A direct connection (as the test server's administrator) to one data source's database. */
    Connection connect(String dataSource) throws SQLException {
        return server.connect(database(dataSource));
    }

    void execute(String dataSource, String sql) throws SQLException {
        try (Connection c = connect(dataSource); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The highest version Flyway recorded as successful on one data source; null for none or no history. */
    String schemaVersion(String dataSource) throws SQLException {
        try (Connection c = connect(dataSource); Statement s = c.createStatement()) {
            if (!tableExists(c, ShardMigrations.HISTORY_TABLE)) {
                return null;
            }
            try (ResultSet rs = s.executeQuery("SELECT version FROM " + ShardMigrations.HISTORY_TABLE
                    + " WHERE success = 1 AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    List<String> schemaVersions() throws SQLException {
        List<String> versions = new ArrayList<>();
        for (String name : NAMES) {
            versions.add(schemaVersion(name));
        }
        return versions;
    }

    boolean tableExists(String dataSource, String table) throws SQLException {
        try (Connection c = connect(dataSource)) {
            return tableExists(c, table);
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = server.connect(""); Statement s = c.createStatement()) {
            for (String host : List.of("%", "localhost")) {
                s.execute("DROP USER IF EXISTS '" + user + "'@'" + host + "'");
            }
        } finally {
            for (String name : NAMES) {
                server.dropDatabase(database(name));
            }
        }
    }

    /** The outcome of one in-process run of the command line. */
    record Run(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ShardCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
