package dev.shard.core.internal.route;

import dev.shard.core.internal.merge.AggregateColumn;
import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.merge.Expr;
import dev.shard.core.internal.merge.MergePlan;
import dev.shard.core.internal.merge.SortKey;
import dev.shard.core.internal.sql.MergeSpec;
import dev.shard.core.internal.sql.MergeSpec.AggregateItem;
import dev.shard.core.internal.sql.MergeSpec.HavingNode;
import dev.shard.core.internal.sql.MergeSpec.Slot;
import dev.shard.core.internal.sql.ValueRef;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link MergeSpec} into a runnable {@link MergePlan} once the shards' result columns are known (their
 * count, for {@code SELECT *}, and their collations) and the execution's values are bound (LIMIT, HAVING).
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
        MergePlan.Builder plan = switch (spec.kind()) {
            case CONCAT -> MergePlan.concat();
            case ORDERED, GROUPED -> MergePlan.orderedMerge(keys(spec.mergeOrder(), columns, derived));
            case AGGREGATE -> spec.mergeOrder().isEmpty() ? MergePlan.concat()
                    : MergePlan.orderedMerge(keys(spec.mergeOrder(), columns, derived));
        };
        List<AggregateColumn> aggregates = new ArrayList<>();
        for (AggregateItem item : spec.aggregates()) {
            int column = item.slot().column(total, derived);
            ColumnInfo info = columns.get(column);
            aggregates.add(switch (item.kind()) {
                case COUNT -> AggregateColumn.count(column);
                case SUM -> AggregateColumn.sum(column);
                case MIN -> AggregateColumn.min(column, info);
                case MAX -> AggregateColumn.max(column, info);
                case AVG -> AggregateColumn.avg(column, item.countSlot().column(total, derived));
                case COUNT_DISTINCT -> AggregateColumn.countDistinct(column, info);
                case SUM_DISTINCT -> AggregateColumn.sumDistinct(column, info);
            });
        }
        if (spec.kind() == MergeSpec.Kind.AGGREGATE) {
            plan.aggregate(aggregates);
        } else if (spec.kind() == MergeSpec.Kind.GROUPED) {
            List<SortKey> groupKeys = new ArrayList<>();
            for (Slot key : spec.groupKeys()) {
                int column = key.column(total, derived);
                groupKeys.add(SortKey.asc(column, columns.get(column)));
            }
            plan.groupAggregate(groupKeys, aggregates);
        }
        if (spec.having() != null) {
            plan.filter(expr(spec.having(), columns, derived, bindings));
        }
        if (!spec.finalOrder().isEmpty()) {
            plan.sort(keys(spec.finalOrder(), columns, derived));
        }
        if (spec.distinctRows()) {
            List<SortKey> all = new ArrayList<>(keys(spec.mergeOrder(), columns, derived));
            plan.distinct(all);
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
            List<Integer> visible = new ArrayList<>();
            for (int i = 0; i < user; i++) {
                visible.add(i);
            }
            plan.project(visible);
        }
        return plan.build();
    }

    /** LIMIT and OFFSET values: whole numbers, not negative. */
    public static long number(ValueRef ref, Bindings bindings, String what) throws SQLException {
        Object value = ref instanceof ValueRef.Param p ? bindings.value(p.index()) : ((ValueRef.Constant) ref).value();
        if (value instanceof Number n && n.longValue() >= 0 && new java.math.BigDecimal(n.toString()).scale() <= 0) {
            return n.longValue();
        }
        if (value instanceof String s && s.matches("\\d+")) {
            return Long.parseLong(s);
        }
        throw new SQLException("LIMIT " + what + " must be a whole number of 0 or more, was " + value, "22023");
    }

    private static List<SortKey> keys(List<MergeSpec.SortKey> keys, List<ColumnInfo> columns, int derived) {
        List<SortKey> result = new ArrayList<>();
        for (MergeSpec.SortKey key : keys) {
            int column = key.slot().column(columns.size(), derived);
            result.add(new SortKey(column, key.descending(), columns.get(column)));
        }
        return result;
    }

    private static Expr expr(HavingNode node, List<ColumnInfo> columns, int derived, Bindings bindings)
            throws SQLException {
        if (node instanceof HavingNode.SlotRef ref) {
            int column = ref.slot().column(columns.size(), derived);
            return new Expr.ColumnRef(column, columns.get(column));
        }
        if (node instanceof HavingNode.Value value) {
            ValueRef v = value.value();
            return new Expr.Literal(v instanceof ValueRef.Param p ? bindings.value(p.index())
                    : ((ValueRef.Constant) v).value());
        }
        if (node instanceof HavingNode.Compare compare) {
            Expr.CompareOp op = switch (compare.op()) {
                case "=" -> Expr.CompareOp.EQ;
                case "<>", "!=" -> Expr.CompareOp.NE;
                case "<" -> Expr.CompareOp.LT;
                case "<=" -> Expr.CompareOp.LE;
                case ">" -> Expr.CompareOp.GT;
                case ">=" -> Expr.CompareOp.GE;
                case "<=>" -> Expr.CompareOp.NULL_SAFE_EQ;
                default -> throw new SQLException("HAVING comparison " + compare.op()
                        + " is not supported across shards", "0A000");
            };
            return new Expr.Comparison(op, expr(compare.left(), columns, derived, bindings),
                    expr(compare.right(), columns, derived, bindings));
        }
        if (node instanceof HavingNode.Arithmetic arithmetic) {
            Expr.ArithmeticOp op = switch (arithmetic.op()) {
                case "+" -> Expr.ArithmeticOp.ADD;
                case "-" -> Expr.ArithmeticOp.SUB;
                case "*" -> Expr.ArithmeticOp.MUL;
                case "/" -> Expr.ArithmeticOp.DIV;
                default -> Expr.ArithmeticOp.MOD;
            };
            return new Expr.Arithmetic(op, expr(arithmetic.left(), columns, derived, bindings),
                    expr(arithmetic.right(), columns, derived, bindings));
        }
        if (node instanceof HavingNode.And and) {
            return new Expr.And(expr(and.left(), columns, derived, bindings),
                    expr(and.right(), columns, derived, bindings));
        }
        if (node instanceof HavingNode.Or or) {
            return new Expr.Or(expr(or.left(), columns, derived, bindings),
                    expr(or.right(), columns, derived, bindings));
        }
        if (node instanceof HavingNode.Not not) {
            return new Expr.Not(expr(not.operand(), columns, derived, bindings));
        }
        if (node instanceof HavingNode.IsNull isNull) {
            return new Expr.IsNull(expr(isNull.operand(), columns, derived, bindings), isNull.negated());
        }
        if (node instanceof HavingNode.Between between) {
            return new Expr.Between(expr(between.operand(), columns, derived, bindings),
                    expr(between.low(), columns, derived, bindings), expr(between.high(), columns, derived, bindings),
                    between.negated());
        }
        HavingNode.InList in = (HavingNode.InList) node;
        List<Expr> values = new ArrayList<>();
        for (HavingNode item : in.items()) {
            values.add(expr(item, columns, derived, bindings));
        }
        return new Expr.InList(expr(in.operand(), columns, derived, bindings), values, in.negated());
    }
}
