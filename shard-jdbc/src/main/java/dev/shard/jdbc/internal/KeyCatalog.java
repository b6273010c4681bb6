package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The types and collations of the columns scatter queries merge by, read from {@code information_schema.COLUMNS}
 * of the default data source once per table and kept until DDL runs through Shard ({@link #schemaChanged}). The
 * merge needs two things the result metadata does not say: whether a column is an ENUM (it sorts by member
 * position, and the members are in the definition), and a string column's collation, for whether trailing spaces
 * count (PAD SPACE) and what a space weighs. A column the cache does not know is read again once: a table changed
 * behind Shard's back.
 */
final class KeyCatalog {

    /** One column's type as information_schema has it; names lower case. */
    record ColumnType(String dataType, String columnType, String charset, String collation) {

        boolean isEnum() {
            return "enum".equals(dataType);
        }

        /** An ENUM's members in definition order, from {@code enum('a','it''s')}. */
        List<String> enumMembers() {
            List<String> members = new ArrayList<>();
            int i = columnType.indexOf('(');
            while (i >= 0 && i < columnType.length()) {
                int open = columnType.indexOf('\'', i);
                if (open < 0) {
                    break;
                }
                StringBuilder member = new StringBuilder();
                int j = open + 1;
                while (j < columnType.length()) {
                    char c = columnType.charAt(j);
                    if (c == '\'' && j + 1 < columnType.length() && columnType.charAt(j + 1) == '\'') {
                        member.append('\'');
                        j += 2;
                    } else if (c == '\'') {
                        break;
                    } else {
                        member.append(c);
                        j++;
                    }
                }
                members.add(member.toString());
                i = j + 1;
            }
            return members;
        }
    }

    private final TableColumnCache.ConnectionSource source;
    private final Map<String, Map<String, ColumnType>> tables = new ConcurrentHashMap<>();
    private final Map<String, Optional<byte[]>> padUnits = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final java.util.Set<String> refreshed = ConcurrentHashMap.newKeySet();

    KeyCatalog(TableColumnCache.ConnectionSource source) {
        this.source = source;
    }

    /**
     * The column's type, or null when the default data source has no such table or column. A table that exists is
     * kept until DDL; one that does not is asked about again next time. A column missing from a kept table is
     * read again once (see {@link #refreshOnce}).
     */
    ColumnType column(String table, String column) throws SQLException {
        String tableKey = table.toLowerCase(Locale.ROOT);
        String columnKey = column.toLowerCase(Locale.ROOT);
        Map<String, ColumnType> known = tables.get(tableKey);
        if (known != null && (known.containsKey(columnKey) || !refreshOnce(table, column))) {
            return known.get(columnKey);
        }
        long before = generation.get();
        Map<String, ColumnType> read = read(table);
        if (generation.get() == before && !read.isEmpty()) {
            tables.put(tableKey, read);
        }
        return read.get(columnKey);
    }

    /**
     * Forgets {@code table} so that the next question reads it again, at most once per column between two DDL
     * statements: a shard reported something of {@code column} the cache does not have (the table changed behind
     * Shard's back), and a column that keeps disagreeing must not have its table read for every statement.
     *
     * @return whether the table was forgotten
     */
    boolean refreshOnce(String table, String column) {
        String tableKey = table.toLowerCase(Locale.ROOT);
        if (!refreshed.add(tableKey + "." + column.toLowerCase(Locale.ROOT))) {
            return false;
        }
        tables.remove(tableKey);
        return true;
    }

    /**
     * The weight of one space under {@code type}'s collation when the collation pads (PAD SPACE), read from the
     * database once per collation; null for a NO PAD collation ({@code *_nopad_*}, MySQL's {@code *_0900_*}).
     */
    byte[] padUnit(ColumnType type) throws SQLException {
        if (type.collation() == null || type.charset() == null) {
            return null;
        }
        String collation = type.collation();
        if (collation.contains("nopad") || collation.contains("_0900_")) {
            return null;
        }
        Optional<byte[]> known = padUnits.get(collation);
        if (known != null) {
            return known.orElse(null);
        }
        byte[] unit = readPadUnit(type.charset(), collation);
        padUnits.put(collation, Optional.ofNullable(unit));
        return unit;
    }

    void schemaChanged() {
        generation.incrementAndGet();
        tables.clear();
        refreshed.clear();
    }

    private Map<String, ColumnType> read(String table) throws SQLException {
        String sql = "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
        try (Connection connection = source.open(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table);
            Map<String, ColumnType> columns = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1).toLowerCase(Locale.ROOT), new ColumnType(
                            lower(rows.getString(2)), rows.getString(3), lower(rows.getString(4)),
                            lower(rows.getString(5))));
                }
            }
            return Map.copyOf(columns);
        } catch (SQLException e) {
            throw SqlExceptions.withMessage(e, "Cannot read the column types of " + table + " that a query across"
                    + " shards is merged by (" + sql + "): " + e.getMessage());
        }
    }

    private byte[] readPadUnit(String charset, String collation) throws SQLException {
        if (!charset.matches("[a-z0-9_]+") || !collation.matches("[a-z0-9_]+")) {
            return null;
        }
        String sql = "SELECT WEIGHT_STRING(CONVERT(' ' USING " + charset + ") COLLATE " + collation + ")";
        try (Connection connection = source.open(); PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet row = statement.executeQuery()) {
            return row.next() ? row.getBytes(1) : null;
        } catch (SQLException e) {
            throw SqlExceptions.withMessage(e, "Cannot read the weight of a space under " + collation + " (" + sql
                    + "): " + e.getMessage());
        }
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
