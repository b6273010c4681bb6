package dev.shard.jdbc.testing;

import dev.shard.core.config.ShardConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * For a differential test on a test server (the MySQL-family one unless given): shard databases {@code <prefix>_0 ...} and one plain
 * reference database {@code <prefix>_ref}, each name ending in the process id, created empty, with a direct
 * connection to each (bypassing Shard). {@link #close} closes the data source {@link #open} made and drops them all.
 */
public final class DifferentialDatabases implements AutoCloseable {

    private final TestServer server;
    private final List<String> shardNames = new ArrayList<>();
    private final String referenceName;
    private final List<Connection> shards = new ArrayList<>();
    private Connection reference;
    private dev.shard.jdbc.ShardingDataSource sharded;

    private DifferentialDatabases(TestServer server, String prefix, int shardCount) {
        this.server = server;
        String suffix = "_" + ProcessHandle.current().pid();
        for (int i = 0; i < shardCount; i++) {
            shardNames.add(prefix + "_" + i + suffix);
        }
        this.referenceName = prefix + "_ref" + suffix;
    }

    /** Creates the databases (dropping any left over) and connects to each; skips or fails as MySqlServer does. */
    public static DifferentialDatabases create(String prefix, int shardCount) throws SQLException {
        return create(MySqlServer.require(), prefix, shardCount);
    }

    /** As {@link #create(String, int)}, on the given server. */
    public static DifferentialDatabases create(TestServer server, String prefix, int shardCount)
            throws SQLException {
        DifferentialDatabases databases = new DifferentialDatabases(server, prefix, shardCount);
        try {
            for (String name : databases.shardNames) {
                databases.server.recreateDatabase(name);
                databases.shards.add(databases.server.connect(name));
            }
            databases.server.recreateDatabase(databases.referenceName);
            databases.reference = databases.server.connect(databases.referenceName);
        } catch (SQLException | RuntimeException e) {
            databases.close();
            throw e;
        }
        return databases;
    }

    /** A configuration builder with data sources ds0, ds1, ... on the shard databases, ds0 the default. */
    public ShardConfig.Builder config(int maximumPoolSize) {
        return config(maximumPoolSize, "");
    }

    /**
     * As {@link #config(int)}, with driver options added to each URL, e.g.
     * {@code "sessionVariables=group_concat_max_len=20"}.
     */
    public ShardConfig.Builder config(int maximumPoolSize, String urlOptions) {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < shardNames.size(); i++) {
            String base = server.jdbcUrl(shardNames.get(i));
            String url = base + (urlOptions.isEmpty() ? "" : (base.contains("?") ? "&" : "?") + urlOptions);
            builder.dataSource("ds" + i, Map.of("jdbcUrl", url,
                    "username", server.user(), "password", server.password(),
                    "maximumPoolSize", String.valueOf(maximumPoolSize)));
        }
        return builder.defaultDataSource("ds0");
    }

    /** A ShardingDataSource over the shard databases, closed by {@link #close}. */
    public dev.shard.jdbc.ShardingDataSource open(ShardConfig config) {
        sharded = new dev.shard.jdbc.ShardingDataSource(config);
        return sharded;
    }

    public Connection reference() {
        return reference;
    }

    /** Direct connections to the shard databases, in data source order. */
    public List<Connection> shards() {
        return List.copyOf(shards);
    }

    @Override
    public void close() throws SQLException {
        if (sharded != null) {
            sharded.close();
        }
        List<Connection> open = new ArrayList<>(shards);
        if (reference != null) {
            open.add(reference);
        }
        for (Connection c : open) {
            c.close();
        }
        for (String name : shardNames) {
            server.dropDatabase(name);
        }
        server.dropDatabase(referenceName);
    }
}
