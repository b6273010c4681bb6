package dev.shard.core.internal.sql;

import java.util.List;

/**
 * The part of an INSERT that routing needs.
 *
 * @param table            target table, lower-case
 * @param columns          the listed columns, lower-case; empty when the statement lists none
 * @param rows             one entry per VALUES row: the value of each listed column, or null where the row
 *                         gives an expression that is not a plain value
 * @param fromSelect       INSERT ... SELECT
 * @param upsertColumns    columns assigned by ON DUPLICATE KEY UPDATE, lower-case
 * @param selectSources    INSERT ... SELECT: per select item, "i.column" when it is a plain column of the
 *                         statement's i-th table occurrence, else null
 * @param target           the target table as the statement writes it ({@code shop.`T_Order`}), to read its
 *                         columns from the database when the statement lists none
 * @param columnsListed    whether the statement itself lists {@code columns}, rather than Shard from the table's
 *                         definition
 */
public record InsertShape(String table, List<String> columns, List<List<ValueRef>> rows, boolean fromSelect,
                          List<String> upsertColumns, List<String> selectSources, String target,
                          boolean columnsListed) {

    public InsertShape {
        columns = List.copyOf(columns);
        rows = rows.stream().map(r -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(r))).toList();
        upsertColumns = List.copyOf(upsertColumns);
        selectSources = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(selectSources));
    }

    public InsertShape(String table, List<String> columns, List<List<ValueRef>> rows, boolean fromSelect,
                       List<String> upsertColumns) {
        this(table, columns, rows, fromSelect, upsertColumns, List.of(), table, !columns.isEmpty());
    }

    /** The same INSERT routed as if it listed the table's columns, in the table's order. */
    public InsertShape withTableColumns(List<String> tableColumns) {
        return new InsertShape(table, tableColumns, rows, fromSelect, upsertColumns, selectSources, target, false);
    }
}
