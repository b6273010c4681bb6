package dev.shard.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One data source's schema of the configured tables, read from information_schema as comparable facts: each
 * table's engine and collation, its column order, each column (type, nullability, default, collation, extra), each
 * index, and for broadcast tables a hash of the rows in a fixed order. Two data sources agree on a subject when
 * their descriptions are equal strings.
 */
final class SchemaSnapshot {

    /** What a fact is about; the order is the order of the report. */
    enum Kind { TABLE, COLUMN_ORDER, COLUMN, INDEX, ROWS }

    /** A subject of comparison: a table, or a column, an index, the column order or the rows of one. */
    record Subject(String table, Kind kind, String name) implements Comparable<Subject> {

        String label() {
            return switch (kind) {
                case TABLE -> "table";
                case COLUMN_ORDER -> "column order";
                case COLUMN -> "column " + name;
                case INDEX -> "index " + name;
                case ROWS -> "rows";
            };
        }

        @Override
        public int compareTo(Subject other) {
            int byTable = table.compareTo(other.table);
            if (byTable != 0) {
                return byTable;
            }
            int byKind = kind.compareTo(other.kind);
            return byKind != 0 ? byKind : name.compareTo(other.name);
        }
    }

    private SchemaSnapshot() {
    }

    /**
     * @param tables    lower-case names of the sharded and broadcast tables
     * @param broadcast lower-case names of the broadcast tables, whose rows are hashed
     */
    static Map<Subject, String> read(Connection connection, Set<String> tables, Set<String> broadcast)
            throws SQLException {
        Map<Subject, String> facts = new TreeMap<>();
        Map<String, String> actualNames = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT TABLE_NAME, ENGINE, TABLE_COLLATION"
                + " FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'");
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String table = rs.getString(1).toLowerCase(Locale.ROOT);
                if (tables.contains(table)) {
                    actualNames.put(table, rs.getString(1));
                    facts.put(new Subject(table, Kind.TABLE, ""),
                            "engine " + rs.getString(2) + ", collation " + rs.getString(3));
                }
            }
        }
        Map<String, List<String>> columnOrder = new TreeMap<>();
        ColumnCatalog.read(connection, null, ColumnCatalog.Tables.ALL, null, List.of("COLUMN_NAME", "COLUMN_TYPE",
                "IS_NULLABLE", "COLUMN_DEFAULT", "COLLATION_NAME", "EXTRA"), rs -> {
                    String table = rs.getString(1).toLowerCase(Locale.ROOT);
                    if (!actualNames.containsKey(table)) {
                        return;
                    }
                    String column = rs.getString(2).toLowerCase(Locale.ROOT);
                    columnOrder.computeIfAbsent(table, t -> new ArrayList<>()).add(column);
                    StringBuilder description = new StringBuilder(rs.getString(3));
                    description.append("YES".equals(rs.getString(4)) ? " NULL" : " NOT NULL");
                    appendIfPresent(description, " DEFAULT ", rs.getString(5));
                    appendIfPresent(description, " COLLATE ", rs.getString(6));
                    appendIfPresent(description, " ", rs.getString(7));
                    facts.put(new Subject(table, Kind.COLUMN, column), description.toString());
                });
        columnOrder.forEach((table, columns) ->
                facts.put(new Subject(table, Kind.COLUMN_ORDER, ""), String.join(", ", columns)));
        Map<Subject, StringBuilder> indexes = new TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE,"
                + " COLUMN_NAME, SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX");
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String table = rs.getString(1).toLowerCase(Locale.ROOT);
                if (!actualNames.containsKey(table)) {
                    continue;
                }
                Subject index = new Subject(table, Kind.INDEX, rs.getString(2));
                StringBuilder description = indexes.get(index);
                if (description == null) {
                    description = new StringBuilder(rs.getInt(3) == 0 ? "UNIQUE " : "").append(rs.getString(6))
                            .append(" (");
                    indexes.put(index, description);
                } else {
                    description.append(", ");
                }
                description.append(rs.getString(4).toLowerCase(Locale.ROOT));
                if (rs.getString(5) != null) {
                    description.append('(').append(rs.getString(5)).append(')');
                }
            }
        }
        indexes.forEach((index, description) -> facts.put(index, description.append(')').toString()));
        for (String table : broadcast) {
            if (actualNames.containsKey(table)) {
                facts.put(new Subject(table, Kind.ROWS, ""),
                        rowHash(connection, actualNames.get(table), columnOrder.get(table).size()));
            }
        }
        return facts;
    }

    /**
     * The rows in the order of all their columns, hashed: equal on two data sources exactly when they hold the same
     * rows (as the driver renders them as text). Broadcast tables are small reference tables, so reading them whole
     * is cheap.
     */
    private static String rowHash(Connection connection, String table, int columns) throws SQLException {
        StringBuilder order = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
            order.append(i == 1 ? "" : ", ").append(i);
        }
        return rowHash(connection, "SELECT * FROM `" + table.replace("`", "``") + "` ORDER BY " + order, false);
    }

    /**
     * The rows {@code query} returns, hashed in the order it returns them, or, with {@code sortHere}, in the order
     * of their encodings (independent of the database's collation and of whether its types can be ordered).
     */
    static String rowHash(Connection connection, String query, boolean sortHere) throws SQLException {
        MessageDigest digest = sha256();
        List<String> sorted = sortHere ? new ArrayList<>() : null;
        long rows = 0;
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
            int count = rs.getMetaData().getColumnCount();
            StringBuilder row = new StringBuilder();
            while (rs.next()) {
                rows++;
                row.setLength(0);
                for (int i = 1; i <= count; i++) {
                    String value = rs.getString(i);
                    // Length-prefixed, so that no two different rows encode alike; NULL has its own marker.
                    row.append(value == null ? "-:" : value.length() + ":" + value);
                }
                row.append('\n');
                if (sorted != null) {
                    sorted.add(row.toString());
                } else {
                    digest.update(row.toString().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        if (sorted != null) {
            Collections.sort(sorted);
            sorted.forEach(row -> digest.update(row.getBytes(StandardCharsets.UTF_8)));
        }
        return rows + (rows == 1 ? " row" : " rows") + ", sha-256 "
                + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    static void appendIfPresent(StringBuilder description, String prefix, String value) {
        if (value != null && !value.isEmpty()) {
            description.append(prefix).append(value);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
