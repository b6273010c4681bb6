package dev.shard.core.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the YAML form of the configuration into a {@link ShardConfig.Builder}; the builder does all semantic
 * validation, so YAML and code cannot drift apart. This class only checks shape: known keys, expected types.
 *
 * <p>It works on SnakeYAML's node graph rather than constructed Java objects, for three reasons: no object is ever
 * instantiated from the document (no type tags to exploit), scalars keep the text the user wrote (YAML 1.1 would
 * otherwise turn a password {@code 0123} into the octal number 83), and every node carries its line and column for
 * messages.
 */
final class YamlLoader {

    static final List<String> TOP_LEVEL_KEYS =
            List.of("dataSources", "defaultDataSource", "tables", "broadcastTables", "slots", "settings");
    static final List<String> TABLE_KEYS = List.of("shardingColumn", "algorithm", "keyGenerator");
    static final List<String> KEY_GENERATOR_KEYS = List.of("column", "type");
    static final List<String> SETTINGS_KEYS =
            List.of("parseCacheSize", "parseTimeoutMillis", "workerId", "maxClockBackwardMillis",
                    "sequentialScatterBelowMicros", "storeSlotMap", "metadataDataSource", "slotMapPollMillis",
                    "metadataLeaseMillis", "reshardWriteHoldMillis", "maxReplicaLagMillis", "replicaCheckMillis",
                    "readsFallBackToPrimary", "readYourWrites",
                    "readYourWritesTimeoutMillis");

    /** Scalar tags whose text is taken as written; anything else (binary, custom tags) is refused. */
    private static final Set<Tag> SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);
    /** Nested pool properties ({@code dataSource: {cachePrepStmts: true}}) deeper than this are surely a mistake. */
    private static final int MAX_PROPERTY_DEPTH = 8;

    private final String source;
    private final Function<String, String> env;

    private YamlLoader(String source, Function<String, String> env) {
        this.source = source;
        this.env = env;
    }

    static ShardConfig load(String text, String source, Function<String, String> env) {
        return new YamlLoader(source, env).load(text);
    }

    private ShardConfig load(String text) {
        ShardConfig.Builder builder = ShardConfig.builder().source(source);
        try {
            readTopLevel(newYaml().compose(new StringReader(text)), builder);
        } catch (MarkedYAMLException e) {
            throw syntaxError(e);
        } catch (YAMLException e) {
            throw new ShardConfigException(source + ": invalid YAML: " + e.getMessage());
        }
        return builder.build();
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        // Lets data sources share settings through anchors and "<<: *defaults"; resolved while composing because
        // nothing here constructs objects.
        options.setMergeOnCompose(true);
        // compose() never runs the constructor, but SafeConstructor keeps this Yaml instance safe should anyone
        // ever call load() on it.
        return new Yaml(new SafeConstructor(options));
    }

    /**
     * Reports SnakeYAML's problem, context and positions, but not its message: that includes a snippet of the
     * offending line, which may hold a password. For the same reason the exception is not attached as the cause.
     */
    private ShardConfigException syntaxError(MarkedYAMLException e) {
        StringBuilder message = new StringBuilder(source).append(": invalid YAML");
        Mark problemMark = e.getProblemMark();
        if (problemMark != null) {
            message.append(position(problemMark));
        }
        message.append(": ").append(e.getProblem() == null ? "syntax error" : e.getProblem().strip());
        if (e.getContext() != null) {
            message.append(" (").append(e.getContext().strip());
            if (e.getContextMark() != null) {
                message.append(position(e.getContextMark()));
            }
            message.append(')');
        }
        return new ShardConfigException(message.toString());
    }

    private static String position(Mark mark) {
        return " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    // ---- structure ------------------------------------------------------------------------------------------------

    private void readTopLevel(Node root, ShardConfig.Builder builder) {
        List<NodeTuple> entries = root == null ? null : mapping(root, "the top level", "a mapping");
        if (entries == null) {
            throw new ShardConfigException(source + ": the configuration is empty; expected at least 'dataSources'");
        }
        for (NodeTuple entry : entries) {
            String key = key(entry);
            Node value = entry.getValueNode();
            switch (key) {
                case "dataSources" -> readDataSources(value, builder);
                case "defaultDataSource" -> builder.defaultDataSource(scalar(value, "defaultDataSource"));
                case "tables" -> readTables(value, builder);
                case "broadcastTables" -> readBroadcastTables(value, builder);
                case "slots" -> readSlots(value, builder);
                case "settings" -> readSettings(value, builder);
                default -> throw unknownKey(key, "at top level", TOP_LEVEL_KEYS, entry.getKeyNode());
            }
        }
    }

    private void readDataSources(Node node, ShardConfig.Builder builder) {
        List<NodeTuple> entries = mapping(node, "'dataSources'", "a mapping of data source name to pool settings");
        if (entries == null) {
            return; // build() reports that there are no data sources
        }
        for (NodeTuple entry : entries) {
            String name = key(entry);
            String path = "dataSources." + name;
            Map<String, String> properties = new LinkedHashMap<>();
            List<NodeTuple> settings = mapping(entry.getValueNode(), "'" + path + "'",
                    "a mapping of pool properties (jdbcUrl, username, password, ...)");
            List<Map<String, String>> replicas = new ArrayList<>();
            if (settings != null) {
                List<NodeTuple> poolSettings = new ArrayList<>();
                for (NodeTuple setting : settings) {
                    if (key(setting).equals("replicas")) {
                        replicas.addAll(readReplicas(setting.getValueNode(), path + ".replicas"));
                    } else {
                        poolSettings.add(setting);
                    }
                }
                readProperties(poolSettings, "", path, properties, 0);
            }
            builder.dataSource(name, properties);
            replicas.forEach(replica -> builder.replica(name, replica));
        }
    }

    /** {@code replicas: [{jdbcUrl: ..., username: ..., ...}, ...]}: the pool properties of each replica. */
    private List<Map<String, String>> readReplicas(Node node, String path) {
        List<Map<String, String>> replicas = new ArrayList<>();
        List<Node> items = sequence(node, "'" + path + "'", "a list of replica pool settings");
        if (items == null) {
            return replicas;
        }
        for (int i = 0; i < items.size(); i++) {
            String itemPath = path + "[" + i + "]";
            Map<String, String> properties = new LinkedHashMap<>();
            List<NodeTuple> settings = mapping(items.get(i), "'" + itemPath + "'",
                    "a mapping of pool properties (jdbcUrl, username, password, ...)");
            if (settings != null) {
                readProperties(settings, "", itemPath, properties, 0);
            }
            replicas.add(properties);
        }
        return replicas;
    }

    /**
     * Flattens nested mappings into dotted HikariCP property names, so {@code dataSource: {cachePrepStmts: true}}
     * and {@code dataSource.cachePrepStmts: true} mean the same.
     */
    private void readProperties(List<NodeTuple> entries, String prefix, String dataSourcePath,
                                Map<String, String> out, int depth) {
        for (NodeTuple entry : entries) {
            String key = prefix + key(entry);
            String path = dataSourcePath + "." + key;
            Node value = entry.getValueNode();
            if (value instanceof MappingNode) {
                if (depth >= MAX_PROPERTY_DEPTH) {
                    throw error("'" + path + "' is nested too deeply", value);
                }
                readProperties(mapping(value, "'" + path + "'", "a mapping"), key + ".", dataSourcePath, out,
                        depth + 1);
                continue;
            }
            String text = scalar(value, path);
            if (text == null) {
                throw error("'" + path + "' has no value; write \"\" for an empty string", value);
            }
            if (out.putIfAbsent(key, text) != null) {
                throw error("'" + path + "' is given more than once", entry.getKeyNode());
            }
        }
    }

    private void readTables(Node node, ShardConfig.Builder builder) {
        List<NodeTuple> entries = mapping(node, "'tables'", "a mapping of table name to its rule");
        if (entries == null) {
            return;
        }
        for (NodeTuple entry : entries) {
            String table = key(entry);
            String path = "tables." + table;
            String column = null;
            String algorithm = null;
            Node keyGenerator = null;
            List<NodeTuple> rule = mapping(entry.getValueNode(), "'" + path + "'", "a mapping with shardingColumn");
            if (rule != null) {
                for (NodeTuple r : rule) {
                    String key = key(r);
                    switch (key) {
                        case "shardingColumn" -> column = scalar(r.getValueNode(), path + ".shardingColumn");
                        case "algorithm" -> algorithm = scalar(r.getValueNode(), path + ".algorithm");
                        case "keyGenerator" -> keyGenerator = r.getValueNode();
                        default -> throw unknownKey(key, "in " + path, TABLE_KEYS, r.getKeyNode());
                    }
                }
            }
            builder.shardedTable(table, column, algorithm);
            if (keyGenerator != null) {
                readKeyGenerator(keyGenerator, table, path + ".keyGenerator", builder);
            }
        }
    }

    private void readKeyGenerator(Node node, String table, String path, ShardConfig.Builder builder) {
        List<NodeTuple> entries = mapping(node, "'" + path + "'", "a mapping with column and type");
        if (entries == null) {
            return; // "keyGenerator:" with no value counts as absent, like every other key
        }
        String column = null;
        String type = null;
        for (NodeTuple entry : entries) {
            String key = key(entry);
            switch (key) {
                case "column" -> column = scalar(entry.getValueNode(), path + ".column");
                case "type" -> type = scalar(entry.getValueNode(), path + ".type");
                default -> throw unknownKey(key, "in " + path, KEY_GENERATOR_KEYS, entry.getKeyNode());
            }
        }
        builder.keyGenerator(table, column, type);
    }

    private void readBroadcastTables(Node node, ShardConfig.Builder builder) {
        List<Node> items = sequence(node, "'broadcastTables'", "a list of table names");
        if (items == null) {
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            String path = "broadcastTables[" + i + "]";
            String table = scalar(items.get(i), path);
            if (table == null) {
                throw error("'" + path + "' is empty", items.get(i));
            }
            builder.broadcastTables(table);
        }
    }

    private void readSlots(Node node, ShardConfig.Builder builder) {
        List<NodeTuple> entries = mapping(node, "'slots'", "a mapping of data source name to a list of slot ranges");
        if (entries == null) {
            return; // "slots:" with no value: not pinned
        }
        builder.pinSlots();
        for (NodeTuple entry : entries) {
            String dataSource = key(entry);
            String path = "slots." + dataSource;
            List<Node> items = sequence(entry.getValueNode(), "'" + path + "'",
                    "a list of slot ranges such as [\"0-" + (dev.shard.core.internal.hash.SlotMap.SLOT_COUNT / 2 - 1) + "\"]");
            List<String> ranges = new ArrayList<>();
            if (items != null) {
                for (int i = 0; i < items.size(); i++) {
                    String itemPath = path + "[" + i + "]";
                    String range = scalar(items.get(i), itemPath);
                    if (range == null) {
                        throw error("'" + itemPath + "' is empty", items.get(i));
                    }
                    ranges.add(range);
                }
            }
            builder.slots(dataSource, ranges.toArray(String[]::new));
        }
    }

    private void readSettings(Node node, ShardConfig.Builder builder) {
        List<NodeTuple> entries = mapping(node, "'settings'", "a mapping");
        if (entries == null) {
            return;
        }
        ReplicaSettings r = ReplicaSettings.defaults();
        for (NodeTuple entry : entries) {
            String key = key(entry);
            Node value = entry.getValueNode();
            String path = "settings." + key;
            switch (key) {
                case "maxReplicaLagMillis" -> r = r.withMaxReplicaLagMillis(wholeNumber(value, path, Long.MAX_VALUE));
                case "replicaCheckMillis" -> r = r.withReplicaCheckMillis(wholeNumber(value, path, Long.MAX_VALUE));
                case "readsFallBackToPrimary" -> r = r.withReadsFallBackToPrimary(trueOrFalse(value, path));
                case "readYourWrites" -> r = r.withReadYourWrites(trueOrFalse(value, path));
                case "readYourWritesTimeoutMillis" -> r = r.withReadYourWritesTimeoutMillis(
                        wholeNumber(value, path, Long.MAX_VALUE));
                case "parseCacheSize" -> builder.parseCacheSize(
                        Math.toIntExact(wholeNumber(value, "settings.parseCacheSize", Integer.MAX_VALUE)));
                case "parseTimeoutMillis" -> builder.parseTimeoutMillis(
                        wholeNumber(value, "settings.parseTimeoutMillis", Long.MAX_VALUE));
                case "workerId" -> builder.workerIdValue(wholeNumber(value, "settings.workerId", Long.MAX_VALUE));
                case "maxClockBackwardMillis" -> builder.maxClockBackwardMillis(
                        wholeNumber(value, "settings.maxClockBackwardMillis", Long.MAX_VALUE));
                case "sequentialScatterBelowMicros" -> builder.sequentialScatterBelowMicros(
                        wholeNumber(value, "settings.sequentialScatterBelowMicros", Long.MAX_VALUE));
                case "storeSlotMap" -> builder.storeSlotMap(trueOrFalse(value, "settings.storeSlotMap"));
                case "metadataDataSource" -> builder.metadataDataSource(scalar(value, "settings.metadataDataSource"));
                case "slotMapPollMillis" -> builder.slotMapPollMillis(
                        wholeNumber(value, "settings.slotMapPollMillis", Long.MAX_VALUE));
                case "metadataLeaseMillis" -> builder.metadataLeaseMillis(
                        wholeNumber(value, "settings.metadataLeaseMillis", Long.MAX_VALUE));
                case "reshardWriteHoldMillis" -> builder.reshardWriteHoldMillis(
                        wholeNumber(value, "settings.reshardWriteHoldMillis", Long.MAX_VALUE));
                default -> throw unknownKey(key, "in settings", SETTINGS_KEYS, entry.getKeyNode());
            }
        }
        builder.replicaSettings(r);
    }

    // ---- typed access -----------------------------------------------------------------------------------------------

    private boolean trueOrFalse(Node node, String path) {
        String text = scalar(node, path);
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw error("'" + path + "' must be true or false, got '" + text + "'", node);
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    /**
     * The entries of a mapping, or null for an absent value ({@code key:} alone); a type error otherwise.
     * Keys must be plain, unique scalars.
     */
    private List<NodeTuple> mapping(Node node, String label, String expected) {
        if (isNull(node)) {
            return null;
        }
        if (!(node instanceof MappingNode map) || !node.getTag().equals(Tag.MAP)) {
            throw error(label + " must be " + expected + ", but is " + kind(node), node);
        }
        Set<String> seen = new HashSet<>();
        for (NodeTuple entry : map.getValue()) {
            Node keyNode = entry.getKeyNode();
            if (!(keyNode instanceof ScalarNode) || isNull(keyNode)) {
                throw error("keys in " + label + " must be names, but one is " + kind(keyNode), keyNode);
            }
            String key = ((ScalarNode) keyNode).getValue();
            if (!seen.add(key)) {
                throw error("duplicate key '" + key + "' in " + label, keyNode);
            }
        }
        return map.getValue();
    }

    /** The items of a list, or null for an absent value; a type error otherwise. */
    private List<Node> sequence(Node node, String label, String expected) {
        if (isNull(node)) {
            return null;
        }
        if (!(node instanceof SequenceNode seq) || !node.getTag().equals(Tag.SEQ)) {
            throw error(label + " must be " + expected + ", but is " + kind(node), node);
        }
        return seq.getValue();
    }

    /** Keys are used as written: no substitution, which is for values only. */
    private static String key(NodeTuple entry) {
        return ((ScalarNode) entry.getKeyNode()).getValue();
    }

    /**
     * The text of a scalar value with {@code ${VAR}} resolved, or null for an absent value. Booleans are spelt
     * true/false whatever YAML 1.1 spelling was used ({@code yes}, {@code on}, ...), because HikariCP parses only
     * those; everything else keeps the text as written.
     *
     * @param path the dotted key, for messages
     */
    private String scalar(Node node, String path) {
        if (isNull(node)) {
            return null;
        }
        if (!(node instanceof ScalarNode s)) {
            throw error("'" + path + "' must be a single value, but is " + kind(node), node);
        }
        if (!SCALAR_TAGS.contains(s.getTag())) {
            throw error("'" + path + "' has unsupported YAML tag " + s.getTag().getValue(), node);
        }
        if (s.getTag().equals(Tag.BOOL)) {
            String v = s.getValue().toLowerCase(Locale.ROOT);
            return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y") ? "true" : "false";
        }
        return EnvSubstitution.substitute(s.getValue(), env, source, path);
    }

    private long wholeNumber(Node node, String path, long max) {
        String text = scalar(node, path);
        if (text == null) {
            throw error("'" + path + "' has no value", node);
        }
        long value;
        try {
            value = Long.parseLong(text.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("'" + path + "' must be a whole number, got '" + text + "'", node);
        }
        if (value > max || value < -max) {
            throw error("'" + path + "' is out of range, got " + value, node);
        }
        return value;
    }

    private static String kind(Node node) {
        if (node instanceof MappingNode) {
            return node.getTag().equals(Tag.MAP) ? "a mapping" : "a mapping tagged " + node.getTag().getValue();
        }
        if (node instanceof SequenceNode) {
            return node.getTag().equals(Tag.SEQ) ? "a list" : "a list tagged " + node.getTag().getValue();
        }
        return isNull(node) ? "empty" : "a single value";
    }

    private ShardConfigException unknownKey(String key, String where, List<String> expected, Node keyNode) {
        StringBuilder message = new StringBuilder("unknown key '").append(key).append("' ").append(where)
                .append("; expected one of ").append(String.join(", ", expected));
        String guess = Names.closest(key, expected);
        if (guess != null) {
            message.append("; did you mean '").append(guess).append("'?");
        }
        return error(message.toString(), keyNode);
    }

    private ShardConfigException error(String message, Node node) {
        Mark mark = node.getStartMark();
        return new ShardConfigException(source + ": " + message + (mark == null ? ""
                : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")"));
    }
}
