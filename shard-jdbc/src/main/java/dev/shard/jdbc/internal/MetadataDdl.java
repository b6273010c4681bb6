package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the CREATE TABLE statements of Shard's metadata tables ({@value SlotMapStore#TABLE},
 * {@value ReshardTables#RESHARD}, {@value ReshardTables#INSTANCE}) say differently per engine of the metadata data
 * source. MySQL and MariaDB (and H2 in MySQL mode) keep the tables as they always were, with {@code LONGTEXT} and
 * {@code DATETIME(3)}; PostgreSQL has neither type, and takes {@code TEXT} and {@code TIMESTAMP(3) WITH TIME ZONE},
 * which hold the same values. Every other statement on these tables is plain enough for all of them.
 *
 * @param longText  the type of a slot map's text (tens of kilobytes)
 * @param timestamp the type of a heartbeat, set from the server's {@code CURRENT_TIMESTAMP(3)}
 * @param postgres  whether concurrent creations of one table may fail (see {@link #createIfMissing})
 */
record MetadataDdl(String longText, String timestamp, boolean postgres) {

    private static final MetadataDdl MYSQL = new MetadataDdl("LONGTEXT", "DATETIME(3)", false);
    private static final MetadataDdl POSTGRES = new MetadataDdl("TEXT", "TIMESTAMP(3) WITH TIME ZONE", true);

    static MetadataDdl of(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName()) ? POSTGRES : MYSQL;
    }

    /**
     * Runs {@code CREATE TABLE IF NOT EXISTS ...}. On PostgreSQL, two instances starting at once may both find the
     * table missing; the second creation then fails on the catalog's unique index (23505), on the name (42P07) or on
     * the table's row type, created with it under the same name (42710, "type ... already exists"), once the first
     * one committed. The table exists then, which is all the caller asked for.
     */
    void createIfMissing(Connection c, String createIfNotExists) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(createIfNotExists);
        } catch (SQLException e) {
            if (!postgres || !java.util.Set.of("23505", "42P07", "42710").contains(e.getSQLState())) {
                throw e;
            }
            if (!c.getAutoCommit()) {
                c.rollback(); // PostgreSQL refuses every further statement of a failed transaction
            }
        }
    }
}
