package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * How a {@code GROUP_CONCAT} is merged. A shard's GROUP_CONCAT string cannot be taken apart again (a value may hold
 * the separator), nor its order merged with another's, so the shards return the pieces instead: the shard query
 * also groups by the concatenated expressions and the ORDER BY keys, and returns, per such sub-group, the row's
 * value ({@code CONCAT(a, b)}, which converts numbers and dates to text as GROUP_CONCAT does and is NULL when
 * GROUP_CONCAT skips the row), its order keys, how many rows it stands for, and the session's
 * {@code group_concat_max_len}. The merge sorts the pieces of each group, drops repeated values for DISTINCT,
 * joins them, and truncates the result to that many bytes as MySQL does (at a character boundary).
 *
 * @param value     the text of each piece
 * @param rows      how many rows the piece stands for (the sub-group's {@code COUNT(*)}); each repeats that often
 * @param maxLength {@code @@group_concat_max_len} of the shard's session
 * @param order     the ORDER BY inside GROUP_CONCAT, over the pieces' key columns; empty for none
 * @param distinct  GROUP_CONCAT(DISTINCT ...): each value once, compared in the value column's collation
 * @param separator the SEPARATOR, {@code ","} by default
 */
public record GroupConcat(Column value, Column rows, Column maxLength, List<SortKey> order, boolean distinct,
                          String separator) {

    public GroupConcat {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(maxLength, "maxLength");
        Objects.requireNonNull(separator, "separator");
        order = List.copyOf(order);
    }

    public GroupConcat resolve(Resolver resolver) throws SQLException {
        return new GroupConcat(value.resolve(resolver), rows.resolve(resolver), maxLength.resolve(resolver),
                SortKey.resolve(order, resolver), distinct, separator);
    }

    boolean isResolved() {
        return value.isResolved() && rows.isResolved() && maxLength.isResolved()
                && order.stream().allMatch(k -> k.column().isResolved());
    }

    void checkColumns(String step, int columnCount) throws SQLException {
        BaseCursor.checkColumn(step, value.ref().index(), columnCount);
        BaseCursor.checkColumn(step, rows.ref().index(), columnCount);
        BaseCursor.checkColumn(step, maxLength.ref().index(), columnCount);
        new RowKeys(order).checkColumns(step, columnCount);
    }

    /** {@code 3 x4 max=5 order=[6 ASC] distinct sep=','}: the arguments in describe(). */
    String describe() {
        return value.position() + " x" + rows.position() + " max=" + maxLength.position()
                + (order.isEmpty() ? "" : " order=" + SortKey.describe(order)) + (distinct ? " distinct" : "")
                + " sep=" + SqlValues.literal(separator);
    }
}
