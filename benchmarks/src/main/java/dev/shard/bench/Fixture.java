package dev.shard.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.ShardingDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The databases, data and data sources of one benchmark trial.
 *
 * <p>Every target gets its own physical databases, loaded with the same rows: {@code direct} one database holding
 * all of them, {@code shard} four databases behind a {@link ShardingDataSource}, {@code shardingsphere} four
 * databases behind ShardingSphere-JDBC with HASH_MOD over the same four data sources (t_item, broadcast, a full
 * copy on each). Tables are created on the
 * physical databases first (ShardingSphere reads table metadata when it starts), then the rows are loaded through
 * the target's own data source in JDBC batches.
 */
public final class Fixture implements AutoCloseable {

    public static final int SHARDS = 4;
    public static final int USERS = Integer.getInteger("bench.users", 10_000);
    public static final int ORDERS = Integer.getInteger("bench.orders", 100_000);
    public static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "DONE", "CANCELLED"};

    static final String MARIADB_HOST = System.getProperty("bench.mariadb", "127.0.0.1:3306");
    /**
     * Engine {@code mariadb-remote}: the same server reached through a {@link LatencyProxy} that delays each
     * direction by this much, as if every database were a network hop away (default 250 us: 0.5 ms round trip).
     */
    static final long REMOTE_DELAY_MICROS = Long.getLong("bench.remoteDelayMicros", 250);
    static final String MARIADB_USER = System.getProperty("bench.mariadb.user", "root");
    static final String MARIADB_PASSWORD = System.getProperty("bench.mariadb.password", "");
    /** Engine {@code postgres}: a PostgreSQL server (trust authentication by default, as on the project's machines). */
    static final String POSTGRES_HOST = System.getProperty("bench.postgres", "127.0.0.1:5432");
    static final String POSTGRES_USER = System.getProperty("bench.postgres.user", "postgres");
    static final String POSTGRES_PASSWORD = System.getProperty("bench.postgres.password", "");

    static final String[] DDL = {
        "CREATE TABLE t_order (order_id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL,"
                + " amount BIGINT NOT NULL, status VARCHAR(16) NOT NULL)",
        "CREATE INDEX idx_order_user ON t_order (user_id)",
        "CREATE INDEX idx_order_amount ON t_order (amount)",
        "CREATE TABLE t_order_batch (order_id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL,"
                + " amount BIGINT NOT NULL, status VARCHAR(16) NOT NULL)",
        // Broadcast: a full copy on every shard (TPC-C's item table).
        "CREATE TABLE t_item (item_id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(24) NOT NULL,"
                + " price BIGINT NOT NULL)",
    };

    private static final java.util.concurrent.atomic.AtomicInteger TRIALS = new java.util.concurrent.atomic.AtomicInteger();

    public final String engine;
    public final String target;
    /** The MySQL-family JDBC driver on MariaDB engines: {@code connectorj} (MySQL Connector/J) or {@code mariadb}. */
    public final String driver;
    private final Schema schema;
    public final DataSource dataSource;
    /** The physical databases' JDBC URLs, in data source order (one for direct). */
    public final List<String> physicalUrls;
    /** {@link System#nanoTime()} once the physical tables exist, just before the target's data source is built. */
    public final long dataSourceBuildStart;

    private final String prefix;
    /** The server address the JDBC URLs use: the server itself, or the latency proxy in front of it. */
    private final String jdbcHost;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    public Fixture(String engine, String target) throws Exception {
        this(engine, target, true);
    }

    public Fixture(String engine, String target, boolean load) throws Exception {
        this(engine, target, load, List.of());
    }

    /**
     * @param seed statements run on every physical database right after its tables are created, before the
     *             target's data source is built (table names rewritten for ShardingSphere as the DDL is)
     */
    Fixture(String engine, String target, boolean load, List<String> seed) throws Exception {
        this(engine, target, "connectorj", Schema.orders(load, seed));
    }

    /**
     * @param driver {@code connectorj} or {@code mariadb}; H2 ignores it
     * @param schema what the databases hold, how it is loaded, and how each target is configured for it
     */
    Fixture(String engine, String target, String driver, Schema schema) throws Exception {
        this.engine = engine;
        this.target = target;
        this.driver = driver;
        this.schema = schema;
        if (!driver.equals("connectorj") && !driver.equals("mariadb")) {
            throw new IllegalArgumentException("unknown driver " + driver + " (connectorj or mariadb)");
        }
        if (engine.equals("mariadb-remote")) {
            LatencyProxy proxy = new LatencyProxy(MARIADB_HOST, REMOTE_DELAY_MICROS);
            closeables.add(proxy);
            jdbcHost = proxy.address();
        } else {
            jdbcHost = MARIADB_HOST;
        }
        long pid = ProcessHandle.current().pid();
        // bench_<pid>_0..3 (shard), bench_<pid>_ss0..3 (ShardingSphere), bench_<pid>_direct. A later trial in the
        // same JVM (-f 0) adds its number, as H2 in-memory databases live as long as the JVM (DB_CLOSE_DELAY=-1).
        int trial = TRIALS.getAndIncrement();
        this.prefix = "bench_" + pid + (trial == 0 ? "" : "_t" + trial);
        List<String> names = new ArrayList<>();
        switch (target) {
            case "direct" -> names.add(prefix + "_direct");
            case "shard" -> { for (int i = 0; i < SHARDS; i++) names.add(prefix + "_" + i); }
            case "shardingsphere" -> { for (int i = 0; i < SHARDS; i++) names.add(prefix + "_ss" + i); }
            case "byhand" -> { for (int i = 0; i < SHARDS; i++) names.add(prefix + "_h" + i); }
            default -> throw new IllegalArgumentException("unknown target " + target);
        }
        physicalUrls = new ArrayList<>();
        for (int n = 0; n < names.size(); n++) {
            String name = names.get(n);
            createDatabase(name);
            String url = url(name);
            physicalUrls.add(url);
            try (Connection c = physicalConnection(url);
                 Statement s = c.createStatement()) {
                for (String sql : schema.ddl(target, n)) {
                    s.execute(sql);
                }
            }
        }
        dataSourceBuildStart = System.nanoTime();
        dataSource = switch (target) {
            case "direct" -> hikari(physicalUrls.get(0));
            case "shard" -> shard();
            case "byhand" -> null; // the benchmark routes to physicalPools() itself
            default -> schema.shardingSphere(this);
        };
        if (dataSource instanceof AutoCloseable c) {
            closeables.add(c);
        }
        schema.load(this);
    }

    /**
     * What a trial's databases hold: the tables (created on every physical database before the target's data
     * source is built, as ShardingSphere reads table metadata when it starts), Shard's and ShardingSphere's table
     * rules, and the load.
     */
    interface Schema {

        /** The DDL for physical database {@code database} of {@code target}. */
        List<String> ddl(String target, int database);

        /** Shard's table rules. */
        ShardConfig.Builder shardTables(ShardConfig.Builder builder);

        /** ShardingSphere-JDBC over the fixture's physical databases. */
        DataSource shardingSphere(Fixture fixture) throws Exception;

        /** Loads the rows, once every data source is built. */
        void load(Fixture fixture) throws SQLException;

        /** t_order (100,000 orders of 10,000 users) and the batch and item tables: {@link Workloads}. */
        static Schema orders(boolean load, List<String> seed) {
            return new Schema() {
                @Override
                public List<String> ddl(String target, int database) {
                    List<String> statements = new ArrayList<>();
                    for (String sql : DDL) {
                        // ShardingSphere's auto tables are named <table>_<shard index>.
                        statements.add(target.equals("shardingsphere")
                                ? sql.replaceAll("(t_order(_batch)?)\\b", "$1_" + database) : sql);
                    }
                    statements.addAll(seed);
                    return statements;
                }

                @Override
                public ShardConfig.Builder shardTables(ShardConfig.Builder builder) {
                    return builder.shardedTable("t_order", "user_id")
                            .shardedTable("t_order_batch", "user_id")
                            .broadcastTables("t_item");
                }

                @Override
                public DataSource shardingSphere(Fixture fixture) throws Exception {
                    return ShardingSphereSupport.create(fixture);
                }

                @Override
                public void load(Fixture fixture) throws SQLException {
                    if (load) {
                        fixture.load();
                        fixture.analyze();
                    }
                }
            };
        }
    }

    /**
     * Fresh statistics on every physical table before measuring. Without them MariaDB planned the ORDER BY amount
     * LIMIT 10 as a scan and sort for the first seconds after the load (about 3 ms a query instead of 0.1 ms),
     * until InnoDB's background statistics update caught up in the middle of a measurement.
     */
    void analyze() throws SQLException {
        for (int n = 0; n < physicalUrls.size(); n++) {
            try (Connection c = physicalConnection(physicalUrls.get(n)); Statement s = c.createStatement()) {
                for (String table : new String[] {"t_order", "t_order_batch"}) {
                    String name = target.equals("shardingsphere") ? table + "_" + n : table;
                    if (s.execute((engine.equals("postgres") ? "ANALYZE " : "ANALYZE TABLE ") + name)) {
                        s.getResultSet().close();
                    }
                }
            }
        }
    }

    /**
     * A connection to a physical database, for creating its tables and loading or analysing them. H2's driver is
     * called directly rather than through DriverManager: DriverManager's first use loads every java.sql.Driver on
     * the class path (in the shaded jar that includes Shard's and ShardingSphere's), which {@link ColdStart} must
     * leave to the target.
     */
    Connection physicalConnection(String url) throws SQLException {
        if (!engine.equals("h2")) {
            return DriverManager.getConnection(url, user(), password());
        }
        Properties info = new Properties();
        info.setProperty("user", user());
        info.setProperty("password", password());
        return new org.h2.Driver().connect(url, info);
    }

    String user() {
        return switch (engine) {
            case "h2" -> "sa";
            case "postgres" -> POSTGRES_USER;
            default -> MARIADB_USER;
        };
    }

    String password() {
        return switch (engine) {
            case "h2" -> "";
            case "postgres" -> POSTGRES_PASSWORD;
            default -> MARIADB_PASSWORD;
        };
    }

    String url(String database) {
        return switch (engine) {
            // ShardingSphere's H2 metadata loader looks for tables in schema PUBLIC; DATABASE_TO_LOWER would make it
            // "public" and ShardingSphere would find no tables. Identifier case is all this setting changes.
            // OPTIMIZE_REUSE_RESULTS=FALSE: H2 otherwise hands back the previous result of an identical query on an
            // unchanged table without running it, which made "direct" aggregates look free (and only for the
            // targets whose statement options happen to allow the reuse).
            case "h2" -> "jdbc:h2:mem:" + database + ";MODE=MySQL;DB_CLOSE_DELAY=-1;OPTIMIZE_REUSE_RESULTS=FALSE"
                    + (target.equals("shardingsphere") ? "" : ";DATABASE_TO_LOWER=TRUE");
            case "mariadb", "mariadb-remote" -> driver.equals("mariadb")
                    ? "jdbc:mariadb://" + jdbcHost + "/" + database
                    : "jdbc:mysql://" + jdbcHost + "/" + database + "?useSSL=false&allowPublicKeyRetrieval=true";
            case "postgres" -> "jdbc:postgresql://" + POSTGRES_HOST + "/" + database;
            default -> throw new IllegalArgumentException("unknown engine " + engine);
        };
    }

    private void createDatabase(String name) throws SQLException {
        if (!engine.equals("h2")) {
            try (Connection c = serverConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
        }
    }

    /** A connection to the server (not one database), for creating and dropping the databases. */
    Connection serverConnection() throws SQLException {
        if (engine.equals("postgres")) {
            return DriverManager.getConnection("jdbc:postgresql://" + POSTGRES_HOST + "/postgres", POSTGRES_USER,
                    POSTGRES_PASSWORD);
        }
        return DriverManager.getConnection("jdbc:mysql://" + MARIADB_HOST
                + "/?useSSL=false&allowPublicKeyRetrieval=true", MARIADB_USER, MARIADB_PASSWORD);
    }

    /** The same pool settings (and driver settings) for every pool of every target. */
    Map<String, String> poolProperties(String url) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("jdbcUrl", url);
        p.put("username", user());
        p.put("password", password());
        p.put("maximumPoolSize", "8");
        p.put("minimumIdle", "8");
        if (engine.equals("postgres")) {
            p.put("dataSource.reWriteBatchedInserts", "true");
        } else if (!engine.equals("h2") && driver.equals("mariadb")) {
            // MariaDB Connector/J 3.5: server-side prepared statements, cached per connection (as in issue 16's
            // measurements); batches of INSERTs use its bulk protocol (useBulkStmtsForInserts, on by default).
            p.put("dataSource.useServerPrepStmts", System.getProperty("bench.mariadb.useServerPrepStmts", "true"));
            p.put("dataSource.cachePrepStmts", "true");
            p.put("dataSource.prepStmtCacheSize", "250");
        } else if (!engine.equals("h2")) {
            p.put("dataSource.cachePrepStmts", "true");
            p.put("dataSource.prepStmtCacheSize", "250");
            p.put("dataSource.prepStmtCacheSqlLimit", "2048");
            p.put("dataSource.useServerPrepStmts", "false");
            p.put("dataSource.rewriteBatchedStatements", "true");
            p.put("dataSource.useLocalSessionState", "true");
            p.put("dataSource.cacheServerConfiguration", "true");
            p.put("dataSource.elideSetAutoCommits", "true");
        }
        return p;
    }

    HikariDataSource hikari(String url) {
        Properties props = new Properties();
        props.putAll(poolProperties(url));
        return new HikariDataSource(new HikariConfig(props));
    }

    private ShardingDataSource shard() {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            builder.dataSource("ds" + i, poolProperties(physicalUrls.get(i)));
        }
        // For comparing Shard's ways of running a scatter: 0 always parallel, a large value always sequential.
        String sequentialBelow = System.getProperty("bench.sequentialScatterBelowMicros");
        if (sequentialBelow != null) {
            builder.sequentialScatterBelowMicros(Long.parseLong(sequentialBelow));
        }
        return new ShardingDataSource(schema.shardTables(builder.defaultDataSource("ds0")).build());
    }

    /** A pool for each physical shard database, in shard order, closed with the fixture: the hand-written baselines. */
    List<HikariDataSource> physicalPools() {
        List<HikariDataSource> pools = new ArrayList<>();
        for (String url : physicalUrls) {
            HikariDataSource pool = hikari(url);
            closeLater(pool);
            pools.add(pool);
        }
        return pools;
    }

    void closeLater(AutoCloseable c) {
        closeables.add(c);
    }

    /** order_id i belongs to user i % USERS, so each user has ORDERS / USERS orders. */
    void load() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO t_order (order_id, user_id, amount, status) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < ORDERS; i++) {
                ps.setLong(1, i);
                ps.setLong(2, i % USERS);
                ps.setLong(3, amount(i));
                ps.setString(4, STATUSES[i % STATUSES.length]);
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    static long amount(long orderId) {
        return (orderId * 7919L) % 100_000L;
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        for (String url : physicalUrls) {
            String database = url.substring(url.lastIndexOf(engine.equals("h2") ? ':' : '/') + 1).split("[;?]")[0];
            try {
                if (engine.equals("h2")) {
                    try (Connection c = physicalConnection(url); Statement s = c.createStatement()) {
                        s.execute("SHUTDOWN");
                    }
                } else {
                    try (Connection c = serverConnection(); Statement s = c.createStatement()) {
                        s.execute("DROP DATABASE IF EXISTS " + database
                                + (engine.equals("postgres") ? " WITH (FORCE)" : ""));
                    }
                }
            } catch (SQLException e) {
                System.err.println("could not drop " + database + ": " + e.getMessage());
            }
        }
    }
}
