package dev.shard.core.internal.sql;

import dev.shard.core.internal.merge.AggregateColumn;
import dev.shard.core.internal.merge.Compute;
import dev.shard.core.internal.merge.Expr;
import dev.shard.core.internal.merge.Slot;
import dev.shard.core.internal.merge.SortKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How to merge the rows of a SELECT that ran on several shards, produced with the shard query by
 * {@link SelectRewriter}. It speaks the merge's own vocabulary ({@link SortKey}, {@link AggregateColumn},
 * {@link Expr}) over columns the analysis can only name by {@link Slot}: the user's select items first, then the
 * derived columns the rewrite appended (ORDER BY, GROUP BY, HAVING or AVG needs the user did not select), which
 * the merge hides again. The slots, and HAVING's parameters, are resolved per execution, once the shards' result
 * columns and the bound values are known (see {@code MergePlanner}).
 *
 * @param userColumns    number of user select items, or -1 when the select list has {@code *} (then the count
 *                       is known only from the shards' result metadata, and derived slots count from the end)
 * @param derivedColumns number of appended columns
 * @param kind           the shape of the merge
 * @param mergeOrder     the order every shard returns its rows in, which the merge keeps: ORDER BY keys, group
 *                       keys (then the distinct-aggregate argument), or all columns for DISTINCT
 * @param groupKeys      GROUPED: the group keys, ascending
 * @param aggregates     AGGREGATE and GROUPED: the aggregate columns; other columns pass through
 * @param having         predicate on merged rows, or null
 * @param finalOrder     a sort after grouping when the requested order is not the group order; empty if none
 * @param distinctRows   SELECT DISTINCT
 * @param limit          LIMIT/OFFSET applied after merging, or null
 * @param labels         for user items the rewrite changed (AVG became SUM, COUNT(DISTINCT x) became x,
 *                       MIN(DISTINCT x) is printed anew) and that have no alias: the label the user's own statement
 *                       would have had; other entries null, meaning the shard's label stands
 * @param computed       AGGREGATE and GROUPED: columns computed after the aggregates from their merged values
 *                       ({@code SUM(a) / COUNT(*)}), before HAVING and the final order read them; empty if none
 * @param weights        columns the merge compares by the database's sort key: each key or MIN/MAX column and the
 *                       derived column holding its {@code WEIGHT_STRING} (see {@code KeyWeights})
 */
public record MergeSpec(int userColumns, int derivedColumns, Kind kind, List<SortKey> mergeOrder,
                        List<SortKey> groupKeys, List<AggregateColumn> aggregates, Expr having,
                        List<SortKey> finalOrder, boolean distinctRows, LimitSpec limit, List<String> labels,
                        List<Compute.Computed> computed, List<WeightColumn> weights) {

    /** A spec with nothing computed after the merge and no weight columns. */
    public MergeSpec(int userColumns, int derivedColumns, Kind kind, List<SortKey> mergeOrder,
                     List<SortKey> groupKeys, List<AggregateColumn> aggregates, Expr having,
                     List<SortKey> finalOrder, boolean distinctRows, LimitSpec limit, List<String> labels) {
        this(userColumns, derivedColumns, kind, mergeOrder, groupKeys, aggregates, having, finalOrder, distinctRows,
                limit, labels, List.of(), List.of());
    }

    /** A spec without weight columns (they are added last, by {@link #withWeights}). */
    public MergeSpec(int userColumns, int derivedColumns, Kind kind, List<SortKey> mergeOrder,
                     List<SortKey> groupKeys, List<AggregateColumn> aggregates, Expr having,
                     List<SortKey> finalOrder, boolean distinctRows, LimitSpec limit, List<String> labels,
                     List<Compute.Computed> computed) {
        this(userColumns, derivedColumns, kind, mergeOrder, groupKeys, aggregates, having, finalOrder, distinctRows,
                limit, labels, computed, List.of());
    }

    public MergeSpec {
        computed = List.copyOf(computed);
        weights = weights == null ? List.of() : List.copyOf(weights);
        labels = labels == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(labels));
        mergeOrder = List.copyOf(mergeOrder);
        groupKeys = List.copyOf(groupKeys);
        aggregates = List.copyOf(aggregates);
        finalOrder = List.copyOf(finalOrder);
    }

    /** This spec with {@code added} more derived columns, holding the weights of {@code weightColumns}. */
    MergeSpec withWeights(int added, List<WeightColumn> weightColumns) {
        return new MergeSpec(userColumns, derivedColumns + added, kind, mergeOrder, groupKeys, aggregates, having,
                finalOrder, distinctRows, limit, labels, computed, weightColumns);
    }

    /** The derived column {@code weight} holds the database's sort key of the values in column {@code value}. */
    public record WeightColumn(Slot value, Slot weight) {
    }

    public enum Kind {
        /** Rows in any order: shard after shard. */
        CONCAT,
        /** Each shard's rows sorted by {@code mergeOrder}: a k-way merge. */
        ORDERED,
        /** Aggregates without GROUP BY: one partial row per shard, or the distinct values in order. */
        AGGREGATE,
        /** GROUP BY: each shard's groups sorted by the keys, combined as they stream in. */
        GROUPED
    }

    /** @param offset null when there is no OFFSET */
    public record LimitSpec(ValueRef offset, ValueRef count) {
    }
}
