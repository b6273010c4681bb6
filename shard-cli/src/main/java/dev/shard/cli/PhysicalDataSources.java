package dev.shard.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The physical data sources of a configuration (every shard and the default), each opened directly as the
 * applications' pools open it (its HikariCP properties from shard.yaml), but small: a tool needs at most two
 * connections per database (Flyway holds one for its lock and history, one for the migration). Opened on first
 * use, so a dry run on one unreachable data source still names the reachable ones.
 */
final class PhysicalDataSources implements AutoCloseable {

    private final ShardConfig config;
    private final Redaction redaction;
    private final int maximumPoolSize;
    private final Map<String, HikariDataSource> open = new LinkedHashMap<>();

    PhysicalDataSources(ShardConfig config) {
        this(config, 2);
    }

    /**
     * @param maximumPoolSize connections per data source: a reshard reads a source while it writes a target, and
     *                        the catch-up writes the targets while verify reads them
     */
    PhysicalDataSources(ShardConfig config, int maximumPoolSize) {
        this.config = config;
        this.redaction = Redaction.of(config);
        this.maximumPoolSize = maximumPoolSize;
    }

    /** Every data source name, in declaration order (the default is one of them). */
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (DataSourceConfig source : config.dataSources()) {
            names.add(source.name());
        }
        return names;
    }

    Redaction redaction() {
        return redaction;
    }

    /** The pool of one data source, started on first use; an unreachable database is named, its password not. */
    synchronized DataSource get(String name) throws SQLException {
        HikariDataSource pool = open.get(name);
        if (pool != null) {
            return pool;
        }
        DataSourceConfig source = config.dataSource(name);
        Properties properties = new Properties();
        properties.putAll(source.poolProperties());
        properties.setProperty("poolName", "shard-cli-" + name);
        properties.setProperty("maximumPoolSize", Integer.toString(maximumPoolSize));
        properties.setProperty("minimumIdle", "0");
        properties.putIfAbsent("connectionTimeout", "10000");
        try {
            pool = new HikariDataSource(new HikariConfig(properties));
        } catch (RuntimeException e) {
            throw new SQLException("data source " + name + " (" + source.maskedJdbcUrl() + "): cannot connect: "
                    + redaction.apply(rootMessage(e)), "08001");
        }
        open.put(name, pool);
        return pool;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    @Override
    public synchronized void close() {
        open.values().forEach(HikariDataSource::close);
        open.clear();
    }
}
