package dev.shard.core.internal.route;

import dev.shard.core.internal.merge.AggregateColumn;
import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.merge.ColumnRef;
import dev.shard.core.internal.merge.Compute;
import dev.shard.core.internal.merge.MergePlan;
import dev.shard.core.internal.merge.Project;
import dev.shard.core.internal.merge.Resolver;
import dev.shard.core.internal.merge.Slot;
import dev.shard.core.internal.merge.SortKey;
import dev.shard.core.internal.sql.MergeSpec;
import dev.shard.core.internal.sql.ValueRef;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link MergeSpec} into a runnable {@link MergePlan} once the shards' result columns are known (their
 * count, for {@code SELECT *}, and their collations) and the execution's values are bound (LIMIT, HAVING): the
 * spec's slots and parameters are resolved, then the steps are laid out in the spec's shape.
 */
public final class MergePlanner {

    private MergePlanner() {
    }

    /**
     * @param columns  the shard result's columns, derived ones included
     * @param maxRows  Statement.setMaxRows, 0 for none
     */
    public static MergePlan plan(MergeSpec spec, List<ColumnInfo> columns, Bindings bindings, long maxRows)
            throws SQLException {
        int total = columns.size();
        int derived = spec.derivedColumns();
        int user = total - derived;
        if (user < 1 || spec.userColumns() >= 0 && spec.userColumns() != user) {
            throw new SQLException("Shards returned " + total + " columns, but the statement selects "
                    + spec.userColumns() + " and adds " + derived, "HY000");
        }
        Resolver resolver = new ShardColumns(columns, derived, bindings);
        List<SortKey> mergeOrder = SortKey.resolve(spec.mergeOrder(), resolver);
        MergePlan.Builder plan = switch (spec.kind()) {
            case CONCAT -> MergePlan.concat();
            case ORDERED, GROUPED -> MergePlan.orderedMerge(mergeOrder);
            case AGGREGATE -> mergeOrder.isEmpty() ? MergePlan.concat() : MergePlan.orderedMerge(mergeOrder);
        };
        List<AggregateColumn> aggregates = new ArrayList<>();
        for (AggregateColumn aggregate : spec.aggregates()) {
            aggregates.add(aggregate.resolve(resolver));
        }
        plan = switch (spec.kind()) {
            case CONCAT, ORDERED -> plan;
            case AGGREGATE -> plan.aggregate(aggregates);
            case GROUPED -> plan.groupAggregate(SortKey.resolve(spec.groupKeys(), resolver), aggregates);
        };
        if (!spec.computed().isEmpty()) {
            List<Compute.Computed> computed = new ArrayList<>();
            for (Compute.Computed column : spec.computed()) {
                computed.add(column.resolve(resolver));
            }
            plan.step(new Compute(computed));
        }
        if (spec.having() != null) {
            plan.filter(spec.having().resolve(resolver));
        }
        if (!spec.finalOrder().isEmpty()) {
            plan.sort(SortKey.resolve(spec.finalOrder(), resolver));
        }
        if (spec.distinctRows()) {
            // After grouping, the final order (which ends with every selected column) brings equal rows together.
            plan.distinct(spec.finalOrder().isEmpty() ? mergeOrder : SortKey.resolve(spec.finalOrder(), resolver));
        }
        if (spec.limit() != null) {
            long offset = spec.limit().offset() == null ? 0 : number(spec.limit().offset(), bindings, "offset");
            long count = number(spec.limit().count(), bindings, "row count");
            plan.limit(offset, count);
        }
        if (maxRows > 0) {
            plan.limit(0, maxRows);
        }
        if (derived > 0) {
            plan.step(Project.first(user));
        }
        return plan.build();
    }

    /** LIMIT and OFFSET values: whole numbers, not negative; beyond a long, {@link Long#MAX_VALUE}. */
    public static long number(ValueRef ref, Bindings bindings, String what) throws SQLException {
        Object value = ref.value(bindings);
        Long rows = dev.shard.core.internal.sql.RowLimits.rows(value);
        if (rows != null) {
            return rows;
        }
        throw new SQLException("LIMIT " + what + " must be a whole number of 0 or more, was " + value, "22023");
    }

    /** The slots of one execution's shard results, and its bound values. */
    private record ShardColumns(List<ColumnInfo> columns, int derived, Bindings bindings) implements Resolver {

        @Override
        public ColumnRef column(Slot slot) throws SQLException {
            int index = slot.column(columns.size(), derived);
            if (index < 0) {
                throw new SQLException("merge: the statement's column " + slot.position() + " is not among the "
                        + columns.size() + " columns the shards returned (" + derived + " added by the rewrite)",
                        "HY000");
            }
            return new ColumnRef(index, columns.get(index));
        }

        @Override
        public Object parameter(int index) throws SQLException {
            return bindings.value(index);
        }
    }
}
