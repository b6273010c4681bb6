package dev.shard.core.internal.sql;

import java.util.List;

/**
 * How to merge the rows of a SELECT that ran on several shards: a description independent of any merge
 * implementation, produced with the shard query by {@link SelectRewriter}.
 *
 * <p>Columns are addressed by {@link Slot}: the user's select items first, then the derived columns the rewrite
 * appended (ORDER BY, GROUP BY, HAVING or AVG needs the user did not select), which the merge hides again.
 *
 * @param userColumns    number of user select items, or -1 when the select list has {@code *} (then the count
 *                       is known only from the shards' result metadata, and derived slots count from the end)
 * @param derivedColumns number of appended columns
 * @param kind           the shape of the merge
 * @param mergeOrder     the order every shard returns its rows in, which the merge keeps: ORDER BY keys, group
 *                       keys (then the distinct-aggregate argument), or all columns for DISTINCT
 * @param groupKeys      GROUPED: the group keys
 * @param distinctArgument the argument of COUNT(DISTINCT x) / SUM(DISTINCT x), or null
 * @param aggregates     AGGREGATE and GROUPED: the aggregate columns; other columns pass through
 * @param having         predicate on merged rows, or null
 * @param finalOrder     a sort after grouping when the requested order is not the group order; empty if none
 * @param distinctRows   SELECT DISTINCT
 * @param limit          LIMIT/OFFSET applied after merging, or null
 * @param labels         for user items the rewrite replaced (AVG became SUM, COUNT(DISTINCT x) became x) and that
 *                       have no alias: the label the user's own statement would have had; other entries null
 */
public record MergeSpec(int userColumns, int derivedColumns, Kind kind, List<SortKey> mergeOrder,
                        List<Slot> groupKeys, Slot distinctArgument, List<AggregateItem> aggregates,
                        HavingNode having, List<SortKey> finalOrder, boolean distinctRows, LimitSpec limit,
                        List<String> labels) {

    public MergeSpec {
        labels = labels == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(labels));
        mergeOrder = List.copyOf(mergeOrder);
        groupKeys = List.copyOf(groupKeys);
        aggregates = List.copyOf(aggregates);
        finalOrder = List.copyOf(finalOrder);
    }

    public enum Kind {
        /** Rows in any order: shard after shard. */
        CONCAT,
        /** Each shard's rows sorted by {@code mergeOrder}: a k-way merge. */
        ORDERED,
        /** Aggregates without GROUP BY: one partial row per shard. */
        AGGREGATE,
        /** GROUP BY: each shard's groups sorted by the keys, combined as they stream in. */
        GROUPED
    }

    /** A column of the shard query's result: the {@code index}-th user item, or the {@code index}-th derived one. */
    public record Slot(boolean derived, int index) {

        public static Slot user(int index) {
            return new Slot(false, index);
        }

        public static Slot derivedColumn(int index) {
            return new Slot(true, index);
        }

        /** 0-based column in a shard row with {@code total} columns, of which {@code derived} are derived. */
        public int column(int total, int derivedCount) {
            return derived ? total - derivedCount + index : index;
        }
    }

    public record SortKey(Slot slot, boolean descending) {
    }

    public enum AggregateKind { COUNT, SUM, MIN, MAX, AVG, COUNT_DISTINCT, SUM_DISTINCT }

    /**
     * @param slot      where the shard's partial value is (for AVG: the partial SUM; for the DISTINCT kinds: the
     *                  distinct value itself)
     * @param countSlot AVG only: the partial COUNT
     */
    public record AggregateItem(Slot slot, AggregateKind kind, Slot countSlot) {
    }

    /** @param offset null when there is no OFFSET */
    public record LimitSpec(ValueRef offset, ValueRef count) {
    }

    /** HAVING, as a small expression tree over merged slots and bound values. */
    public sealed interface HavingNode {

        record SlotRef(Slot slot) implements HavingNode {
        }

        record Value(ValueRef value) implements HavingNode {
        }

        /** op: =, <>, <, <=, >, >=, <=> */
        record Compare(String op, HavingNode left, HavingNode right) implements HavingNode {
        }

        /** op: +, -, *, /, % */
        record Arithmetic(String op, HavingNode left, HavingNode right) implements HavingNode {
        }

        record And(HavingNode left, HavingNode right) implements HavingNode {
        }

        record Or(HavingNode left, HavingNode right) implements HavingNode {
        }

        record Not(HavingNode operand) implements HavingNode {
        }

        record IsNull(HavingNode operand, boolean negated) implements HavingNode {
        }

        record Between(HavingNode operand, HavingNode low, HavingNode high, boolean negated) implements HavingNode {
        }

        record InList(HavingNode operand, List<HavingNode> items, boolean negated) implements HavingNode {
        }
    }
}
