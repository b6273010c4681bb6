package dev.shard.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One physical database: its pool settings and its share of the key space.
 *
 * @param name           the name used in {@code defaultDataSource}, {@code slots} and logs
 * @param poolProperties HikariCP properties as strings, in declaration order ({@code jdbcUrl}, {@code username},
 *                       {@code dataSource.*}, ...). Not interpreted here: shard-core does not depend on HikariCP.
 *                       Unmodifiable. Never contains {@code weight}.
 * @param weight         relative share of slots under consistent hashing; positive, or 0 for a data
 *                       source being drained (it owns no slots). Ignored when slots are pinned.
 * @param replicas       read replicas of this database, each with its own pool (see docs/replication.md); their
 *                       names are {@code <name>-replica<i>}, their weight is unused and they have no replicas
 */
public record DataSourceConfig(String name, Map<String, String> poolProperties, double weight,
                               List<DataSourceConfig> replicas) {

    public static final double DEFAULT_WEIGHT = 1.0;

    public DataSourceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(poolProperties, "poolProperties");
        // Copy to keep the record immutable whatever the caller does with its map; LinkedHashMap keeps the
        // declaration order, which makes toString() and diagnostics read like the file.
        poolProperties = Collections.unmodifiableMap(new LinkedHashMap<>(poolProperties));
        replicas = List.copyOf(replicas);
    }

    /** A data source without replicas. */
    public DataSourceConfig(String name, Map<String, String> poolProperties, double weight) {
        this(name, poolProperties, weight, List.of());
    }

    /** The name a data source's replica number {@code index} (from 0, in declaration order) goes by in logs. */
    public static String replicaName(String dataSource, int index) {
        return dataSource + "-replica" + index;
    }

    /** The {@code jdbcUrl} pool property, or null for a data source configured by {@code dataSourceClassName}. */
    public String jdbcUrl() {
        return poolProperties.get("jdbcUrl");
    }

    /** The URL with any password in it masked, fit for messages and logs; the data source class if no URL. */
    public String maskedJdbcUrl() {
        String url = jdbcUrl();
        return url != null ? Secrets.maskUrl(url) : "dataSourceClassName=" + poolProperties.get("dataSourceClassName");
    }

    /** Masks passwords, including those embedded in URLs: this string ends up in logs. */
    @Override
    public String toString() {
        StringBuilder props = new StringBuilder("{");
        poolProperties.forEach((key, value) -> {
            if (props.length() > 1) {
                props.append(", ");
            }
            props.append(key).append('=').append(Secrets.maskProperty(key, value));
        });
        props.append('}');
        return "DataSourceConfig[name=" + name + ", poolProperties=" + props + ", weight=" + weight
                + (replicas.isEmpty() ? "" : ", replicas=" + replicas) + "]";
    }
}
