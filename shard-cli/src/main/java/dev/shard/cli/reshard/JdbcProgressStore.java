package dev.shard.cli.reshard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The table {@value #TABLE} on the metadata data source (beside the stored slot map), one row per item. Each write
 * is its own autocommitted statement: a killed run leaves every item as last written.
 */
final class JdbcProgressStore implements ProgressStore {

    static final String TABLE = "shard_reshard_progress";

    private final DataSource database;
    private final String dataSourceName;
    /**
     * Whether this store created the table (or found it) since it was last dropped: every checkpoint of the copy is
     * a put, which ran a CREATE TABLE IF NOT EXISTS (a DDL statement and its metadata lock) each time. One run at a
     * time writes the progress (ReshardToolLock), and only {@link #clear} drops it.
     */
    private volatile boolean created;

    JdbcProgressStore(DataSource database, String dataSourceName) {
        this.database = database;
        this.dataSourceName = dataSourceName;
    }

    @Override
    public Map<String, String> readAll() throws SQLException {
        Map<String, String> items = new TreeMap<>();
        try (Connection c = database.getConnection()) {
            if (!exists(c)) {
                return items;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT item, value FROM " + TABLE)) {
                while (rs.next()) {
                    items.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw failure("read", e);
        }
        return items;
    }

    @Override
    public void put(String item, String value) throws SQLException {
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(true);
            boolean assumed = created;
            try {
                upsert(c, item, value, !assumed);
            } catch (SQLException e) {
                if (!assumed) {
                    throw e;
                }
                // Dropped since by another run on the same deployment (an abort through the Java API, say):
                // create it again, once. The upsert is idempotent.
                upsert(c, item, value, true);
            }
        } catch (SQLException e) {
            throw failure("write", e);
        }
    }

    private void upsert(Connection c, String item, String value, boolean create) throws SQLException {
        boolean postgres = SqlDialect.of(c) == SqlDialect.POSTGRES;
        if (create) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (item VARCHAR(255) NOT NULL PRIMARY KEY,"
                        + (postgres ? " value TEXT NOT NULL, updated_at TIMESTAMP(3) NOT NULL DEFAULT"
                        + " CURRENT_TIMESTAMP(3))" : " value LONGTEXT NOT NULL, updated_at TIMESTAMP(3) NOT NULL"
                        + " DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))"));
            }
            created = true;
        }
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO " + TABLE + " (item, value) VALUES (?, ?)"
                + (postgres ? " ON CONFLICT (item) DO UPDATE SET value = EXCLUDED.value, updated_at ="
                + " CURRENT_TIMESTAMP(3)" : " ON DUPLICATE KEY UPDATE value = VALUES(value)"))) {
            upsert.setString(1, item);
            upsert.setString(2, value);
            upsert.executeUpdate();
        }
    }

    @Override
    public void clear() throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            created = false;
            s.execute("DROP TABLE IF EXISTS " + TABLE);
        } catch (SQLException e) {
            throw failure("drop", e);
        }
    }

    private static boolean exists(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, TABLE, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    private SQLException failure(String action, SQLException e) {
        return new SQLException("Cannot " + action + " the reshard progress (table " + TABLE + " on data source "
                + dataSourceName + "): " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
    }
}
