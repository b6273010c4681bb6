package dev.shard.cli.reshard;

import dev.shard.cli.ColumnCatalog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of the source's moving tables, from information_schema.COLUMNS in ordinal order: binlog row events
 * carry values by position only. Read once per table and again when a table map event shows another column count
 * (a table altered before the catch-up started); DDL on a moving table while a reshard runs is not supported, and a
 * count that still differs fails the catch-up.
 */
final class BinlogSchema {

    /** Opens a connection to the source; the caller closes it. */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource source;
    private final String database;
    private final Map<String, List<BinlogColumn>> columnsByTable = new HashMap<>();

    BinlogSchema(ConnectionSource source, String database) {
        this.source = source;
        this.database = database;
    }

    /** The table's columns, re-read when the binlog's column count differs from the cached one. */
    List<BinlogColumn> columns(String table, int binlogColumnCount) throws SQLException {
        List<BinlogColumn> columns = columnsByTable.get(table);
        if (columns == null || columns.size() != binlogColumnCount) {
            columns = read(table);
            columnsByTable.put(table, columns);
        }
        if (columns.size() != binlogColumnCount) {
            throw new SQLException("Table " + database + "." + table + " has " + columns.size() + " columns in "
                    + "information_schema but " + binlogColumnCount + " in the binary log: its definition changed "
                    + "while the reshard replays changes; DDL on the sharded tables is not supported during a "
                    + "reshard (abort the reshard, apply the change, start again)");
        }
        return columns;
    }

    private List<BinlogColumn> read(String table) throws SQLException {
        List<BinlogColumn> columns = new ArrayList<>();
        try (Connection c = source.open()) {
            ColumnCatalog.read(c, database, ColumnCatalog.Tables.NAMED, table,
                    List.of("COLUMN_NAME", "DATA_TYPE", "COLUMN_TYPE", "CHARACTER_SET_NAME", "COLUMN_KEY"),
                    rs -> columns.add(BinlogColumn.of(rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), "PRI".equals(rs.getString(6)))));
        }
        if (columns.isEmpty()) {
            throw new SQLException("Table " + database + "." + table + " is in the binary log but not in "
                    + "information_schema: it was dropped or renamed during the reshard, which is not supported");
        }
        return columns;
    }
}
