package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.merge.KeyWeight;
import dev.shard.core.internal.sql.MergeSpec;
import dev.shard.core.internal.sql.MergeSpec.WeightColumn;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives each column the merge compares by the database's sort key its {@link KeyWeight}, once the shards' result
 * metadata is known: an ENUM column (by {@link KeyCatalog}) sorts by member position; any other column by the
 * {@code WEIGHT_STRING} the rewrite appended beside it, with the PAD SPACE rule of its collation when the column
 * is a table's column (for a computed key the collation is not known, and trailing spaces count).
 */
final class MergeKeyTypes {

    private MergeKeyTypes() {
    }

    static List<ColumnInfo> attach(MergeSpec spec, List<ColumnInfo> columns, ResultSetMetaData meta,
                                   KeyCatalog catalog) throws SQLException {
        if (spec.weights().isEmpty()) {
            return columns;
        }
        List<ColumnInfo> attached = new ArrayList<>(columns);
        int total = columns.size();
        for (WeightColumn weight : spec.weights()) {
            int value = weight.value().column(total, spec.derivedColumns());
            int weightColumn = weight.weight().column(total, spec.derivedColumns());
            if (value < 0 || weightColumn < 0) {
                // The column count does not fit the statement: MergePlanner reports it.
                continue;
            }
            KeyCatalog.ColumnType type = typeOf(meta, value + 1, catalog);
            KeyWeight keyWeight;
            if (type != null && type.isEnum()) {
                String table = meta.getTableName(value + 1);
                String name = meta.getColumnName(value + 1);
                keyWeight = new KeyWeight.EnumOrder(table + "." + name, type.enumMembers(),
                        () -> catalog.refreshOnce(table, name));
            } else {
                keyWeight = new KeyWeight.ServerWeight(weightColumn, type == null ? null : catalog.padUnit(type));
            }
            attached.set(value, attached.get(value).withWeight(keyWeight));
        }
        return attached;
    }

    private static boolean isCharacterType(int sqlType) {
        return switch (sqlType) {
            case java.sql.Types.CHAR, java.sql.Types.VARCHAR, java.sql.Types.LONGVARCHAR, java.sql.Types.NCHAR,
                    java.sql.Types.NVARCHAR, java.sql.Types.LONGNVARCHAR, java.sql.Types.CLOB,
                    java.sql.Types.NCLOB -> true;
            default -> false;
        };
    }

    /** The type of a table's column in the result, or null for a computed one. */
    private static KeyCatalog.ColumnType typeOf(ResultSetMetaData meta, int column, KeyCatalog catalog)
            throws SQLException {
        String table = meta.getTableName(column);
        String name = meta.getColumnName(column);
        if (table == null || table.isEmpty() || name == null || name.isEmpty()) {
            return null;
        }
        KeyCatalog.ColumnType type = catalog.column(table, name);
        if (type != null && (type.collation() != null) != isCharacterType(meta.getColumnType(column))
                && catalog.refreshOnce(table, name)) {
            // The shard's column is not the kind that was read: the table changed behind Shard's back.
            type = catalog.column(table, name);
        }
        return type;
    }
}
