package dev.shard.jdbc.internal;

import dev.shard.core.internal.hash.CollationWeights;
import dev.shard.core.internal.route.ShardMap;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes string shard keys by their column's collation: the collation comes from {@link KeyCatalog} (read once
 * per table, forgotten on DDL), its weights from {@link CollationWeights}. A collation Shard has no weights for
 * ({@code utf8mb4_0900_ai_ci}, {@code uca1400}, {@code latin1_*}...) keeps the collation-independent fold, with a
 * warning logged once per collation: strings that collation holds equal but the fold does not (under
 * {@code utf8mb4_0900_ai_ci}, few) could reach different shards. Non-string values, and every value on a server
 * without {@code information_schema} (H2), route as before.
 */
final class KeyCollations {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeyCollations.class);

    private final KeyCatalog catalog;
    private final boolean enabled;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    /**
     * The map {@link #over} made last: every statement routes through one, and the topology it wraps changes only
     * with a reshard, so one per topology is enough.
     */
    private volatile Collated last;

    /** @param enabled whether the data sources are MySQL or MariaDB servers, whose catalog says the collation */
    KeyCollations(KeyCatalog catalog, boolean enabled) {
        this.catalog = catalog;
        this.enabled = enabled;
    }

    /** {@code shards}, routing string keys by their column's collation. */
    ShardMap over(ShardMap shards) {
        if (!enabled) {
            return shards;
        }
        Collated collated = last;
        if (collated == null || collated.shards() != shards) {
            collated = new Collated(shards, this);
            last = collated;
        }
        return collated;
    }

    /** The slot of a key of a sharding column, exactly as {@link #over} routes it. */
    int slotOf(Object value, String table, String column) throws SQLException {
        if (enabled && value instanceof String) {
            return dev.shard.core.internal.hash.ShardKeys.slotOf(value, of(table, column));
        }
        return dev.shard.core.internal.hash.ShardKeys.slotOf(value);
    }

    /** The weights of the column's collation, or null: not a string column, or a collation without a table. */
    CollationWeights of(String table, String column) throws SQLException {
        KeyCatalog.ColumnType type = catalog.column(table, column);
        if (type == null || type.collation() == null) {
            return null;
        }
        CollationWeights weights;
        try {
            weights = CollationWeights.of(type.collation());
        } catch (RuntimeException e) {
            // A weight table that cannot be read is a broken installation: no key of the column can be routed.
            throw new SQLException("Cannot route on sharding column " + column + " of " + table + ": the weight table"
                    + " of collation " + type.collation() + " cannot be read: " + e.getMessage(), "HY000", e);
        }
        if (weights == null && warned.add(type.collation())) {
            LOG.warn("Sharding column {}.{} has collation {}, for which Shard has no weight table: its string keys"
                    + " are routed by case, accent and trailing-space folding, which may put strings the collation"
                    + " holds equal on different shards. Collations with tables: utf8mb4_general_ci,"
                    + " utf8mb4_unicode_ci, utf8mb4_bin (see docs/routing.md)", table, column, type.collation());
        }
        return weights;
    }

    /**
     * Refuses data sources a new slot map brings into use whose string sharding columns have another collation than
     * the one keys are hashed by (the default data source's): the keys would reach them by one collation's weights
     * and be compared there by another's, so strings one holds equal and the other does not would be lost. A table
     * that either side lacks is not compared (the default's is read again after DDL through Shard).
     *
     * @param joining the new data sources' pools, by name
     * @throws Mismatch naming the data source, the column and both collations
     * @throws dev.shard.core.config.ShardConfigException when a data source cannot be asked (the slot map's
     *         follower asks again at its next poll)
     */
    void checkJoining(java.util.Map<String, ? extends javax.sql.DataSource> joining,
                      java.util.Map<String, dev.shard.core.config.TableRule> tables) {
        if (enabled && !joining.isEmpty()) {
            try {
                compareJoining(joining, tables);
            } catch (SQLException e) {
                throw new dev.shard.core.config.ShardConfigException(e.getMessage(), e);
            }
        }
    }

    private void compareJoining(java.util.Map<String, ? extends javax.sql.DataSource> joining,
                                java.util.Map<String, dev.shard.core.config.TableRule> tables) throws SQLException {
        java.util.List<String[]> hashedBy = new java.util.ArrayList<>(); // table, column, collation
        for (dev.shard.core.config.TableRule rule : tables.values()) {
            KeyCatalog.ColumnType type = rule.shardingColumn() == null ? null
                    : catalog.column(rule.table(), rule.shardingColumn());
            if (type != null && type.collation() != null) {
                hashedBy.add(new String[] {rule.table(), rule.shardingColumn(), type.collation()});
            }
        }
        for (java.util.Map.Entry<String, ? extends javax.sql.DataSource> source : joining.entrySet()) {
            if (hashedBy.isEmpty()) {
                return;
            }
            try (java.sql.Connection c = source.getValue().getConnection();
                 java.sql.PreparedStatement read = c.prepareStatement("SELECT COLLATION_NAME FROM "
                         + "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
                         + "AND COLUMN_NAME = ?")) {
                for (String[] key : hashedBy) {
                    read.setString(1, key[0]);
                    read.setString(2, key[1]);
                    try (java.sql.ResultSet rows = read.executeQuery()) {
                        String there = rows.next() ? rows.getString(1) : null;
                        if (there != null && !there.equalsIgnoreCase(key[2])) {
                            throw new Mismatch("Data source " + source.getKey() + " cannot take slots: sharding column "
                                    + key[0] + "." + key[1] + " has collation " + there + " there, but its keys are "
                                    + "hashed by " + key[2] + " (the default data source's); make the collations "
                                    + "equal, then publish the slot map again");
                        }
                    }
                }
            } catch (SQLException e) {
                throw SqlExceptions.withMessage(e, "Cannot read the collations of the sharding columns on data source "
                        + source.getKey() + ": " + e.getMessage());
            }
        }
    }

    /** A data source a slot map brings in sorts string keys by another collation (see {@link #checkJoining}). */
    static final class Mismatch extends dev.shard.core.config.ShardConfigException {

        Mismatch(String message) {
            super(message);
        }
    }

    private record Collated(ShardMap shards, KeyCollations collations) implements ShardMap {

        @Override
        public int shardCount() {
            return shards.shardCount();
        }

        @Override
        public int defaultShard() {
            return shards.defaultShard();
        }

        @Override
        public int shardOf(Object value) {
            return shards.shardOf(value);
        }

        @Override
        public int shardOf(Object value, String table, String column) throws SQLException {
            if (!(value instanceof String || value instanceof Character) || !(shards instanceof Topology topology)) {
                return shards.shardOf(value, table, column);
            }
            return topology.slotMap().shardIndexOf(value, collations.of(table, column));
        }

        @Override
        public String shardName(int shard) {
            return shards.shardName(shard);
        }
    }
}
