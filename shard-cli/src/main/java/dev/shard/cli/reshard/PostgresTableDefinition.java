package dev.shard.cli.reshard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A PostgreSQL table's definition, for creating it on a data source that receives slots. PostgreSQL has no
 * {@code SHOW CREATE TABLE}; every part comes as the server's catalog functions print it ({@code format_type},
 * {@code pg_get_expr}, {@code pg_get_constraintdef}, {@code pg_get_indexdef}), so nothing of SQL is parsed here:
 * columns with their types, collations, defaults, identity and generation, NOT NULL, the constraints, the indexes
 * that back no constraint, and the sequences that column defaults draw from.
 *
 * @param create      the statements creating the sequences, the table and its indexes
 * @param foreignKeys the foreign keys, to add once every table exists
 */
record PostgresTableDefinition(List<String> create, List<String> foreignKeys) {

    private static final String COLUMNS = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
            + " pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,"
            + " CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,"
            + " pg_get_serial_sequence(quote_ident(c.relname), a.attname)"
            + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid"
            + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            + " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
            + " WHERE c.oid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

    private static final String CONSTRAINTS = "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint"
            + " WHERE conrelid = ?::regclass ORDER BY contype = 'f', conname";

    private static final String INDEXES = "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
            + " WHERE i.indrelid = ?::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
            + " WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)";

    /** The definition of {@code table} (of the connection's current schema). */
    static PostgresTableDefinition read(Connection c, String table) throws SQLException {
        String name = actualName(c, table);
        String quoted = SqlDialect.POSTGRES.quote(name);
        List<String> create = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(COLUMNS)) {
            s.setString(1, quoted);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    parts.add(column(rs, create));
                }
            }
        }
        List<String> foreignKeys = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(CONSTRAINTS)) {
            s.setString(1, quoted);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String constraint = "CONSTRAINT " + SqlDialect.POSTGRES.quote(rs.getString(1)) + " "
                            + rs.getString(2);
                    if ("f".equals(rs.getString(3))) {
                        foreignKeys.add("ALTER TABLE " + quoted + " ADD " + constraint);
                    } else if (!"n".equals(rs.getString(3))) { // NOT NULL constraints come with their columns
                        parts.add(constraint);
                    }
                }
            }
        }
        create.add("CREATE TABLE " + quoted + " (" + String.join(", ", parts) + ")");
        try (PreparedStatement s = c.prepareStatement(INDEXES)) {
            s.setString(1, quoted);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    create.add(rs.getString(1));
                }
            }
        }
        return new PostgresTableDefinition(List.copyOf(create), List.copyOf(foreignKeys));
    }

    /** One column's definition; a sequence its default draws from is created first. */
    private static String column(ResultSet rs, List<String> create) throws SQLException {
        StringBuilder column = new StringBuilder(SqlDialect.POSTGRES.quote(rs.getString(1))).append(' ')
                .append(rs.getString(2));
        if (rs.getString(7) != null) {
            column.append(" COLLATE ").append(SqlDialect.POSTGRES.quote(rs.getString(7)));
        }
        String identity = rs.getString(5);
        String generated = rs.getString(6);
        String defaultExpression = rs.getString(4);
        if ("a".equals(identity) || "d".equals(identity)) {
            column.append(" GENERATED ").append("a".equals(identity) ? "ALWAYS" : "BY DEFAULT").append(" AS IDENTITY");
        } else if ("s".equals(generated)) {
            column.append(" GENERATED ALWAYS AS (").append(defaultExpression).append(") STORED");
        } else if (defaultExpression != null) {
            if (rs.getString(8) != null) {
                // A serial column: its sequence, known by the catalog's own link, not by reading the default.
                create.add("CREATE SEQUENCE IF NOT EXISTS " + rs.getString(8));
            }
            column.append(" DEFAULT ").append(defaultExpression);
        }
        if (rs.getBoolean(3)) {
            column.append(" NOT NULL");
        }
        return column.toString();
    }

    private static String actualName(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT relname FROM pg_class WHERE relnamespace ="
                + " current_schema()::regnamespace AND lower(relname) = ? AND relkind IN ('r', 'p')")) {
            s.setString(1, table.toLowerCase(Locale.ROOT));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("No table " + table + " in the current schema", "42P01");
                }
                return rs.getString(1);
            }
        }
    }
}
