package dev.shard.cli;

import dev.shard.cli.SchemaSnapshot.Kind;
import dev.shard.cli.SchemaSnapshot.Subject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link SchemaSnapshot} for a PostgreSQL data source, read from pg_catalog in the connection's current schema
 * ({@code current_schema()}, the first of its {@code search_path}) as facts of the same kinds and with the same
 * subjects as MySQL's, so that {@link DriftComparison} and the report need not know the engine:
 * <ul>
 *   <li>table: kind (partitioned or not, unlogged), access method, and the database's collation, by which every
 *       column without a {@code COLLATE} of its own compares and sorts;</li>
 *   <li>column: type as {@code format_type} spells it, nullability, default (or generation) expression, an identity,
 *       and a collation of its own (one that differs from its type's);</li>
 *   <li>index: primary key or unique, then the definition from the access method on ({@code btree (user_id)},
 *       with operator classes, INCLUDE and WHERE), and whether it is invalid (a failed concurrent build);</li>
 *   <li>rows of broadcast tables: hashed in Java's order of their text, since the databases' collations may
 *       differ and some types (json, point) have no order at all.</li>
 * </ul>
 */
final class PostgresSchemaSnapshot {

    private static final String IN_SCHEMA = " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')";

    private PostgresSchemaSnapshot() {
    }

    /**
     * @param tables    lower-case names of the sharded and broadcast tables
     * @param broadcast lower-case names of the broadcast tables, whose rows are hashed
     */
    static Map<Subject, String> read(Connection connection, Set<String> tables, Set<String> broadcast)
            throws SQLException {
        Map<Subject, String> facts = new TreeMap<>();
        String databaseCollation;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT datcollate FROM pg_database WHERE datname = current_database()");
             ResultSet rs = statement.executeQuery()) {
            databaseCollation = rs.next() ? rs.getString(1) : "unknown";
        }
        Map<String, String> actualNames = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.relname, c.relkind,"
                + " c.relpersistence, am.amname FROM pg_class c LEFT JOIN pg_am am ON am.oid = c.relam" + IN_SCHEMA);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String table = rs.getString(1).toLowerCase(Locale.ROOT);
                if (tables.contains(table)) {
                    actualNames.put(table, rs.getString(1));
                    String kind = ("p".equals(rs.getString(2)) ? "partitioned" : "table")
                            + ("u".equals(rs.getString(3)) ? ", unlogged" : "");
                    String accessMethod = rs.getString(4) == null ? "" : ", access method " + rs.getString(4);
                    facts.put(new Subject(table, Kind.TABLE, ""),
                            kind + accessMethod + ", database collation " + databaseCollation);
                }
            }
        }
        Map<String, List<String>> columnOrder = new TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.relname, a.attname,"
                + " format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),"
                + " a.attidentity, a.attgenerated,"
                + " CASE WHEN a.attcollation <> t.typcollation THEN co.collname END"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation" + IN_SCHEMA
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum");
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String table = rs.getString(1).toLowerCase(Locale.ROOT);
                if (!actualNames.containsKey(table)) {
                    continue;
                }
                String column = rs.getString(2);
                columnOrder.computeIfAbsent(table, t -> new ArrayList<>()).add(column);
                facts.put(new Subject(table, Kind.COLUMN, column), column(rs));
            }
        }
        columnOrder.forEach((table, columns) ->
                facts.put(new Subject(table, Kind.COLUMN_ORDER, ""), String.join(", ", columns)));
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.relname, i.relname,"
                + " x.indisprimary, x.indisunique, x.indisvalid, pg_get_indexdef(x.indexrelid) FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid" + IN_SCHEMA);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String table = rs.getString(1).toLowerCase(Locale.ROOT);
                if (actualNames.containsKey(table)) {
                    facts.put(new Subject(table, Kind.INDEX, rs.getString(2)), index(rs));
                }
            }
        }
        for (String table : broadcast) {
            String actual = actualNames.get(table);
            if (actual != null) {
                facts.put(new Subject(table, Kind.ROWS, ""), SchemaSnapshot.rowHash(connection,
                        "SELECT * FROM \"" + actual.replace("\"", "\"\"") + "\"", true));
            }
        }
        return facts;
    }

    /** Type, nullability, then default, collation and identity in the order CREATE TABLE would write them. */
    private static String column(ResultSet rs) throws SQLException {
        StringBuilder description = new StringBuilder(rs.getString(3));
        description.append(rs.getBoolean(4) ? " NOT NULL" : " NULL");
        String expression = rs.getString(5);
        if ("s".equals(rs.getString(7))) {
            description.append(" GENERATED ALWAYS AS (").append(expression).append(") STORED");
        } else {
            SchemaSnapshot.appendIfPresent(description, " DEFAULT ", expression);
        }
        if (rs.getString(8) != null) {
            description.append(" COLLATE \"").append(rs.getString(8)).append('"');
        }
        String identity = rs.getString(6);
        if ("a".equals(identity)) {
            description.append(" GENERATED ALWAYS AS IDENTITY");
        } else if ("d".equals(identity)) {
            description.append(" GENERATED BY DEFAULT AS IDENTITY");
        }
        return description.toString();
    }

    /**
     * {@code pg_get_indexdef} from {@code USING} on: {@code CREATE INDEX name ON schema.table} before it names the
     * index and the table, which the subject already says.
     */
    private static String index(ResultSet rs) throws SQLException {
        String definition = rs.getString(6);
        int using = definition.indexOf(" USING ", Math.max(0, definition.indexOf(" ON ")));
        String method = using < 0 ? definition : definition.substring(using + " USING ".length());
        String kind = rs.getBoolean(3) ? "PRIMARY KEY " : rs.getBoolean(4) ? "UNIQUE " : "";
        return kind + method + (rs.getBoolean(5) ? "" : " (invalid)");
    }
}
