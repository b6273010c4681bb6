package dev.shard.jdbc.internal;

import java.util.Locale;
import java.util.Properties;

/**
 * Timeouts Shard gives a MySQL or MariaDB shard's pool when the user set none, so that a shard whose server hangs
 * or dies cannot hold the application's threads for HikariCP's 30 s per connection, or forever in a socket read:
 * the drivers' defaults are no connect timeout and no socket timeout. Each one the user set (as a pool property, a
 * {@code dataSource.} property, or in the JDBC URL) is left alone.
 */
final class PoolDefaults {

    /** HikariCP's wait for a connection from the pool (its own default: 30 s). */
    static final long CONNECTION_TIMEOUT_MILLIS = 10_000;
    /** The driver's wait for a TCP connection and the server's greeting. */
    static final long CONNECT_TIMEOUT_MILLIS = 5_000;
    /**
     * The driver's wait for any one read: a backstop for statements without a query timeout, long enough for any
     * query an OLTP application runs; set it higher (or 0) for long reports.
     */
    static final long SOCKET_TIMEOUT_MILLIS = 300_000;

    private PoolDefaults() {
    }

    /** Adds the defaults that apply to {@code properties} (HikariCP's properties of one data source) in place. */
    static void addTo(Properties properties) {
        String url = properties.getProperty("jdbcUrl");
        if (url == null) {
            return; // a dataSourceClassName: its properties are the user's business
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:mysql:") && !lower.startsWith("jdbc:mariadb:")) {
            return;
        }
        properties.putIfAbsent("connectionTimeout", String.valueOf(CONNECTION_TIMEOUT_MILLIS));
        addDriverDefault(properties, lower, "connectTimeout", CONNECT_TIMEOUT_MILLIS);
        addDriverDefault(properties, lower, "socketTimeout", SOCKET_TIMEOUT_MILLIS);
    }

    private static void addDriverDefault(Properties properties, String lowerUrl, String name, long millis) {
        String key = "dataSource." + name;
        String lowerName = name.toLowerCase(Locale.ROOT);
        boolean inUrl = lowerUrl.contains("?" + lowerName + "=") || lowerUrl.contains("&" + lowerName + "=");
        if (!inUrl && !properties.containsKey(key)) {
            properties.setProperty(key, String.valueOf(millis));
        }
    }
}
