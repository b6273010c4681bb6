package dev.shard.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads {@code information_schema.COLUMNS} of a MySQL-family database (or of a PostgreSQL connection's current
 * schema), in table and ordinal order: the one reader
 * behind the tools' views of columns (the diff's {@link SchemaSnapshot}, the reshard's table shapes and binlog
 * columns), each asking for the fields it needs.
 */
public final class ColumnCatalog {

    /** Which tables' columns to read. */
    public enum Tables {
        /** Every table of the database. */
        ALL,
        /** The table with exactly this name (as the binary log names it). */
        NAMED,
        /** The table whose name equals this one but for case (as the configuration names it). */
        NAMED_IGNORING_CASE
    }

    /** Called for each column read; the result set has TABLE_NAME first, then the fields asked for, in order. */
    @FunctionalInterface
    public interface ColumnReader {
        void column(ResultSet row) throws SQLException;
    }

    private ColumnCatalog() {
    }

    private static boolean postgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT)
                .contains("postgres");
    }

    /**
     * @param database the database, or null for the connection's own
     * @param which    which tables: every one, or {@code table} by its exact name or by its name in any case
     * @param table    the table's name; ignored for {@link Tables#ALL}
     * @param fields   the COLUMNS fields to read, after TABLE_NAME (COLUMN_NAME, DATA_TYPE, EXTRA...)
     */
    public static void read(Connection connection, String database, Tables which, String table, List<String> fields,
                            ColumnReader reader) throws SQLException {
        String sql = "SELECT TABLE_NAME, " + String.join(", ", fields) + " FROM information_schema.COLUMNS WHERE"
                + (database != null ? " TABLE_SCHEMA = ?" : postgres(connection) ? " TABLE_SCHEMA = current_schema()"
                : " TABLE_SCHEMA = DATABASE()")
                + switch (which) {
                    case ALL -> "";
                    case NAMED -> " AND TABLE_NAME = ?";
                    case NAMED_IGNORING_CASE -> " AND LOWER(TABLE_NAME) = LOWER(?)";
                }
                + " ORDER BY TABLE_NAME, ORDINAL_POSITION";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            int parameter = 1;
            if (database != null) {
                select.setString(parameter++, database);
            }
            if (which != Tables.ALL) {
                select.setString(parameter, table);
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    reader.column(rs);
                }
            }
        }
    }
}
