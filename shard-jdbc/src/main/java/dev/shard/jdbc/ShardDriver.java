package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The {@code jdbc:shard:} driver: {@code jdbc:shard:file:/path/shard.yaml} or
 * {@code jdbc:shard:classpath:shard.yaml}. Registered through ServiceLoader.
 *
 * <p>Each distinct configuration gets one {@link ShardingDataSource}, shared by every connection opened with
 * it, so that opening connections does not start pools. The file is read once per URL per JVM.
 */
public final class ShardDriver implements Driver {

    static final String PREFIX = "jdbc:shard:";
    private static final ConcurrentHashMap<String, ShardConfig> CONFIG_BY_URL = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<ShardConfig, ShardingDataSource> SOURCES = new ConcurrentHashMap<>();

    static {
        try {
            DriverManager.registerDriver(new ShardDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null; // JDBC: let DriverManager try the next driver
        }
        ShardConfig config;
        try {
            config = CONFIG_BY_URL.computeIfAbsent(url, ShardDriver::load);
        } catch (ShardConfigException e) {
            throw new SQLException("Cannot open " + url + ": " + e.getMessage(), "08001", e);
        }
        ShardingDataSource source;
        try {
            source = SOURCES.compute(config, (c, existing) ->
                    existing == null || existing.isClosed() ? new ShardingDataSource(c) : existing);
        } catch (ShardConfigException e) {
            throw new SQLException("Cannot open " + url + ": " + e.getMessage(), "08001", e);
        }
        return source.getConnection();
    }

    private static ShardConfig load(String url) {
        String location = url.substring(PREFIX.length());
        String usage = "URL must be jdbc:shard:file:<path> or jdbc:shard:classpath:<resource>, was " + url;
        if (location.startsWith("file:")) {
            String file = location.substring("file:".length());
            if (file.isBlank()) {
                // Path.of("") is the working directory, whose read error would not say what is wrong.
                throw new ShardConfigException("no configuration file named: " + usage);
            }
            Path path;
            try {
                path = Path.of(file);
            } catch (InvalidPathException e) {
                // DriverManager passes on only SQLExceptions; this must become one like any other config error.
                throw new ShardConfigException("configuration file path is not valid here: " + file + ": "
                        + e.getReason());
            }
            return ShardConfig.fromYaml(path);
        }
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length());
            if (resource.isBlank() || resource.equals("/")) {
                // The class loader would hand back a listing of the classpath root and call it a configuration.
                throw new ShardConfigException("no configuration resource named: " + usage);
            }
            return ShardConfig.fromClasspath(resource);
        }
        throw new ShardConfigException(usage);
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** Not JDBC compliant in the strict sense: some SQL cannot run across shards. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("getParentLogger is not supported by Shard", "0A000");
    }

    /** How many data sources (each with its own set of pools) the driver holds; for tests. */
    static int openDataSources() {
        return SOURCES.size();
    }

    /** Closes and forgets every data source the driver opened; for tests and application shutdown. */
    public static void closeAll() {
        SOURCES.values().forEach(ShardingDataSource::close);
        SOURCES.clear();
        CONFIG_BY_URL.clear();
    }
}
