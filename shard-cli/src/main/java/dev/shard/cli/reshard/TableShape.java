package dev.shard.cli.reshard;

import dev.shard.cli.ColumnCatalog;
import dev.shard.core.internal.hash.CollationWeights;
import dev.shard.core.internal.hash.ShardKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the reshard needs to know of one sharded or broadcast table on one data source, from information_schema: its
 * columns (generated ones left out: the target computes them), its primary key, and a sharded table's sharding
 * column's collation, so that a row's slot is computed exactly as the router computes it for that key
 * ({@link #slotOf}). On PostgreSQL the router hashes string keys without a collation, so the shape has none there
 * either.
 *
 * @param name      the table's name as the database spells it
 * @param columns   the stored columns, in table order
 * @param key       the primary key's columns, in key order; empty when the table has none
 * @param shardingColumn the sharding column as the database spells it; null for a broadcast table
 * @param collation the sharding column's collation weights, or null (not a string column, no weights for it, or
 *                  PostgreSQL)
 * @param dialect   the SQL of the table's server
 */
record TableShape(String name, List<String> columns, List<String> key, String shardingColumn,
                  CollationWeights collation, SqlDialect dialect) {

    /** The slot of a row whose sharding column holds {@code value}: as the router hashes the same key. */
    int slotOf(Object value) {
        return ShardKeys.slotOf(value, collation);
    }

    /**
     * The table's shape on the connection's database, or null when the table is not there.
     *
     * @param shardingColumn null for a broadcast table
     */
    static TableShape read(Connection connection, String table, String shardingColumn) throws SQLException {
        record Column(String table, String name, String collation, boolean generated) {
        }
        SqlDialect dialect = SqlDialect.of(connection);
        boolean postgres = dialect == SqlDialect.POSTGRES;
        List<Column> read = new ArrayList<>();
        // PostgreSQL's information_schema has no EXTRA: IS_GENERATED says ALWAYS for a generated column; its
        // collations take no part in routing.
        ColumnCatalog.read(connection, null, ColumnCatalog.Tables.NAMED_IGNORING_CASE, table,
                List.of("COLUMN_NAME", "COLLATION_NAME", postgres ? "IS_GENERATED" : "EXTRA"), rs -> {
                    String extra = rs.getString(4) == null ? "" : rs.getString(4).toUpperCase(Locale.ROOT);
                    read.add(new Column(rs.getString(1), rs.getString(2), postgres ? null : rs.getString(3),
                            extra.contains("GENERATED") || extra.equals("ALWAYS")));
                });
        if (read.isEmpty()) {
            return null;
        }
        String actual = read.get(0).table();
        List<String> columns = new ArrayList<>();
        String column = null;
        String collationName = null;
        for (Column c : read) {
            if (!c.generated()) {
                columns.add(c.name());
            }
            if (c.name().equalsIgnoreCase(shardingColumn)) {
                column = c.name();
                collationName = c.collation();
            }
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(postgres
                ? "SELECT k.COLUMN_NAME FROM information_schema.TABLE_CONSTRAINTS c JOIN"
                + " information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA"
                + " AND k.CONSTRAINT_NAME = c.CONSTRAINT_NAME AND k.TABLE_NAME = c.TABLE_NAME"
                + " WHERE c.TABLE_SCHEMA = current_schema() AND c.TABLE_NAME = ?"
                + " AND c.CONSTRAINT_TYPE = 'PRIMARY KEY' ORDER BY k.ORDINAL_POSITION"
                : "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
                + " AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX")) {
            s.setString(1, actual);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        if (column == null && shardingColumn != null) {
            throw new SQLException("Table " + actual + " has no sharding column " + shardingColumn
                    + " on data source " + connection.getCatalog() + "; fix the schema or the configuration", "42S22");
        }
        return new TableShape(actual, List.copyOf(columns), List.copyOf(key), column,
                CollationWeights.of(collationName), dialect);
    }

    /** The stored columns not in the key, in table order. */
    List<String> valueColumns() {
        return columns.stream().filter(c -> key.stream().noneMatch(c::equalsIgnoreCase)).toList();
    }

    String quote(String identifier) {
        return dialect.quote(identifier);
    }

    String quotedName() {
        return quote(name);
    }

    String columnList() {
        return String.join(", ", columns.stream().map(this::quote).toList());
    }

    String keyList() {
        return String.join(", ", key.stream().map(this::quote).toList());
    }
}
