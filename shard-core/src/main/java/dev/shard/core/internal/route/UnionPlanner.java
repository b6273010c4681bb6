package dev.shard.core.internal.route;

import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.merge.HashDistinct;
import dev.shard.core.internal.merge.MergePlan;
import dev.shard.core.internal.merge.SortKey;
import dev.shard.core.internal.merge.UnionMerge;
import dev.shard.core.internal.sql.UnionShape;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a union's {@link UnionShape.Combine} into a runnable {@link UnionMerge} once the result's columns are
 * known (the first branch's labels; which columns compare case-insensitively) and the execution's values are
 * bound (the LIMIT).
 */
public final class UnionPlanner {

    private UnionPlanner() {
    }

    /**
     * @param columns the union's columns: labels as the first branch's, collations as the caller decided
     * @param maxRows Statement.setMaxRows, 0 for none
     */
    public static UnionMerge plan(UnionShape.Combine combine, List<ColumnInfo> columns, Bindings bindings,
                                  long maxRows) throws SQLException {
        MergePlan deduplicate = combine.distinctBranches() == 0 ? null
                : MergePlan.concat().step(new HashDistinct(columns)).build();
        MergePlan.Builder combined = MergePlan.concat();
        if (!combine.order().isEmpty()) {
            List<SortKey> keys = new ArrayList<>();
            for (UnionShape.OrderKey key : combine.order()) {
                int column = column(key, columns);
                keys.add(key.descending() ? SortKey.desc(column, columns.get(column))
                        : SortKey.asc(column, columns.get(column)));
            }
            combined.sort(keys);
        }
        if (combine.limit() != null) {
            long offset = combine.limit().offset() == null ? 0
                    : MergePlanner.number(combine.limit().offset(), bindings, "offset");
            combined.limit(offset, MergePlanner.number(combine.limit().count(), bindings, "row count"));
        }
        if (maxRows > 0) {
            combined.limit(0, maxRows);
        }
        return new UnionMerge(combine.distinctBranches(), deduplicate, combined.build());
    }

    /** The column an ORDER BY key of the union names: by position, or by a label of the first branch. */
    private static int column(UnionShape.OrderKey key, List<ColumnInfo> columns) throws SQLException {
        if (key.position() >= 0) {
            if (key.position() < columns.size()) {
                return key.position();
            }
        } else {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).label().equalsIgnoreCase(key.label())) {
                    return i;
                }
            }
        }
        throw new SQLException("Unknown column '" + (key.position() >= 0 ? key.position() + 1 : key.label())
                + "' in the ORDER BY of the UNION: it may name the result's columns by position (1.."
                + columns.size() + ") or by the first SELECT's column labels", "42S22");
    }
}
