package dev.shard.core.internal.sql;

import dev.shard.core.internal.merge.AggregateColumn;
import dev.shard.core.internal.merge.AggregateKind;
import dev.shard.core.internal.merge.Compute;
import dev.shard.core.internal.merge.Slot;
import dev.shard.core.internal.merge.SortKey;
import dev.shard.core.internal.sql.MergeSpec.WeightColumn;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * Makes the merge compare strings exactly as the database does. A shard sorts, groups and de-duplicates by its
 * column's collation ({@code utf8mb4_general_ci} has 'ß' equal to 's', {@code utf8mb4_unicode_ci} equal to 'ss');
 * no Java approximation of the collations gets every character right, and a merge that compares differently from
 * the shards interleaves their rows wrongly, splits groups, or finds a shard's rows "out of order". So the shard
 * query returns, beside each column the merge orders or groups by, and each MIN/MAX/COUNT(DISTINCT) column, that
 * column's sort key as the database computes it: {@code WEIGHT_STRING(expr)}, a hidden derived column. The merge
 * compares those bytes ({@code KeyWeight.ServerWeight}); the value it returns is still the column's.
 *
 * <p>The analysis does not know the columns' types. {@code WEIGHT_STRING} is NULL for numbers and temporal
 * values, which then compare as before; an ENUM's weight is its text's, but an ENUM sorts by member position, which
 * the merge takes from the column's definition instead (see {@code KeyCatalog} in shard-jdbc). Aggregates that
 * return numbers (COUNT, SUM, AVG) get no weight. With {@code SELECT *} only the derived columns can be named.
 *
 * <p>Only for dialects with {@code weightStrings()}: H2 has no such function and keeps the approximation.
 */
final class KeyWeights {

    private static final String WEIGHT_PREFIX = "__shard_w";
    private static final Set<String> NUMERIC_AGGREGATES = Set.of("count", "sum", "avg");

    private KeyWeights() {
    }

    /** Appends a weight column to {@code select} for every string-capable merge key of {@code spec}. */
    static MergeSpec append(PlainSelect select, MergeSpec spec) {
        Set<Slot> slots = new LinkedHashSet<>();
        for (List<SortKey> keys : List.of(spec.mergeOrder(), spec.groupKeys(), spec.finalOrder())) {
            for (SortKey key : keys) {
                slots.add(key.column().slot());
            }
        }
        for (AggregateColumn aggregate : spec.aggregates()) {
            if (aggregate.kind() == AggregateKind.MIN || aggregate.kind() == AggregateKind.MAX
                    || aggregate.kind() == AggregateKind.COUNT_DISTINCT) {
                slots.add(aggregate.column().slot());
            }
        }
        // Columns whose merged value the merge makes itself (a GROUP_CONCAT joined from pieces, an expression over
        // merged aggregates) have no shard weight that belongs to that value: they compare as before.
        for (AggregateColumn aggregate : spec.aggregates()) {
            if (aggregate.kind() == AggregateKind.GROUP_CONCAT) {
                slots.remove(aggregate.column().slot());
            }
        }
        for (Compute.Computed computed : spec.computed()) {
            slots.remove(computed.column().slot());
        }
        List<SelectItem<?>> items = new ArrayList<>(select.getSelectItems());
        int firstDerived = items.size() - spec.derivedColumns();
        List<WeightColumn> weights = new ArrayList<>();
        for (Slot slot : slots) {
            if (!slot.derived() && spec.userColumns() < 0) {
                continue;
            }
            Expression expression = items.get(slot.derived() ? firstDerived + slot.index() : slot.index())
                    .getExpression();
            if (!weighable(expression)) {
                continue;
            }
            Function weight = new Function();
            weight.setName("WEIGHT_STRING");
            weight.setParameters(new ExpressionList<>(expression));
            SelectItem<Expression> item = new SelectItem<>(weight);
            item.setAlias(new Alias(WEIGHT_PREFIX + weights.size()));
            items.add(item);
            weights.add(new WeightColumn(slot, Slot.derivedColumn(spec.derivedColumns() + weights.size())));
        }
        if (weights.isEmpty()) {
            return spec;
        }
        select.setSelectItems(items);
        if (spec.distinctRows()) {
            // A shard's DISTINCT now also tells apart strings whose weights differ only in trailing spaces ('x' and
            // 'x ' under PAD SPACE, one row to the merge): a shard LIMIT could fill up with such near-duplicates and
            // cut off rows the merge needs. Shards return all their distinct rows; the merge still stops at the limit.
            select.setLimit(null);
        }
        return spec.withWeights(weights.size(), weights);
    }

    private static boolean weighable(Expression expression) {
        if (expression instanceof AllColumns) {
            return false;
        }
        return !(expression instanceof Function function && function.getName() != null
                && NUMERIC_AGGREGATES.contains(function.getName().toLowerCase(Locale.ROOT)));
    }
}
