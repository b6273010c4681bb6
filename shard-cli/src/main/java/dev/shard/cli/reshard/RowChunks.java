package dev.shard.cli.reshard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads one table's rows in primary-key order, a chunk or a key range at a time, each row with its slot (computed
 * in Java from the sharding column, as the router computes it: {@link TableShape#slotOf}; -1 in a broadcast table).
 */
final class RowChunks {

    /** One row as read: its values in the shape's column order, its key values and its slot (-1 for a NULL key). */
    record Row(Object[] values, List<Object> key, int slot) {

        /** The key for messages: its values, comma-separated. */
        String keyText() {
            return String.join(",", key.stream().map(RowChunks::text).toList());
        }

        /** A canonical text of the whole row: equal exactly when every column's value is. */
        String encoding() {
            StringBuilder text = new StringBuilder();
            for (Object value : values) {
                if (value == null) {
                    text.append('-');
                } else {
                    String field = text(value);
                    text.append(field.length()).append(':').append(field);
                }
            }
            return text.toString();
        }
    }

    private RowChunks() {
    }

    static String text(Object value) {
        return value instanceof byte[] bytes ? "0x" + HexFormat.of().formatHex(bytes) : String.valueOf(value);
    }

    /**
     * Rows with a key above {@code after} (from the start when null) and at most {@code upTo} (no upper bound when
     * null), at most {@code limit} of them (no limit when 0), in key order.
     */
    static List<Row> read(Connection connection, TableShape shape, List<Object> after, List<Object> upTo, int limit)
            throws SQLException {
        String sql = "SELECT " + shape.columnList() + " FROM " + shape.quotedName() + " WHERE "
                + KeyBounds.predicate(shape.dialect(), shape.key(), after, upTo) + " ORDER BY " + shape.keyList()
                + (limit > 0 ? " LIMIT " + limit : "");
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            KeyBounds.bind(shape.dialect(), select, 1, after, upTo);
            return rows(select, shape);
        }
    }

    /** The rows with these keys (those that exist), in key order. */
    static List<Row> readKeys(Connection connection, TableShape shape, List<List<Object>> keys) throws SQLException {
        List<Row> rows = new ArrayList<>();
        int perStatement = Math.max(1, shape.dialect().maxParameters() / shape.key().size());
        for (int from = 0; from < keys.size(); from += perStatement) {
            List<List<Object>> part = keys.subList(from, Math.min(keys.size(), from + perStatement));
            String sql = "SELECT " + shape.columnList() + " FROM " + shape.quotedName() + " WHERE "
                    + byKeys(shape, part.size()) + " ORDER BY " + shape.keyList();
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                bindKeys(select, shape, part);
                rows.addAll(rows(select, shape));
            }
        }
        return rows;
    }

    private static List<Row> rows(PreparedStatement select, TableShape shape) throws SQLException {
        int[] keyIndexes = shape.key().stream().mapToInt(k -> indexOf(shape.columns(), k)).toArray();
        int shardingIndex = shape.shardingColumn() == null ? -1 : indexOf(shape.columns(), shape.shardingColumn());
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            int count = shape.columns().size();
            boolean[] asText = temporal(rs.getMetaData(), count);
            while (rs.next()) {
                Object[] values = new Object[count];
                for (int i = 0; i < count; i++) {
                    values[i] = shape.dialect().read(rs, i + 1, asText[i]);
                }
                List<Object> key = Arrays.stream(keyIndexes).mapToObj(i -> values[i]).toList();
                // The key as the router sees it: a typed value (a date hashes as its ISO text either way).
                Object shardKey = shardingIndex < 0 ? null : rs.getObject(shardingIndex + 1);
                rows.add(new Row(values, key, shardKey == null ? -1 : shape.slotOf(shardKey)));
            }
        }
        return rows;
    }

    /** {@code (k1 = ? AND k2 = ?) OR ...} for {@code count} keys. */
    private static String byKeys(TableShape shape, int count) {
        String one = "(" + String.join(" AND ", shape.key().stream().map(k -> shape.quote(k) + " = ?").toList())
                + ")";
        return String.join(" OR ", java.util.Collections.nCopies(count, one));
    }

    private static void bindKeys(PreparedStatement statement, TableShape shape, List<List<Object>> keys)
            throws SQLException {
        int index = 1;
        for (List<Object> key : keys) {
            for (Object value : key) {
                shape.dialect().bind(statement, index++, value);
            }
        }
    }

    /** The date and time columns, which travel as text ({@link SqlDialect#read}). */
    private static boolean[] temporal(java.sql.ResultSetMetaData metaData, int count) throws SQLException {
        boolean[] temporal = new boolean[count];
        for (int i = 0; i < count; i++) {
            int type = metaData.getColumnType(i + 1);
            temporal[i] = type == java.sql.Types.DATE || type == java.sql.Types.TIME || type == java.sql.Types.TIMESTAMP
                    || type == java.sql.Types.TIME_WITH_TIMEZONE || type == java.sql.Types.TIMESTAMP_WITH_TIMEZONE;
        }
        return temporal;
    }

    private static int indexOf(List<String> columns, String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + column + " in " + columns);
    }

    /**
     * Writes rows with an upsert ({@code INSERT ... ON DUPLICATE KEY UPDATE}, on PostgreSQL
     * {@code ON CONFLICT (key) DO UPDATE}): a row already there (an earlier run of the same chunk, or the catch-up) is
     * overwritten, so running a chunk twice is harmless.
     */
    static void upsert(Connection connection, TableShape shape, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        SqlDialect dialect = shape.dialect();
        int columns = shape.columns().size();
        int perStatement = Math.max(1, dialect.maxParameters() / columns);
        String conflict = dialect.upsertClause(shape.key(), shape.valueColumns());
        String tuple = "(" + String.join(", ", java.util.Collections.nCopies(columns, "?")) + ")";
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Row> part = rows.subList(from, Math.min(rows.size(), from + perStatement));
            String sql = "INSERT INTO " + shape.quotedName() + " (" + shape.columnList() + ")"
                    + dialect.keepValues() + " VALUES "
                    + String.join(", ", java.util.Collections.nCopies(part.size(), tuple)) + conflict;
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                int index = 1;
                for (Row row : part) {
                    for (Object value : row.values()) {
                        dialect.bind(insert, index++, value);
                    }
                }
                insert.executeUpdate();
            }
        }
    }

    /** Deletes rows by key. */
    static int delete(Connection connection, TableShape shape, List<List<Object>> keys) throws SQLException {
        if (keys.isEmpty()) {
            return 0;
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + shape.quotedName() + " WHERE "
                + byKeys(shape, keys.size()))) {
            bindKeys(delete, shape, keys);
            return delete.executeUpdate();
        }
    }
}
