package dev.shard.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code spring.shard.*}: the YAML model of {@code shard.yaml} (docs/configuration.md) in Spring's kebab case, or
 * {@link #getConfig() config} pointing at a {@code shard.yaml}.
 *
 * <p>Data-source properties are kept as plain strings, exactly as the YAML loader keeps them, and handed to
 * {@code ShardConfig.builder()}, which is where all validation happens: one set of rules and messages whether the
 * configuration comes from YAML, Java or Spring.
 */
@ConfigurationProperties(prefix = "spring.shard")
public class ShardProperties {

    /**
     * Location of a shard.yaml to use instead of the other spring.shard properties, e.g. classpath:shard.yaml or
     * file:/etc/app/shard.yaml. ${VAR} in it is resolved against the Spring environment.
     */
    private String config;

    /**
     * The physical databases: name -> HikariCP properties in kebab case (jdbc-url, username, password,
     * maximum-pool-size, data-source.cache-prep-stmts, ...) plus Shard's own weight. Declaration order fixes each
     * data source's index.
     */
    private Map<String, Map<String, String>> dataSources = new LinkedHashMap<>();

    /** Where tables without a rule live; default: the first data source. */
    private String defaultDataSource;

    /** Sharded tables: table name -> rule. */
    private Map<String, Table> tables = new LinkedHashMap<>();

    /** Tables copied in full to every data source. */
    private List<String> broadcastTables = new ArrayList<>();

    /** Optional explicit slot assignment: data source name -> slot ranges such as 0-131071. */
    private Map<String, List<String>> slots = new LinkedHashMap<>();

    private final Settings settings = new Settings();

    public String getConfig() {
        return config;
    }

    public void setConfig(String config) {
        this.config = config;
    }

    public Map<String, Map<String, String>> getDataSources() {
        return dataSources;
    }

    public void setDataSources(Map<String, Map<String, String>> dataSources) {
        this.dataSources = dataSources;
    }

    public String getDefaultDataSource() {
        return defaultDataSource;
    }

    public void setDefaultDataSource(String defaultDataSource) {
        this.defaultDataSource = defaultDataSource;
    }

    public Map<String, Table> getTables() {
        return tables;
    }

    public void setTables(Map<String, Table> tables) {
        this.tables = tables;
    }

    public List<String> getBroadcastTables() {
        return broadcastTables;
    }

    public void setBroadcastTables(List<String> broadcastTables) {
        this.broadcastTables = broadcastTables;
    }

    public Map<String, List<String>> getSlots() {
        return slots;
    }

    public void setSlots(Map<String, List<String>> slots) {
        this.slots = slots;
    }

    public Settings getSettings() {
        return settings;
    }

    /** A sharded table. */
    public static class Table {

        /** The column whose value decides the data source of each row. */
        private String shardingColumn;

        /** Sharding algorithm; consistent-hash is the only one. */
        private String algorithm;

        private final KeyGenerator keyGenerator = new KeyGenerator();

        public String getShardingColumn() {
            return shardingColumn;
        }

        public void setShardingColumn(String shardingColumn) {
            this.shardingColumn = shardingColumn;
        }

        public String getAlgorithm() {
            return algorithm;
        }

        public void setAlgorithm(String algorithm) {
            this.algorithm = algorithm;
        }

        public KeyGenerator getKeyGenerator() {
            return keyGenerator;
        }
    }

    /** A column whose value Shard generates when an INSERT leaves it out. */
    public static class KeyGenerator {

        /** The generated column; it may be the sharding column. */
        private String column;

        /** snowflake (BIGINT) or uuid (CHAR(36)). */
        private String type;

        public String getColumn() {
            return column;
        }

        public void setColumn(String column) {
            this.column = column;
        }

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }
    }

    /** spring.shard.settings.* */
    public static class Settings {

        /** Entries in the SQL analysis cache; 0 disables it. Default 10000. */
        private Integer parseCacheSize;

        /** Upper bound on analysing one statement, in milliseconds. Default 2000. */
        private Long parseTimeoutMillis;

        /** This process's Snowflake worker id, 0-1023, unique per process writing the same tables. Default 0. */
        private Integer workerId;

        /** How long a Snowflake generator waits for a clock that moved back, in milliseconds. Default 1000. */
        private Long maxClockBackwardMillis;

        /**
         * A statement on several shards runs them one after another on the calling thread while they have recently
         * taken less than this many microseconds together, in parallel otherwise (so do the shards of a prepared
         * statement's batch); 0 means always parallel. Default 100.
         */
        private Long sequentialScatterBelowMicros;

        /** Keep the slot map in force in the table shard_slot_map (see docs/configuration.md). Default true. */
        private Boolean storeSlotMap;

        /** The data source whose database holds shard_slot_map. Default: the default data source. */
        private String metadataDataSource;

        /** How often each instance checks the stored slot map's version, in milliseconds. Default 1000. */
        private Long slotMapPollMillis;

        /**
         * An instance that has not read the metadata for this long refuses writes to sharded and broadcast tables
         * until it can again, since a reshard may have switched without it (docs/resharding.md). Default: ten polls,
         * at least 5000.
         */
        private Long metadataLeaseMillis;

        /** How long a write to a moving slot is held while a reshard switches, in milliseconds. Default 10000. */
        private Long reshardWriteHoldMillis;
        /** A replica further behind than this leaves the rotation (docs/replication.md). Default 10000. */
        private Long maxReplicaLagMillis;

        /** How often each replica's health and lag are checked, in milliseconds. Default 1000. */
        private Long replicaCheckMillis;

        /** With no usable replica, reads go to the primary; false makes them fail instead. Default true. */
        private Boolean readsFallBackToPrimary;

        /** A connection's replica reads wait for its own earlier writes (MariaDB GTIDs). Default false. */
        private Boolean readYourWrites;

        /** How long such a read waits for the replica before it goes to the primary. Default 1000. */
        private Long readYourWritesTimeoutMillis;

        public Long getMaxReplicaLagMillis() {
            return maxReplicaLagMillis;
        }

        public void setMaxReplicaLagMillis(Long maxReplicaLagMillis) {
            this.maxReplicaLagMillis = maxReplicaLagMillis;
        }

        public Long getReplicaCheckMillis() {
            return replicaCheckMillis;
        }

        public void setReplicaCheckMillis(Long replicaCheckMillis) {
            this.replicaCheckMillis = replicaCheckMillis;
        }

        public Boolean getReadsFallBackToPrimary() {
            return readsFallBackToPrimary;
        }

        public void setReadsFallBackToPrimary(Boolean readsFallBackToPrimary) {
            this.readsFallBackToPrimary = readsFallBackToPrimary;
        }

        public Boolean getReadYourWrites() {
            return readYourWrites;
        }

        public void setReadYourWrites(Boolean readYourWrites) {
            this.readYourWrites = readYourWrites;
        }

        public Long getReadYourWritesTimeoutMillis() {
            return readYourWritesTimeoutMillis;
        }

        public void setReadYourWritesTimeoutMillis(Long readYourWritesTimeoutMillis) {
            this.readYourWritesTimeoutMillis = readYourWritesTimeoutMillis;
        }

        public Integer getParseCacheSize() {
            return parseCacheSize;
        }

        public void setParseCacheSize(Integer parseCacheSize) {
            this.parseCacheSize = parseCacheSize;
        }

        public Long getParseTimeoutMillis() {
            return parseTimeoutMillis;
        }

        public void setParseTimeoutMillis(Long parseTimeoutMillis) {
            this.parseTimeoutMillis = parseTimeoutMillis;
        }

        public Integer getWorkerId() {
            return workerId;
        }

        public void setWorkerId(Integer workerId) {
            this.workerId = workerId;
        }

        public Long getMaxClockBackwardMillis() {
            return maxClockBackwardMillis;
        }

        public void setMaxClockBackwardMillis(Long maxClockBackwardMillis) {
            this.maxClockBackwardMillis = maxClockBackwardMillis;
        }

        public Long getSequentialScatterBelowMicros() {
            return sequentialScatterBelowMicros;
        }

        public void setSequentialScatterBelowMicros(Long sequentialScatterBelowMicros) {
            this.sequentialScatterBelowMicros = sequentialScatterBelowMicros;
        }

        public Boolean getStoreSlotMap() {
            return storeSlotMap;
        }

        public void setStoreSlotMap(Boolean storeSlotMap) {
            this.storeSlotMap = storeSlotMap;
        }

        public String getMetadataDataSource() {
            return metadataDataSource;
        }

        public void setMetadataDataSource(String metadataDataSource) {
            this.metadataDataSource = metadataDataSource;
        }

        public Long getSlotMapPollMillis() {
            return slotMapPollMillis;
        }

        public void setSlotMapPollMillis(Long slotMapPollMillis) {
            this.slotMapPollMillis = slotMapPollMillis;
        }

        public Long getMetadataLeaseMillis() {
            return metadataLeaseMillis;
        }

        public void setMetadataLeaseMillis(Long metadataLeaseMillis) {
            this.metadataLeaseMillis = metadataLeaseMillis;
        }

        public Long getReshardWriteHoldMillis() {
            return reshardWriteHoldMillis;
        }

        public void setReshardWriteHoldMillis(Long reshardWriteHoldMillis) {
            this.reshardWriteHoldMillis = reshardWriteHoldMillis;
        }
    }
}
