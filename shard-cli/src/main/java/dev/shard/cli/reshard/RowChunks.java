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
                + KeyBounds.predicate(shape.key(), after, upTo) + " ORDER BY " + shape.keyList()
                + (limit > 0 ? " LIMIT " + limit : "");
        int[] keyIndexes = shape.key().stream().mapToInt(k -> indexOf(shape.columns(), k)).toArray();
        int shardingIndex = shape.shardingColumn() == null ? -1 : indexOf(shape.columns(), shape.shardingColumn());
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            KeyBounds.bind(select, 1, after, upTo);
            try (ResultSet rs = select.executeQuery()) {
                int count = shape.columns().size();
                boolean[] asText = temporal(rs.getMetaData(), count);
                while (rs.next()) {
                    Object[] values = new Object[count];
                    for (int i = 0; i < count; i++) {
                        values[i] = asText[i] ? rs.getString(i + 1) : rs.getObject(i + 1);
                    }
                    List<Object> key = Arrays.stream(keyIndexes).mapToObj(i -> values[i]).toList();
                    // The key as the router sees it: a typed value (a date hashes as its ISO text either way).
                    Object shardKey = shardingIndex < 0 ? null
                            : asText[shardingIndex] ? rs.getObject(shardingIndex + 1) : values[shardingIndex];
                    rows.add(new Row(values, key, shardKey == null ? -1 : shape.slotOf(shardKey)));
                }
            }
        }
        return rows;
    }

    /**
     * Date and time columns travel as the server's own text: Connector/J takes MariaDB for a 5.5 server and drops
     * the fractional seconds of a {@code LocalDateTime} it sends, and the text needs no time zone conversion.
     */
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
     * Writes rows with {@code INSERT ... ON DUPLICATE KEY UPDATE}: a row already there (an earlier run of the same
     * chunk, or the catch-up) is overwritten, so running a chunk twice is harmless.
     */
    static void upsert(Connection connection, TableShape shape, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        int columns = shape.columns().size();
        // The server takes at most 65535 placeholders in one statement.
        int perStatement = Math.max(1, 60_000 / columns);
        List<String> values = shape.valueColumns();
        String update = values.isEmpty()
                ? TableShape.quote(shape.key().get(0)) + " = " + TableShape.quote(shape.key().get(0))
                : String.join(", ", values.stream().map(c -> TableShape.quote(c) + " = VALUES(" + TableShape.quote(c)
                        + ")").toList());
        String tuple = "(" + String.join(", ", java.util.Collections.nCopies(columns, "?")) + ")";
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Row> part = rows.subList(from, Math.min(rows.size(), from + perStatement));
            String sql = "INSERT INTO " + shape.quotedName() + " (" + shape.columnList() + ") VALUES "
                    + String.join(", ", java.util.Collections.nCopies(part.size(), tuple))
                    + " ON DUPLICATE KEY UPDATE " + update;
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                int index = 1;
                for (Row row : part) {
                    for (Object value : row.values()) {
                        insert.setObject(index++, value);
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
        String one = "(" + String.join(" AND ", shape.key().stream().map(k -> TableShape.quote(k) + " = ?").toList())
                + ")";
        String sql = "DELETE FROM " + shape.quotedName() + " WHERE "
                + String.join(" OR ", java.util.Collections.nCopies(keys.size(), one));
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            int index = 1;
            for (List<Object> key : keys) {
                for (Object value : key) {
                    delete.setObject(index++, value);
                }
            }
            return delete.executeUpdate();
        }
    }
}
