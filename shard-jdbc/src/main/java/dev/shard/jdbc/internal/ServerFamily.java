package dev.shard.jdbc.internal;

import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import java.util.Locale;

/** What kind of database server the configuration's data sources are, where Shard's SQL depends on it. */
final class ServerFamily {

    private ServerFamily() {
    }

    /**
     * Whether every data source is a MySQL or MariaDB server, so that scatter queries may ask for
     * {@code WEIGHT_STRING}; not for H2 (in MySQL mode or not), nor for a data source Shard cannot tell.
     */
    static boolean hasWeightStrings(ShardConfig config) {
        if (config.dataSources().isEmpty()) {
            return false;
        }
        for (DataSourceConfig dataSource : config.dataSources()) {
            String url = dataSource.jdbcUrl();
            String driver = url != null ? url : String.valueOf(dataSource.poolProperties().get("dataSourceClassName"));
            String lower = driver.toLowerCase(Locale.ROOT);
            boolean mysql = url != null
                    ? lower.startsWith("jdbc:mysql:") || lower.startsWith("jdbc:mariadb:")
                    : lower.contains("mysql") || lower.contains("mariadb");
            if (!mysql) {
                return false;
            }
        }
        return true;
    }
}
