package dev.shard.core.config;

import dev.shard.core.internal.hash.SlotMap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The whole Shard configuration: data sources, sharded and broadcast tables, the slot map and settings.
 *
 * <p>Immutable and thread-safe; equality covers every configured value (not where it was loaded from), so a
 * configuration built in code equals the same configuration loaded from YAML. Instances are only created through
 * {@link #builder()} or the YAML loaders, and both validate the same way: an instance that exists is usable.
 */
public final class ShardConfig {

    private static final String BUILDER_SOURCE = "ShardConfig.builder()";

    private final List<DataSourceConfig> dataSources;
    private final Map<String, DataSourceConfig> dataSourcesByName;
    private final String defaultDataSource;
    private final Map<String, TableRule> tables;
    private final Set<String> broadcastTables;
    /** Empty unless slots are pinned. */
    private final Map<String, List<SlotRange>> slots;
    private final Settings settings;

    private ShardConfig(List<DataSourceConfig> dataSources, String defaultDataSource, Map<String, TableRule> tables,
                        Set<String> broadcastTables, Map<String, List<SlotRange>> slots, Settings settings) {
        this.dataSources = List.copyOf(dataSources);
        Map<String, DataSourceConfig> byName = new LinkedHashMap<>();
        for (DataSourceConfig ds : dataSources) {
            byName.put(ds.name(), ds);
        }
        this.dataSourcesByName = Collections.unmodifiableMap(byName);
        this.defaultDataSource = defaultDataSource;
        this.tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
        this.broadcastTables = Collections.unmodifiableSet(new LinkedHashSet<>(broadcastTables));
        this.slots = Collections.unmodifiableMap(new LinkedHashMap<>(slots));
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loads a YAML file, resolving {@code ${VAR}} from the process environment. */
    public static ShardConfig fromYaml(Path file) {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            // The absolute path answers the usual question: "relative to which working directory?"
            throw new ShardConfigException("configuration file not found: " + source
                    + (file.isAbsolute() ? "" : " (absolute path: " + file.toAbsolutePath() + ")"));
        } catch (IOException e) {
            throw new ShardConfigException(source + ": cannot read configuration file: " + e.getMessage(), e);
        }
        return fromYaml(decode(bytes, source), source, System::getenv);
    }

    /**
     * Loads a YAML resource, looking in the thread context class loader first (application servers and test runners
     * put the application's resources there), then in this class's loader. A leading '/' is ignored.
     */
    public static ShardConfig fromClasspath(String resource) {
        Objects.requireNonNull(resource, "resource");
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        String source = "classpath:" + name;
        InputStream in = null;
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            in = context.getResourceAsStream(name);
        }
        if (in == null) {
            ClassLoader own = ShardConfig.class.getClassLoader();
            in = own != null ? own.getResourceAsStream(name) : ClassLoader.getSystemResourceAsStream(name);
        }
        if (in == null) {
            throw new ShardConfigException("configuration resource not found on the classpath: " + name);
        }
        byte[] bytes;
        try (InputStream stream = in) {
            bytes = stream.readAllBytes();
        } catch (IOException e) {
            throw new ShardConfigException(source + ": cannot read configuration resource: " + e.getMessage(), e);
        }
        return fromYaml(decode(bytes, source), source, System::getenv);
    }

    /**
     * Parses YAML text.
     *
     * @param sourceName where the text came from, e.g. a file path; starts every error message
     * @param env        resolves {@code ${VAR}}; returns null for an unset variable
     */
    public static ShardConfig fromYaml(String yamlText, String sourceName, Function<String, String> env) {
        Objects.requireNonNull(yamlText, "yamlText");
        Objects.requireNonNull(env, "env");
        return YamlLoader.load(yamlText, sourceName == null ? "<yaml>" : sourceName, env);
    }

    private static String decode(byte[] bytes, String source) {
        String text;
        try {
            // A strict decoder: silently replacing bad bytes would corrupt a password instead of reporting it.
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ShardConfigException(source + ": not valid UTF-8");
        }
        // Editors on Windows like to add a byte order mark; YAML does not need it.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** In declaration order; the order fixes each data source's shard index. */
    public List<DataSourceConfig> dataSources() {
        return dataSources;
    }

    /** The data source with exactly this name, or null. */
    public DataSourceConfig dataSource(String name) {
        return name == null ? null : dataSourcesByName.get(name);
    }

    /** Where tables without a rule live. */
    public String defaultDataSource() {
        return defaultDataSource;
    }

    /** Lower-case table name to rule, in declaration order. */
    public Map<String, TableRule> tables() {
        return tables;
    }

    /** The rule for a table written in any case, optionally in backticks or double quotes; null if not sharded. */
    public TableRule tableRule(String table) {
        return table == null ? null : tables.get(Names.normalise(table));
    }

    /** Whether the table, written in any case and optionally quoted, is a broadcast table. */
    public boolean isBroadcast(String table) {
        return table != null && broadcastTables.contains(Names.normalise(table));
    }

    /** Lower-case names. */
    public Set<String> broadcastTables() {
        return broadcastTables;
    }

    /**
     * The pinned slot ranges by data source name, in declaration order; empty when slots are assigned by consistent
     * hashing. (Addition to the original contract: tools that plan resharding need the ranges as written.)
     */
    public Map<String, List<SlotRange>> slots() {
        return slots;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ShardConfig other)) {
            return false;
        }
        return dataSources.equals(other.dataSources)
                && defaultDataSource.equals(other.defaultDataSource)
                && tables.equals(other.tables)
                && broadcastTables.equals(other.broadcastTables)
                && slots.equals(other.slots)
                && settings.equals(other.settings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataSources, defaultDataSource, tables, broadcastTables, slots, settings);
    }

    /** Safe to log: passwords are masked by {@link DataSourceConfig#toString()}. */
    @Override
    public String toString() {
        return "ShardConfig{dataSources=" + dataSources
                + ", defaultDataSource=" + defaultDataSource
                + ", tables=" + tables.values()
                + ", broadcastTables=" + broadcastTables
                + (slots.isEmpty() ? "" : ", slots=" + slots)
                + ", settings=" + settings + "}";
    }

    /**
     * Collects configuration and validates all of it in {@link #build()}, exactly as the YAML loader does (the loader
     * is a client of this builder). Setters never throw: every problem is reported by build(), with the same message
     * a YAML file would get. Not thread-safe; reusable.
     */
    public static final class Builder {

        /** {@code jdbc:<subprotocol>:<rest>}, no surrounding whitespace. */
        private static final Pattern JDBC_URL = Pattern.compile("jdbc:[A-Za-z][A-Za-z0-9+._-]*:\\S(.*\\S)?");
        private static final Pattern DECIMAL = Pattern.compile("\\+?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

        private record DataSourceEntry(String name, Map<String, String> properties, Double weight) {
        }

        private record ReplicaEntry(String dataSource, Map<String, String> properties) {
        }

        private record TableEntry(String table, String shardingColumn, String algorithm) {
        }

        private record KeyGeneratorEntry(String table, String column, String type) {
        }

        private final List<DataSourceEntry> dataSources = new ArrayList<>();
        private final List<ReplicaEntry> replicas = new ArrayList<>();
        private String defaultDataSource;
        private final List<TableEntry> tables = new ArrayList<>();
        private final List<String> broadcastTables = new ArrayList<>();
        /** Null means "not pinned": an empty map is a configuration error, not the same thing. */
        private Map<String, List<String>> slots;
        private int parseCacheSize = Settings.DEFAULT_PARSE_CACHE_SIZE;
        private long parseTimeoutMillis = Settings.DEFAULT_PARSE_TIMEOUT_MILLIS;
        private final List<KeyGeneratorEntry> keyGenerators = new ArrayList<>();
        /** A long so that a YAML value beyond int range gets the same range message as any other bad worker id. */
        private long workerId = Settings.DEFAULT_WORKER_ID;
        private long maxClockBackwardMillis = Settings.DEFAULT_MAX_CLOCK_BACKWARD_MILLIS;
        private long sequentialScatterBelowMicros = Settings.DEFAULT_SEQUENTIAL_SCATTER_BELOW_MICROS;
        private boolean storeSlotMap = true;
        private String metadataDataSource;
        private long slotMapPollMillis = Settings.DEFAULT_SLOT_MAP_POLL_MILLIS;
        /** Null: derived from slotMapPollMillis. */
        private Long metadataLeaseMillis;
        private long reshardWriteHoldMillis = Settings.DEFAULT_RESHARD_WRITE_HOLD_MILLIS;
        private ReplicaSettings replicaSettings = ReplicaSettings.defaults();
        private String source = BUILDER_SOURCE;

        private Builder() {
        }

        /** Used by the YAML loader so that build() errors name the file. */
        Builder source(String sourceName) {
            this.source = sourceName;
            return this;
        }

        /**
         * A data source; declaration order matters (see {@link ShardConfig#dataSources()}).
         *
         * @param poolProperties HikariCP properties; a {@code weight} entry is taken out and used as the weight
         */
        public Builder dataSource(String name, Map<String, String> poolProperties) {
            dataSources.add(new DataSourceEntry(name, copy(poolProperties), null));
            return this;
        }

        /** A data source with an explicit weight; {@code poolProperties} must then not contain {@code weight}. */
        public Builder dataSource(String name, Map<String, String> poolProperties, double weight) {
            dataSources.add(new DataSourceEntry(name, copy(poolProperties), weight));
            return this;
        }

        /**
         * A read replica of {@code dataSource} (declared before or after it), with its own pool; replicas of one
         * data source are numbered in the order they are added. See docs/replication.md.
         *
         * @param poolProperties HikariCP properties ({@code jdbcUrl}, {@code username}, {@code password}, ...)
         */
        public Builder replica(String dataSource, Map<String, String> poolProperties) {
            replicas.add(new ReplicaEntry(dataSource, copy(poolProperties)));
            return this;
        }

        private static Map<String, String> copy(Map<String, String> properties) {
            // LinkedHashMap accepts null keys and values, which build() then reports instead of an NPE here.
            return properties == null ? new LinkedHashMap<>() : new LinkedHashMap<>(properties);
        }

        /** Defaults to the first data source. */
        public Builder defaultDataSource(String name) {
            this.defaultDataSource = name;
            return this;
        }

        public Builder shardedTable(String table, String shardingColumn) {
            return shardedTable(table, shardingColumn, null);
        }

        /**
         * Addition to the original contract, mirroring {@code tables.<t>.algorithm}.
         *
         * @param algorithm null or {@value TableRule#CONSISTENT_HASH}
         */
        public Builder shardedTable(String table, String shardingColumn, String algorithm) {
            tables.add(new TableEntry(table, shardingColumn, algorithm));
            return this;
        }

        /**
         * Generates {@code column} of a sharded table when an INSERT leaves it out; mirrors
         * {@code tables.<table>.keyGenerator}. The table must also be given to {@link #shardedTable}; the column may
         * be its sharding column.
         *
         * @param type {@code snowflake} or {@code uuid}, in any case
         */
        public Builder keyGenerator(String table, String column, String type) {
            keyGenerators.add(new KeyGeneratorEntry(table, column, type));
            return this;
        }

        public Builder broadcastTables(String... tables) {
            if (tables != null) {
                broadcastTables.addAll(Arrays.asList(tables));
            }
            return this;
        }

        /**
         * Pins slot ranges ("12" or "0-4095") to a data source. Once any data source has pinned slots, every slot
         * must be pinned exactly once. Repeated calls for one data source add ranges.
         */
        public Builder slots(String dataSource, String... ranges) {
            pinSlots();
            List<String> list = slots.computeIfAbsent(dataSource, k -> new ArrayList<>());
            if (ranges != null) {
                list.addAll(Arrays.asList(ranges));
            }
            return this;
        }

        /** Marks slots as pinned even if no range follows, so that an empty {@code slots:} mapping is reported. */
        Builder pinSlots() {
            if (slots == null) {
                slots = new LinkedHashMap<>();
            }
            return this;
        }

        public Builder parseCacheSize(int n) {
            this.parseCacheSize = n;
            return this;
        }

        public Builder parseTimeoutMillis(long ms) {
            this.parseTimeoutMillis = ms;
            return this;
        }

        /** This process's Snowflake worker id, {@value Settings#MIN_WORKER_ID}..{@value Settings#MAX_WORKER_ID}. */
        public Builder workerId(int id) {
            this.workerId = id;
            return this;
        }

        /** For the YAML loader, which reads whole numbers as longs. */
        Builder workerIdValue(long id) {
            this.workerId = id;
            return this;
        }

        /** How long a Snowflake generator waits for a clock that moved back; 0 or more. */
        public Builder maxClockBackwardMillis(long ms) {
            this.maxClockBackwardMillis = ms;
            return this;
        }

        /**
         * Below how many microseconds (the shard statements' recent time, added up) a statement on several shards
         * runs them one after another on the calling thread; 0 means always in parallel. See
         * {@link Settings#sequentialScatterBelowMicros()}.
         */
        public Builder sequentialScatterBelowMicros(long micros) {
            this.sequentialScatterBelowMicros = micros;
            return this;
        }

        /** Whether the slot map in force is kept in a metadata table; see {@link Settings#storeSlotMap()}. */
        public Builder storeSlotMap(boolean store) {
            this.storeSlotMap = store;
            return this;
        }

        /** The data source whose database holds the metadata table; defaults to the default data source. */
        public Builder metadataDataSource(String name) {
            this.metadataDataSource = name;
            return this;
        }

        /** How often each instance checks the stored slot map's version; positive. */
        public Builder slotMapPollMillis(long ms) {
            this.slotMapPollMillis = ms;
            return this;
        }

        /** See {@link Settings#metadataLeaseMillis()}; by default ten polls, at least 5 s. */
        public Builder metadataLeaseMillis(long ms) {
            this.metadataLeaseMillis = ms;
            return this;
        }

        /** See {@link Settings#reshardWriteHoldMillis()}. */
        public Builder reshardWriteHoldMillis(long ms) {
            this.reshardWriteHoldMillis = ms;
            return this;
        }

        /** How reads use replicas: health check, lag bound, fallback, read-your-writes (docs/replication.md). */
        public Builder replicaSettings(ReplicaSettings settings) {
            this.replicaSettings = settings;
            return this;
        }

        /** @throws ShardConfigException naming the first problem found */
        public ShardConfig build() {
            List<DataSourceConfig> built = buildDataSources();
            List<String> names = built.stream().map(DataSourceConfig::name).toList();

            String defaultName = defaultDataSource == null ? names.get(0) : defaultDataSource;
            if (!names.contains(defaultName)) {
                throw fail("defaultDataSource '" + defaultName + "' is not a configured data source; known data sources: "
                        + String.join(", ", names));
            }

            Map<String, TableRule> rules = buildTableRules();
            Set<String> broadcast = buildBroadcastTables(rules);
            addKeyGenerators(rules, broadcast);

            Map<String, List<SlotRange>> pinned = Map.of();
            if (slots != null) {
                pinned = buildSlots(names);
                try {
                    // Built only to validate: a pinned map that does not assign every slot exactly once is refused
                    // here, with the configuration's name, rather than when the first data source starts.
                    SlotMap.pinned(names, pinned);
                } catch (IllegalArgumentException e) {
                    throw fail("slots: " + e.getMessage(), e);
                }
            }

            check(SettingBounds.zeroOrMore("parseCacheSize", parseCacheSize, "no cache"));
            check(SettingBounds.positive("parseTimeoutMillis", parseTimeoutMillis));
            if (workerId < Settings.MIN_WORKER_ID || workerId > Settings.MAX_WORKER_ID) {
                throw fail("settings.workerId must be between " + Settings.MIN_WORKER_ID + " and "
                        + Settings.MAX_WORKER_ID + ", got " + workerId);
            }
            check(SettingBounds.zeroOrMore("maxClockBackwardMillis", maxClockBackwardMillis, "never wait"));
            check(SettingBounds.zeroOrMore("sequentialScatterBelowMicros", sequentialScatterBelowMicros,
                    "always parallel"));
            if (metadataDataSource != null && !names.contains(metadataDataSource)) {
                throw fail("settings.metadataDataSource '" + metadataDataSource + "' is not a configured data source;"
                        + " known data sources: " + String.join(", ", names));
            }
            check(SettingBounds.positive("slotMapPollMillis", slotMapPollMillis));
            long lease = metadataLeaseMillis != null ? metadataLeaseMillis
                    : Settings.defaultMetadataLeaseMillis(Math.min(slotMapPollMillis, Long.MAX_VALUE / 10));
            if (lease / 2 < slotMapPollMillis) {
                throw fail("settings.metadataLeaseMillis must be more than twice settings.slotMapPollMillis ("
                        + slotMapPollMillis + "), so that one slow poll does not stop writes; got " + lease);
            }
            check(SettingBounds.positive("reshardWriteHoldMillis", reshardWriteHoldMillis));
            if (replicaSettings == null) {
                throw fail("replicaSettings must not be null");
            }
            check(replicaSettings.problem());
            return new ShardConfig(built, defaultName, rules, broadcast, pinned,
                    new Settings(parseCacheSize, parseTimeoutMillis, (int) workerId, maxClockBackwardMillis,
                            sequentialScatterBelowMicros, storeSlotMap, metadataDataSource, slotMapPollMillis, lease,
                            reshardWriteHoldMillis, replicaSettings));
        }

        private List<DataSourceConfig> buildDataSources() {
            if (dataSources.isEmpty()) {
                throw fail("no data sources configured; define at least one under 'dataSources'");
            }
            List<DataSourceConfig> built = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (DataSourceEntry entry : dataSources) {
                String name = entry.name();
                if (name == null || name.isBlank()) {
                    throw fail("a data source has an empty name");
                }
                if (!seen.add(name)) {
                    throw fail("data source '" + name + "' is defined more than once");
                }
                Map<String, String> properties = new LinkedHashMap<>();
                String weightText = null;
                for (Map.Entry<String, String> p : entry.properties().entrySet()) {
                    String key = p.getKey();
                    if (key == null || key.isBlank()) {
                        throw fail("data source '" + name + "' has a property with an empty name");
                    }
                    if (p.getValue() == null) {
                        throw fail("data source '" + name + "': property '" + key
                                + "' has no value; write \"\" for an empty string");
                    }
                    if (key.equals("weight")) {
                        // A Shard setting, not a pool property: HikariCP would reject it.
                        weightText = p.getValue();
                    } else {
                        properties.put(key, p.getValue());
                    }
                }
                double weight = weight(name, entry.weight(), weightText);
                checkUrl(name, properties);
                built.add(new DataSourceConfig(name, properties, weight, buildReplicas(name)));
            }
            for (ReplicaEntry replica : replicas) {
                if (!seen.contains(replica.dataSource())) {
                    throw fail("a replica names data source '" + replica.dataSource()
                            + "', which is not configured; known data sources: " + String.join(", ", seen));
                }
            }
            return built;
        }

        private List<DataSourceConfig> buildReplicas(String dataSource) {
            List<DataSourceConfig> built = new ArrayList<>();
            for (ReplicaEntry entry : replicas) {
                if (!entry.dataSource().equals(dataSource)) {
                    continue;
                }
                String name = DataSourceConfig.replicaName(dataSource, built.size());
                for (Map.Entry<String, String> p : entry.properties().entrySet()) {
                    if (p.getKey() == null || p.getKey().isBlank()) {
                        throw fail("replica '" + name + "' has a property with an empty name");
                    }
                    if (p.getValue() == null) {
                        throw fail("replica '" + name + "': property '" + p.getKey()
                                + "' has no value; write \"\" for an empty string");
                    }
                    if (p.getKey().equals("weight") || p.getKey().equals("replicas")) {
                        throw fail("replica '" + name + "': '" + p.getKey() + "' is a setting of the data source, "
                                + "not of its replicas");
                    }
                }
                checkUrl(name, entry.properties());
                built.add(new DataSourceConfig(name, entry.properties(), DataSourceConfig.DEFAULT_WEIGHT));
            }
            return built;
        }

        private double weight(String name, Double explicit, String text) {
            if (explicit != null && text != null) {
                throw fail("data source '" + name + "': weight is given both as a pool property and as an argument");
            }
            double weight;
            String shown;
            if (explicit != null) {
                weight = explicit;
                shown = String.valueOf(weight);
            } else if (text != null) {
                shown = text;
                String t = text.strip();
                // Double.parseDouble alone would also accept "NaN", "Infinity", "1d" and hex floats.
                weight = DECIMAL.matcher(t).matches() ? Double.parseDouble(t) : Double.NaN;
            } else {
                return DataSourceConfig.DEFAULT_WEIGHT;
            }
            // 0 drains: the data source owns no slots under consistent hashing (a reshard moves its rows away).
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw fail("data source '" + name + "': weight must be a positive number, or 0 to drain it, got '"
                        + shown + "'");
            }
            return weight;
        }

        private void checkUrl(String name, Map<String, String> properties) {
            String url = properties.get("jdbcUrl");
            if (url == null) {
                String className = properties.get("dataSourceClassName");
                if (className == null || className.isBlank()) {
                    String hint = properties.keySet().stream()
                            .filter(k -> k.equalsIgnoreCase("url") || k.equalsIgnoreCase("jdbcUrl")
                                    || k.equalsIgnoreCase("jdbc-url") || k.equalsIgnoreCase("jdbc_url"))
                            .findFirst()
                            .map(k -> "; found '" + k + "', but the property is spelt 'jdbcUrl'")
                            .orElse("");
                    throw fail("data source '" + name + "' has no jdbcUrl (and no dataSourceClassName)" + hint);
                }
                return;
            }
            if (url.isBlank()) {
                throw fail("data source '" + name + "' has an empty jdbcUrl");
            }
            if (!JDBC_URL.matcher(url).matches()) {
                throw fail("data source '" + name + "' has a malformed jdbcUrl '" + Secrets.maskUrl(url)
                        + "'; expected jdbc:<subprotocol>:<rest>, e.g. jdbc:mysql://127.0.0.1:3306/shard0");
            }
        }

        private Map<String, TableRule> buildTableRules() {
            Map<String, TableRule> rules = new LinkedHashMap<>();
            for (TableEntry entry : tables) {
                String table = Names.normalise(entry.table());
                if (table == null || table.isEmpty()) {
                    throw fail("a table under 'tables' has an empty name");
                }
                if (rules.containsKey(table)) {
                    throw fail("table '" + table + "' is configured more than once under 'tables'"
                            + " (names compare case-insensitively)");
                }
                if (entry.shardingColumn() == null) {
                    throw fail("table '" + table + "' has no shardingColumn");
                }
                String column = Names.normalise(entry.shardingColumn());
                if (column.isEmpty()) {
                    throw fail("table '" + table + "' has an empty shardingColumn");
                }
                String algorithm = entry.algorithm() == null
                        ? TableRule.CONSISTENT_HASH
                        : entry.algorithm().strip().toLowerCase(Locale.ROOT);
                if (!algorithm.equals(TableRule.CONSISTENT_HASH)) {
                    throw fail("table '" + table + "' has unknown algorithm '" + entry.algorithm()
                            + "'; accepted: " + TableRule.CONSISTENT_HASH);
                }
                rules.put(table, new TableRule(table, column, algorithm));
            }
            return rules;
        }

        private Set<String> buildBroadcastTables(Map<String, TableRule> rules) {
            Set<String> broadcast = new LinkedHashSet<>();
            for (String written : broadcastTables) {
                String table = Names.normalise(written);
                if (table == null || table.isEmpty()) {
                    throw fail("broadcastTables contains an empty table name");
                }
                if (rules.containsKey(table)) {
                    throw fail("table '" + table + "' is both sharded (under 'tables') and broadcast"
                            + " (under 'broadcastTables'); a table must be one or the other");
                }
                broadcast.add(table);
            }
            return broadcast;
        }

        /** Replaces the rules of tables with a key generator by rules that carry it. */
        private void addKeyGenerators(Map<String, TableRule> rules, Set<String> broadcast) {
            Set<String> seen = new LinkedHashSet<>();
            for (KeyGeneratorEntry entry : keyGenerators) {
                String table = Names.normalise(entry.table());
                if (table == null || table.isEmpty()) {
                    throw fail("a keyGenerator is given for a table with an empty name");
                }
                TableRule rule = rules.get(table);
                if (rule == null) {
                    if (broadcast.contains(table)) {
                        // Every data source holds every row of a broadcast table, so there is no shard to choose
                        // and nothing for a generator to do that the table's own AUTO_INCREMENT cannot.
                        throw fail("table '" + table + "' is a broadcast table; a keyGenerator needs a sharded table"
                                + " (under 'tables')");
                    }
                    throw fail("keyGenerator given for table '" + table + "', which is not a sharded table (under"
                            + " 'tables'); sharded tables: " + (rules.isEmpty() ? "none" : String.join(", ",
                            rules.keySet())));
                }
                if (!seen.add(table)) {
                    throw fail("table '" + table + "' has more than one keyGenerator");
                }
                if (entry.column() == null) {
                    throw fail("table '" + table + "' has no keyGenerator.column");
                }
                String column = Names.normalise(entry.column());
                if (column.isEmpty()) {
                    throw fail("table '" + table + "' has an empty keyGenerator.column");
                }
                String accepted = "; accepted: " + String.join(", ", KeyGeneratorRule.Type.configNames());
                // No default type: the type fixes the column's SQL type (BIGINT or CHAR(36)) for good, so it is
                // better written down than guessed.
                if (entry.type() == null || entry.type().isBlank()) {
                    throw fail("table '" + table + "' has no keyGenerator.type" + accepted);
                }
                KeyGeneratorRule.Type type = KeyGeneratorRule.Type.fromConfigName(entry.type());
                if (type == null) {
                    throw fail("table '" + table + "' has unknown keyGenerator.type '" + entry.type() + "'" + accepted);
                }
                rules.put(table, new TableRule(rule.table(), rule.shardingColumn(), rule.algorithm(),
                        new KeyGeneratorRule(column, type)));
            }
        }

        private Map<String, List<SlotRange>> buildSlots(List<String> names) {
            if (slots.isEmpty()) {
                throw fail("'slots' is empty; assign every slot (0-" + (SlotMap.SLOT_COUNT - 1)
                        + ") to a data source, or remove 'slots' to use consistent hashing");
            }
            // Names first: a typo in a data source name is likelier than a bad range, and cheaper to explain.
            for (String dataSource : slots.keySet()) {
                if (!names.contains(dataSource)) {
                    throw fail("slots name data source '" + dataSource + "', which is not configured; known data sources: "
                            + String.join(", ", names));
                }
            }
            Map<String, List<SlotRange>> parsed = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : slots.entrySet()) {
                List<SlotRange> ranges = new ArrayList<>();
                for (String text : e.getValue()) {
                    if (text == null || text.isBlank()) {
                        throw fail("slots of data source '" + e.getKey() + "' contain an empty range");
                    }
                    try {
                        ranges.add(SlotRange.parse(text.strip()));
                    } catch (IllegalArgumentException ex) {
                        throw fail("slots of data source '" + e.getKey() + "': invalid range '" + text + "': "
                                + ex.getMessage(), ex);
                    }
                }
                parsed.put(e.getKey(), List.copyOf(ranges));
            }
            return parsed;
        }

        /** Fails with {@code problem} unless it is null (see {@link SettingBounds}). */
        private void check(String problem) {
            if (problem != null) {
                throw fail(problem);
            }
        }

        private ShardConfigException fail(String message) {
            return new ShardConfigException(source + ": " + message);
        }

        private ShardConfigException fail(String message, Throwable cause) {
            return new ShardConfigException(source + ": " + message, cause);
        }
    }
}
