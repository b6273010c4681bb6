package dev.shard.jdbc.internal;

import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What kind of database server the configuration's data sources are, where Shard's SQL depends on it. */
public final class ServerFamily {

    /** The engines Shard tells apart by a data source's URL (or data source class). */
    enum Engine {
        MYSQL("MySQL/MariaDB"), POSTGRES("PostgreSQL"), OTHER("H2 or another engine read with MySQL's rules");

        final String description;

        Engine(String description) {
            this.description = description;
        }
    }

    private ServerFamily() {
    }

    /**
     * The one engine of every data source and replica: PostgreSQL's rules and MySQL's cannot both hold for one
     * statement, so a configuration mixing PostgreSQL with anything else is refused, naming the data sources of
     * each kind. MySQL, MariaDB and H2 (in MySQL mode) share MySQL's rules and may be mixed, as before.
     */
    static Engine engine(ShardConfig config) {
        Map<Engine, List<String>> byEngine = new LinkedHashMap<>();
        for (DataSourceConfig dataSource : config.dataSources()) {
            byEngine.computeIfAbsent(engineOf(dataSource), e -> new ArrayList<>()).add(dataSource.name());
            for (DataSourceConfig replica : dataSource.replicas()) {
                byEngine.computeIfAbsent(engineOf(replica), e -> new ArrayList<>()).add(replica.name());
            }
        }
        if (byEngine.containsKey(Engine.POSTGRES) && byEngine.size() > 1) {
            StringBuilder kinds = new StringBuilder();
            byEngine.forEach((engine, names) -> kinds.append(kinds.length() == 0 ? "" : "; ")
                    .append(engine.description).append(": ").append(String.join(", ", names)));
            throw new ShardConfigException("The data sources are of different database engines (" + kinds
                    + "); one configuration speaks one SQL dialect, so every data source must be PostgreSQL, or"
                    + " none");
        }
        if (byEngine.containsKey(Engine.POSTGRES)) {
            return Engine.POSTGRES;
        }
        return byEngine.size() == 1 && byEngine.containsKey(Engine.MYSQL) ? Engine.MYSQL : Engine.OTHER;
    }

    /**
     * Whether the configuration's data sources are PostgreSQL servers, for the tools whose work differs by engine.
     *
     * @throws ShardConfigException when PostgreSQL is mixed with another engine (see {@link #engine})
     */
    public static boolean isPostgres(ShardConfig config) {
        return engine(config) == Engine.POSTGRES;
    }

    private static Engine engineOf(DataSourceConfig dataSource) {
        String url = dataSource.jdbcUrl();
        if (url != null) {
            String lower = url.toLowerCase(Locale.ROOT);
            if (lower.startsWith("jdbc:postgresql:")) {
                return Engine.POSTGRES;
            }
            return lower.startsWith("jdbc:mysql:") || lower.startsWith("jdbc:mariadb:") ? Engine.MYSQL : Engine.OTHER;
        }
        String className = String.valueOf(dataSource.poolProperties().get("dataSourceClassName"))
                .toLowerCase(Locale.ROOT);
        if (className.startsWith("org.postgresql.")) {
            return Engine.POSTGRES;
        }
        return className.contains("mysql") || className.contains("mariadb") ? Engine.MYSQL : Engine.OTHER;
    }

    /**
     * Whether every data source is a MySQL or MariaDB server, so that scatter queries may ask for
     * {@code WEIGHT_STRING}; not for H2 (in MySQL mode or not), nor for a data source Shard cannot tell.
     */
    static boolean hasWeightStrings(ShardConfig config) {
        return !config.dataSources().isEmpty() && engine(config) == Engine.MYSQL;
    }
}
