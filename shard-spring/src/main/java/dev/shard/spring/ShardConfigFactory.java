package dev.shard.spring;

import dev.shard.core.config.ReplicaSettings;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/** Turns {@link ShardProperties} into a {@link ShardConfig}: through the builder, or from the YAML file named. */
final class ShardConfigFactory {

    private static final String BUILDER_SOURCE = "ShardConfig.builder()";
    private static final String PROPERTIES_SOURCE = "spring.shard properties";

    private ShardConfigFactory() {
    }

    static ShardConfig create(ShardProperties properties, ResourceLoader resources, Environment environment) {
        ShardPropertyKeys.check(environment);
        String location = properties.getConfig();
        if (location != null && !location.isBlank()) {
            if (!properties.getDataSources().isEmpty()) {
                // Two sources of truth would silently disagree; make the user pick one.
                throw new ShardConfigException("spring.shard.config (" + location + ") and spring.shard.data-sources "
                        + "are both set; configure Shard either in the YAML file or in spring.shard.* properties");
            }
            return fromYaml(location.trim(), resources, environment);
        }
        return fromProperties(properties);
    }

    private static ShardConfig fromYaml(String location, ResourceLoader resources, Environment environment) {
        Resource resource = resources.getResource(location);
        if (!resource.exists()) {
            throw new ShardConfigException("spring.shard.config: configuration not found: " + location);
        }
        byte[] bytes;
        try (InputStream in = resource.getInputStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ShardConfigException(location + ": cannot read configuration: " + e.getMessage(), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ShardConfigException(location + ": not valid UTF-8", e);
        }
        // ${VAR} resolves against the Spring environment, which includes the process environment and system
        // properties, so the file behaves as it does outside Spring and can also use application properties.
        return ShardConfig.fromYaml(text, location, environment::getProperty);
    }

    /**
     * {@code spring.shard.data-sources.ds0.replicas[0].jdbc-url} binds into the data source's map under the key
     * {@code replicas[0].jdbc-url} or, from some property sources, {@code replicas.0.jdbc-url}: the replica's
     * number, then its pool property.
     */
    private static final Pattern REPLICA_KEY = Pattern.compile("replicas(?:\\[(\\d{1,6})]|\\.(\\d{1,6}))\\.(.+)");

    static ShardConfig fromProperties(ShardProperties properties) {
        ShardConfig.Builder builder = ShardConfig.builder();
        properties.getDataSources().forEach((name, pool) -> {
            Map<String, String> primary = new LinkedHashMap<>();
            Map<Integer, Map<String, String>> replicas = new TreeMap<>();
            if (pool != null) {
                pool.forEach((key, value) -> {
                    Matcher replica = REPLICA_KEY.matcher(key);
                    if (replica.matches()) {
                        String index = replica.group(1) != null ? replica.group(1) : replica.group(2);
                        replicas.computeIfAbsent(Integer.parseInt(index), i -> new LinkedHashMap<>())
                                .put(replica.group(3), value);
                    } else {
                        primary.put(key, value);
                    }
                });
            }
            builder.dataSource(name, hikariNames(primary));
            replicas.values().forEach(replica -> builder.replica(name, hikariNames(replica)));
        });
        if (properties.getDefaultDataSource() != null) {
            builder.defaultDataSource(properties.getDefaultDataSource());
        }
        properties.getTables().forEach((table, rule) -> {
            if (rule.getAlgorithm() == null) {
                builder.shardedTable(table, rule.getShardingColumn());
            } else {
                builder.shardedTable(table, rule.getShardingColumn(), rule.getAlgorithm());
            }
            ShardProperties.KeyGenerator key = rule.getKeyGenerator();
            if (key.getColumn() != null || key.getType() != null) {
                builder.keyGenerator(table, key.getColumn(), key.getType());
            }
        });
        if (!properties.getBroadcastTables().isEmpty()) {
            builder.broadcastTables(properties.getBroadcastTables().toArray(String[]::new));
        }
        properties.getSlots().forEach((ds, ranges) -> builder.slots(ds, ranges.toArray(String[]::new)));
        ShardProperties.Settings settings = properties.getSettings();
        if (settings.getParseCacheSize() != null) {
            builder.parseCacheSize(settings.getParseCacheSize());
        }
        if (settings.getParseTimeoutMillis() != null) {
            builder.parseTimeoutMillis(settings.getParseTimeoutMillis());
        }
        if (settings.getWorkerId() != null) {
            builder.workerId(settings.getWorkerId());
        }
        if (settings.getMaxClockBackwardMillis() != null) {
            builder.maxClockBackwardMillis(settings.getMaxClockBackwardMillis());
        }
        if (settings.getSequentialScatterBelowMicros() != null) {
            builder.sequentialScatterBelowMicros(settings.getSequentialScatterBelowMicros());
        }
        if (settings.getStoreSlotMap() != null) {
            builder.storeSlotMap(settings.getStoreSlotMap());
        }
        builder.metadataDataSource(settings.getMetadataDataSource());
        if (settings.getSlotMapPollMillis() != null) {
            builder.slotMapPollMillis(settings.getSlotMapPollMillis());
        }
        if (settings.getMetadataLeaseMillis() != null) {
            builder.metadataLeaseMillis(settings.getMetadataLeaseMillis());
        }
        if (settings.getReshardWriteHoldMillis() != null) {
            builder.reshardWriteHoldMillis(settings.getReshardWriteHoldMillis());
        }
        builder.replicaSettings(replicaSettings(settings));
        try {
            return builder.build();
        } catch (ShardConfigException e) {
            // The builder's messages use the YAML key names (dataSources, settings.workerId); say where the
            // configuration came from so the user looks under spring.shard.* with those names in kebab case.
            String message = e.getMessage() == null ? "invalid configuration" : e.getMessage();
            message = message.startsWith(BUILDER_SOURCE)
                    ? PROPERTIES_SOURCE + message.substring(BUILDER_SOURCE.length())
                    : PROPERTIES_SOURCE + ": " + message;
            throw new ShardConfigException(message + " (keys are named as in shard.yaml; under spring.shard.* "
                    + "write them in kebab case)", e);
        }
    }

    /**
     * Spring's relaxed binding hands us the keys as written: usually kebab case, or all lower case from an environment
     * variable ({@code SPRING_SHARD_DATASOURCES_DS1_JDBCURL} binds as {@code jdbcurl}). HikariCP wants its own camel
     * case names, so each key is matched against them ignoring case and dashes. Below {@code data-source.}, where the
     * driver's own properties live and HikariCP knows no names, each dotted segment is turned into camel case, so
     * {@code data-source.cache-prep-stmts} becomes {@code dataSource.cachePrepStmts}. Other keys (weight, and keys
     * HikariCP will refuse by name) are only turned into camel case.
     */
    static Map<String, String> hikariNames(Map<String, String> pool) {
        Map<String, String> converted = new LinkedHashMap<>();
        if (pool == null) {
            return converted;
        }
        pool.forEach((key, value) -> converted.put(hikariName(key), value == null ? "" : value));
        return converted;
    }

    static String hikariName(String key) {
        String camel = camelCase(key);
        int dot = camel.indexOf('.');
        if (dot > 0) {
            String head = camel.substring(0, dot);
            return head.equalsIgnoreCase(ShardPropertyKeys.DRIVER_PREFIX)
                    ? ShardPropertyKeys.DRIVER_PREFIX + camel.substring(dot) : camel;
        }
        String hikari = ShardPropertyKeys.hikariName(camel);
        return hikari == null ? camel : hikari;
    }

    static String camelCase(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (String segment : List.of(key.split("\\.", -1))) {
            if (out.length() > 0) {
                out.append('.');
            }
            boolean upper = false;
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c == '-') {
                    upper = out.length() > 0 && out.charAt(out.length() - 1) != '.';
                    continue;
                }
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    private static ReplicaSettings replicaSettings(ShardProperties.Settings settings) {
        ReplicaSettings r = ReplicaSettings.defaults();
        if (settings.getMaxReplicaLagMillis() != null) {
            r = r.withMaxReplicaLagMillis(settings.getMaxReplicaLagMillis());
        }
        if (settings.getReplicaCheckMillis() != null) {
            r = r.withReplicaCheckMillis(settings.getReplicaCheckMillis());
        }
        if (settings.getReadsFallBackToPrimary() != null) {
            r = r.withReadsFallBackToPrimary(settings.getReadsFallBackToPrimary());
        }
        if (settings.getReadYourWrites() != null) {
            r = r.withReadYourWrites(settings.getReadYourWrites());
        }
        if (settings.getReadYourWritesTimeoutMillis() != null) {
            r = r.withReadYourWritesTimeoutMillis(settings.getReadYourWritesTimeoutMillis());
        }
        return r;
    }
}
