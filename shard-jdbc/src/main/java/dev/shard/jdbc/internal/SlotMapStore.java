package dev.shard.jdbc.internal;

import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.hash.SlotMapCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The slot map in force, kept as one versioned row of the table {@value #TABLE} in the metadata data source's
 * database, so that every instance started from the same configuration routes by the same map, and adding a data
 * source to the configuration moves nothing until a reshard publishes a map that gives it slots.
 *
 * <p>Every change is a compare-and-set on the version ({@link #publish}), and the first store is an INSERT on the
 * primary key: when several instances start at once, one insert wins and the others, refused by the key, read the
 * winner's row. The SQL is plain enough for MariaDB, MySQL, PostgreSQL and H2 alike; only the table's column types
 * differ ({@link MetadataDdl}).
 *
 * <p>Used by the runtime (at start and by {@link SlotMapFollower}); {@link #publish} is the seam for the reshard tool.
 */
public final class SlotMapStore implements AutoCloseable {

    static final String TABLE = "shard_slot_map";
    /** The one row; a key rather than "the only row" so that a concurrent first insert fails instead of adding one. */
    private static final int ROW = 1;

    private final com.zaxxer.hikari.HikariDataSource database;
    private final String dataSourceName;

    /** A stored map and its version; versions start at 1 and each publish adds one. */
    public record Stored(long version, SlotMap map) {
    }

    /** @param dataSourceName the data source {@code database} belongs to, for messages */
    SlotMapStore(com.zaxxer.hikari.HikariDataSource database, String dataSourceName) {
        this.database = database;
        this.dataSourceName = dataSourceName;
    }

    /**
     * The store of this configuration's metadata data source, with its own pool of one connection (closed by
     * {@link #close}): the poll never waits behind the application for a connection, and the application's pool
     * statistics do not count it.
     */
    public static SlotMapStore open(ShardConfig config) {
        String named = config.settings().metadataDataSource();
        DataSourceConfig source = config.dataSource(named != null ? named : config.defaultDataSource());
        Map<String, String> properties = new LinkedHashMap<>(source.poolProperties());
        properties.put("maximumPoolSize", "1");
        properties.put("minimumIdle", "1");
        properties.put("poolName", "shard-metadata-" + source.name());
        return new SlotMapStore(PoolStarter.start(new DataSourceConfig(source.name(), properties, source.weight())),
                source.name());
    }

    /** Where the row lives, for messages. */
    String location() {
        return "table " + TABLE + " on data source " + dataSourceName;
    }

    /**
     * The stored map; if there is none yet, {@code initial} is stored as version 1 and returned, unless another
     * instance stored one first, whose map is returned instead.
     */
    Stored loadOrStore(SlotMap initial) throws SQLException {
        try (Connection c = database.getConnection()) {
            MetadataDdl ddl = MetadataDdl.of(c);
            ddl.createIfMissing(c, "CREATE TABLE IF NOT EXISTS " + TABLE + " (id INT NOT NULL PRIMARY KEY,"
                    + " map_version BIGINT NOT NULL, slot_map " + ddl.longText() + " NOT NULL)");
            commitIfNeeded(c);
            Stored stored = read(c);
            if (stored != null) {
                return stored;
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO " + TABLE + " (id, map_version, slot_map) VALUES (?, 1, ?)")) {
                insert.setInt(1, ROW);
                insert.setString(2, SlotMapCodec.encode(initial));
                insert.executeUpdate();
                commitIfNeeded(c);
                return new Stored(1, initial);
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                    throw e;
                }
                rollbackIfNeeded(c);
                // Another instance stored its map first: both maps came from the same rules, but the stored one wins.
                Stored winner = read(c);
                if (winner == null) {
                    throw new SQLException("Cannot store the slot map in " + location() + ": " + e.getMessage(),
                            e.getSQLState(), e);
                }
                return winner;
            }
        }
    }

    /** The stored version, or 0 if nothing is stored: the one cheap query each instance polls with. */
    long version() throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT map_version FROM " + TABLE + " WHERE id = ?")) {
            select.setInt(1, ROW);
            try (ResultSet rs = select.executeQuery()) {
                long version = rs.next() ? rs.getLong(1) : 0;
                commitIfNeeded(c);
                return version;
            }
        }
    }

    /** The stored map, or null if nothing is stored yet. */
    public Stored read() throws SQLException {
        try (Connection c = database.getConnection()) {
            return read(c);
        }
    }

    Stored read(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT map_version, slot_map FROM " + TABLE + " WHERE id = ?")) {
            select.setInt(1, ROW);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    commitIfNeeded(c);
                    return null;
                }
                long version = rs.getLong(1);
                String text = rs.getString(2);
                commitIfNeeded(c);
                try {
                    return new Stored(version, SlotMapCodec.decode(text));
                } catch (IllegalArgumentException e) {
                    throw new SQLException("The slot map stored in " + location() + " (version " + version
                            + ") is unusable: " + e.getMessage() + ". Restore the row from a backup; Shard will not"
                            + " route by a map it cannot verify", "XX001", e);
                }
            }
        }
    }

    /**
     * Makes {@code next} the stored map if the stored version is still {@code expectedVersion}; every instance
     * routes by it within its {@code slotMapPollMillis}.
     *
     * @return the new version, or -1 if the stored version was not {@code expectedVersion} (nothing changed)
     */
    public long publish(long expectedVersion, SlotMap next) throws SQLException {
        try (Connection c = database.getConnection()) {
            boolean published = publish(c, expectedVersion, next);
            commitIfNeeded(c);
            return published ? expectedVersion + 1 : -1;
        }
    }

    /** The compare-and-set of {@link #publish(long, SlotMap)} on {@code c}, in the caller's transaction. */
    static boolean publish(Connection c, long expectedVersion, SlotMap next) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + TABLE
                + " SET map_version = ?, slot_map = ? WHERE id = ? AND map_version = ?")) {
            update.setLong(1, expectedVersion + 1);
            update.setString(2, SlotMapCodec.encode(next));
            update.setInt(3, ROW);
            update.setLong(4, expectedVersion);
            return update.executeUpdate() == 1;
        }
    }

    /** A connection of the store's own pool (one connection: close it before the next use). */
    Connection connection() throws SQLException {
        return database.getConnection();
    }

    /** Closes the store's pool. */
    @Override
    public void close() {
        database.close();
    }

    /** A pool may be configured with autoCommit false; the store's statements are each their own transaction. */
    private static void commitIfNeeded(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    private static void rollbackIfNeeded(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
        }
    }
}
