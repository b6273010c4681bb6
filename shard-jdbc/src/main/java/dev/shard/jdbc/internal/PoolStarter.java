package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfigException;
import java.util.Properties;

/**
 * Starts the HikariCP pool of one data source from its configuration, with Shard's timeouts where the user set none
 * ({@link PoolDefaults}); a setting HikariCP refuses is named in the error, and no password reaches a message.
 */
final class PoolStarter {

    private PoolStarter() {
    }

    static HikariDataSource start(DataSourceConfig source) {
        Properties properties = new Properties();
        properties.putAll(source.poolProperties());
        properties.putIfAbsent("poolName", "shard-" + source.name());
        PoolDefaults.addTo(properties);
        Redaction redaction = Redaction.of(source);
        HikariConfig hikari;
        try {
            hikari = new HikariConfig(properties);
        } catch (RuntimeException e) {
            throw invalidSetting(source, properties, redaction, e);
        }
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new ShardConfigException("Data source " + source.name() + " (" + source.maskedJdbcUrl()
                    + "): cannot start its connection pool: " + redaction.apply(rootMessage(e)),
                    redaction.apply(e));
        }
    }

    /**
     * HikariCP names an unknown property, but for a value it cannot convert it only says "For input string: ..."
     * without the property; setting the properties one at a time finds the one to name.
     */
    private static ShardConfigException invalidSetting(DataSourceConfig source, Properties properties,
                                                       Redaction redaction, RuntimeException e) {
        for (String key : properties.stringPropertyNames()) {
            Properties single = new Properties();
            single.setProperty(key, properties.getProperty(key));
            try {
                new HikariConfig(single);
            } catch (RuntimeException culprit) {
                String reason = Redaction.isSecretKey(key) ? "value refused" : redaction.apply(rootMessage(culprit));
                return new ShardConfigException("Data source " + source.name() + ": invalid pool setting '" + key
                        + "': " + reason + " (see HikariCP's configuration properties)", redaction.apply(e));
            }
        }
        return new ShardConfigException("Data source " + source.name() + ": invalid pool setting: "
                + redaction.apply(rootMessage(e)) + " (see HikariCP's configuration properties)", redaction.apply(e));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
