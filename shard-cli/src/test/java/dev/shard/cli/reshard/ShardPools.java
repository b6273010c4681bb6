package dev.shard.cli.reshard;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.shard.jdbc.testing.MySqlServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Test databases on the MariaDB test server, one freshly created per data source name, each with a small pool. */
final class ShardPools implements AutoCloseable {

    private final MySqlServer server;
    private final UnaryOperator<String> database;
    private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();

    ShardPools(MySqlServer server, UnaryOperator<String> database, Iterable<String> names) throws SQLException {
        this.server = server;
        this.database = database;
        for (String name : names) {
            server.recreateDatabase(database.apply(name));
            HikariConfig pool = new HikariConfig();
            pool.setJdbcUrl(server.jdbcUrl(database.apply(name)));
            pool.setUsername(server.user());
            pool.setPassword(server.password());
            pool.setMaximumPoolSize(4);
            pools.put(name, new HikariDataSource(pool));
        }
    }

    HikariDataSource get(String name) {
        return pools.get(name);
    }

    void execute(String name, String sql) throws SQLException {
        try (Connection c = pools.get(name).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        pools.values().forEach(HikariDataSource::close);
        for (String name : pools.keySet()) {
            server.dropDatabase(database.apply(name));
        }
    }
}
