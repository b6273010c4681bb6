package dev.shard.core.internal.sql;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.SqlLexer;
import dev.shard.core.internal.merge.AggregateColumn;
import dev.shard.core.internal.merge.AggregateKind;
import dev.shard.core.internal.merge.Compute;
import dev.shard.core.internal.merge.Expr;
import dev.shard.core.internal.merge.Slot;
import dev.shard.core.internal.merge.SortKey;
import dev.shard.core.internal.sql.MergeSpec.LimitSpec;
import dev.shard.core.internal.sql.ScatterSelect.ShardParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Modulo;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.util.deparser.ExpressionDeParser;
import net.sf.jsqlparser.util.deparser.SelectDeParser;

/**
 * Rewrites a top-level SELECT for scatter-gather, as ShardingSphere and Vitess do: each shard gets a query whose
 * rows can be merged (sorted by the merge keys, AVG split into SUM and COUNT, HAVING and OFFSET held back, LIMIT
 * raised to offset + count, missing sort and group columns appended), and the merge gets a {@link MergeSpec}.
 *
 * <p>Mutates the statement it is given; the analyser calls it last.
 */
final class SelectRewriter {

    private static final Set<String> AGGREGATES = Set.of("count", "sum", "min", "max", "avg");
    /** MySQL aggregates the merge cannot combine from per-shard partials: refused rather than concatenated. */
    private static final Set<String> UNMERGEABLE = Set.of("std", "stddev", "stddev_pop",
            "stddev_samp", "variance", "var_pop", "var_samp", "bit_and", "bit_or", "bit_xor", "json_arrayagg",
            "json_objectagg", "any_value",
            // PostgreSQL's
            "string_agg", "array_agg", "bool_and", "bool_or", "every", "json_agg", "jsonb_agg", "json_object_agg",
            "jsonb_object_agg", "xmlagg", "percentile_cont", "percentile_disc", "mode", "corr", "covar_pop",
            "covar_samp", "regr_avgx", "regr_avgy", "regr_count", "regr_intercept", "regr_r2", "regr_slope",
            "regr_sxx", "regr_sxy", "regr_syy", "range_agg", "range_intersect_agg");
    private static final String DERIVED_PREFIX = "__shard_";
    /** Fixed indexes at or above this mark parameters the rewrite adds (see {@link #render}). */
    private static final int LIMIT_MARKER = 1_000_000_000;

    /** Thrown for a SELECT that cannot be merged correctly across shards; the message says why. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private final PlainSelect select;
    private final List<Expression> derived = new ArrayList<>();
    /** What the shard query also groups by for GROUP_CONCAT: its expressions and order keys. */
    private final List<Expression> concatGroup = new ArrayList<>();
    /** Items and ORDER BY keys computed after the merge from the aggregates in them. */
    private final List<Compute.Computed> computed = new ArrayList<>();
    /** The select items as written, before AVG became SUM: HAVING and ORDER BY refer to these. */
    private List<Expression> originalItems;
    private int userColumns;

    private final String sql;
    private final Dialect dialect;

    /**
     * @param sql     the text {@code select} was parsed from, for the labels of items the rewrite replaces
     * @param dialect how the shard query's LIMIT is written and its text read back, and how HAVING compares
     */
    SelectRewriter(PlainSelect select, String sql, Dialect dialect) {
        this.select = select;
        this.sql = sql;
        this.dialect = dialect;
    }

    /**
     * The expression as the statement spells it: MySQL labels an unaliased column with its text, so a replaced
     * item must keep the user's spelling ({@code avg( amount )}), not the parser's reprint.
     */
    private String writtenText(Expression expression) {
        net.sf.jsqlparser.parser.Node node = expression.getASTNode();
        if (node == null || sql == null || node.jjtGetFirstToken() == null || node.jjtGetLastToken() == null) {
            return expression.toString();
        }
        int start = offsetOf(node.jjtGetFirstToken().beginLine, node.jjtGetFirstToken().beginColumn);
        int end = offsetOf(node.jjtGetLastToken().endLine, node.jjtGetLastToken().endColumn);
        if (start < 0 || end < start || end >= sql.length()) {
            return expression.toString();
        }
        return sql.substring(start, end + 1);
    }

    /** 0-based offset of a 1-based line and column, or -1. */
    private int offsetOf(int line, int column) {
        int offset = 0;
        for (int l = 1; l < line; l++) {
            offset = sql.indexOf('\n', offset);
            if (offset < 0) {
                return -1;
            }
            offset++;
        }
        return offset + column - 1;
    }

    ScatterSelect rewrite() throws Refusal {
        if (select.getIntoTables() != null || select.getMySqlSelectIntoClause() != null) {
            throw new Refusal("SELECT ... INTO cannot run on several shards");
        }
        if (select.getGroupBy() != null && (select.getGroupBy().isMysqlWithRollup()
                || select.getGroupBy().getGroupingSets() != null && !select.getGroupBy().getGroupingSets().isEmpty())) {
            throw new Refusal("GROUP BY ... WITH ROLLUP and grouping sets are not supported across shards");
        }
        List<SelectItem<?>> items = select.getSelectItems();
        originalItems = new ArrayList<>();
        for (SelectItem<?> item : items) {
            originalItems.add(item.getExpression());
        }
        refuseUnmergeable(select.getSelectItems().stream().map(i -> (Expression) i.getExpression()).toList());
        refuseUnmergeable(select.getHaving() == null ? List.of() : List.of(select.getHaving()));
        if (select.getOrderByElements() != null) {
            refuseUnmergeable(select.getOrderByElements().stream().map(OrderByElement::getExpression).toList());
        }
        boolean star = false;
        for (int i = 0; i < items.size(); i++) {
            Expression expression = items.get(i).getExpression();
            if (expression instanceof AllColumns) {
                star = true;
                continue;
            }
            refuseWindowFunctions(expression);
            if (expression instanceof Function function && isAggregate(function)) {
                refuseNestedAggregates(function.getParameters());
            }
        }
        userColumns = star ? -1 : items.size();
        boolean grouped = select.getGroupBy() != null;
        boolean anyAggregate = items.stream().anyMatch(i -> containsAggregate(i.getExpression()));
        if (star && (grouped || anyAggregate || select.getDistinct() != null)) {
            throw new Refusal("SELECT * cannot be combined with GROUP BY, aggregates or DISTINCT across shards;"
                    + " name the columns");
        }
        if (select.getDistinct() != null && select.getDistinct().getOnSelectItems() != null) {
            throw new Refusal("DISTINCT ON is not supported across shards");
        }
        LimitSpec limit = limitSpec();
        // The offset is applied by the merge, never by a shard; a FETCH FIRST becomes the shards' LIMIT.
        select.setOffset(null);
        select.setFetch(null);

        if (grouped || anyAggregate) {
            return rewriteAggregate(items, grouped, limit);
        }
        if (select.getHaving() != null) {
            throw new Refusal("HAVING without GROUP BY or aggregates is not supported across shards");
        }
        boolean distinct = select.getDistinct() != null;
        List<SortKey> order = new ArrayList<>();
        if (select.getOrderByElements() != null) {
            for (OrderByElement element : select.getOrderByElements()) {
                Slot slot = distinct ? existingItem(element.getExpression(), items) : slotFor(element.getExpression(), items);
                if (slot == null) {
                    throw new Refusal("SELECT DISTINCT across shards can only ORDER BY selected columns; "
                            + element.getExpression() + " is not selected");
                }
                order.add(new SortKey(slot, !element.isAsc(), nullsFirst(element)));
            }
        }
        if (distinct) {
            // Sorted by every column, duplicates from different shards arrive next to each other.
            for (int i = 0; i < items.size(); i++) {
                Slot slot = Slot.user(i);
                if (order.stream().noneMatch(k -> k.column().equals(slot))) {
                    order.add(new SortKey(slot, false));
                }
            }
            setShardOrder(order);
        }
        pushLimit(limit);
        appendDerived();
        MergeSpec.Kind kind = order.isEmpty() ? MergeSpec.Kind.CONCAT : MergeSpec.Kind.ORDERED;
        return finish(new MergeSpec(userColumns, derived.size(), kind, order, List.of(), List.of(), null,
                List.of(), distinct, limit, List.of()));
    }

    private ScatterSelect rewriteAggregate(List<SelectItem<?>> items, boolean grouped, LimitSpec limit)
            throws Refusal {
        List<AggregateColumn> aggregates = new ArrayList<>();
        Expression distinctArgument = null;
        // Items the rewrite replaces or reprints: without an alias, the database would label them with their text.
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            labels.add(null);
        }
        // Group keys first: an ORDER BY or HAVING may refer to them.
        List<SortKey> groupKeys = new ArrayList<>();
        if (grouped) {
            for (Expression key : select.getGroupBy().getGroupByExpressionList()) {
                groupKeys.add(new SortKey(slotFor(key, items), false));
            }
        }
        for (int i = 0; i < items.size(); i++) {
            SelectItem<?> item = items.get(i);
            if (item.getExpression() instanceof Function concat && GroupConcatRewrite.is(concat)) {
                aggregates.add(GroupConcatRewrite.aggregate(concat, Slot.user(i), this::derive, concatGroup));
                continue;
            }
            if (!(item.getExpression() instanceof Function function) || !isAggregate(function)) {
                continue;
            }
            String written = item.getAlias() == null ? dialect.unaliasedLabel(writtenText(function), function.getName())
                    : null;
            Expression argument = singleArgument(function);
            AggregateKind kind = kindOf(function);
            aggregates.add(switch (kind) {
                case COUNT, SUM, MIN, MAX -> {
                    // MIN/MAX(DISTINCT x) equal MIN/MAX(x); the shard would print the DISTINCT in its own spelling.
                    labels.set(i, function.isDistinct() ? written : null);
                    yield new AggregateColumn(kind, Slot.user(i), null);
                }
                case AVG -> {
                    // AVG of partial averages is wrong; SUM and COUNT of each shard give the exact answer.
                    setItem(items, i, aggregate("SUM", requireArgument(function, argument)));
                    labels.set(i, written);
                    yield new AggregateColumn(kind, Slot.user(i), derive(aggregate("COUNT", argument)));
                }
                case COUNT_DISTINCT, SUM_DISTINCT, AVG_DISTINCT -> {
                    requireArgument(function, argument);
                    if (distinctArgument != null && !same(distinctArgument, argument)) {
                        throw new Refusal("DISTINCT aggregates over different expressions (" + distinctArgument
                                + ", " + argument + ") are not supported across shards");
                    }
                    distinctArgument = argument;
                    // Shards return the distinct values themselves (the shard query groups by them); the merge
                    // counts, sums or averages each value once, however many shards hold it.
                    setItem(items, i, argument);
                    labels.set(i, written);
                    yield new AggregateColumn(kind, Slot.user(i), null);
                }
                // kindOf never answers GROUP_CONCAT: the parser reads it as its own expression (above).
                case GROUP_CONCAT -> throw new Refusal(function + " is not an aggregate function call");
            });
        }
        for (int i = 0; i < items.size(); i++) {
            Expression expression = items.get(i).getExpression();
            if (!(expression instanceof Function function && isAggregate(function))
                    && !(expression instanceof Function concat && GroupConcatRewrite.is(concat))
                    && containsAggregate(expression)) {
                // The shard computes the item from its own rows, which gives the column its type; the merge
                // computes it again from the merged aggregates.
                computed.add(new Compute.Computed(Slot.user(i), havingExpr(expression, items, aggregates)));
            }
        }
        Expr having = null;
        if (select.getHaving() != null) {
            having = havingExpr(select.getHaving(), items, aggregates);
            // Evaluated after the merge, on global aggregates: on a shard it would see partial counts.
            select.setHaving(null);
        }
        List<SortKey> requested = new ArrayList<>();
        if (select.getOrderByElements() != null) {
            for (OrderByElement element : select.getOrderByElements()) {
                requested.add(new SortKey(orderSlot(element.getExpression(), items, aggregates),
                        !element.isAsc(), nullsFirst(element)));
            }
        }
        // Each shard returns its groups sorted by the keys (then the distinct argument), for a streaming merge.
        List<SortKey> mergeOrder = new ArrayList<>(groupKeys);
        if (distinctArgument != null || !concatGroup.isEmpty()) {
            List<Expression> shardGroup = new ArrayList<>();
            if (grouped) {
                shardGroup.addAll(select.getGroupBy().getGroupByExpressionList());
            }
            if (distinctArgument != null) {
                shardGroup.add(distinctArgument);
            }
            // Sorting by the group keys (then the distinct argument) is all the merge needs of these.
            shardGroup.addAll(concatGroup);
            setShardGroupBy(shardGroup);
        }
        if (distinctArgument != null) {
            // Every distinct aggregate's column holds the same values: sorting by the first sorts them all.
            aggregates.stream().filter(a -> a.kind().distinct()).findFirst()
                    .ifPresent(a -> mergeOrder.add(new SortKey(a.column(), false)));
        }
        List<SortKey> finalOrder = new ArrayList<>();
        if (!requested.isEmpty() && !isGroupOrder(requested, groupKeys)) {
            finalOrder = requested;
        }
        boolean distinctRows = select.getDistinct() != null;
        if (distinctRows) {
            finalOrder = DistinctGroups.order(requested, userColumns);
            // A shard's rows are partial groups: equal rows appear only once the groups are merged.
            select.setDistinct(null);
        }
        setShardOrder(mergeOrder);
        // Partial groups cannot be limited on a shard; the whole LIMIT applies after the merge.
        select.setLimit(null);
        appendDerived();
        MergeSpec.Kind kind = grouped ? MergeSpec.Kind.GROUPED : MergeSpec.Kind.AGGREGATE;
        return finish(new MergeSpec(userColumns, derived.size(), kind, mergeOrder, groupKeys, aggregates, having,
                finalOrder, distinctRows, limit, labels, computed));
    }

    /** The merge's kind for an aggregate call: COUNT(DISTINCT x) is COUNT_DISTINCT, MIN(DISTINCT x) is MIN. */
    private static AggregateKind kindOf(Function function) throws Refusal {
        boolean distinct = function.isDistinct();
        return switch (function.getName().toLowerCase(Locale.ROOT)) {
            case "count" -> distinct ? AggregateKind.COUNT_DISTINCT : AggregateKind.COUNT;
            case "sum" -> distinct ? AggregateKind.SUM_DISTINCT : AggregateKind.SUM;
            case "avg" -> distinct ? AggregateKind.AVG_DISTINCT : AggregateKind.AVG;
            case "min" -> AggregateKind.MIN;
            case "max" -> AggregateKind.MAX;
            // isAggregate admits only the names above.
            default -> throw new Refusal(function.getName() + " is not an aggregate the merge can combine");
        };
    }

    private static Expression requireArgument(Function function, Expression argument) throws Refusal {
        if (argument == null) {
            throw new Refusal(function + " needs exactly one argument to run across shards");
        }
        return argument;
    }

    private static boolean isGroupOrder(List<SortKey> requested, List<SortKey> groupKeys) {
        if (requested.size() > groupKeys.size()) {
            return false;
        }
        for (int i = 0; i < requested.size(); i++) {
            if (!requested.get(i).equals(groupKeys.get(i))) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ slots

    /** The select item an expression names (ordinal, alias or same text), or a new derived column for it. */
    private Slot slotFor(Expression expression, List<SelectItem<?>> items) throws Refusal {
        Slot existing = existingItem(expression, items);
        return existing != null ? existing : derive(expression);
    }

    private Slot existingItem(Expression expression, List<SelectItem<?>> items) throws Refusal {
        if (expression instanceof LongValue ordinal) {
            long position = ordinal.getValue();
            // With SELECT * the count is known only from the shards' result, whose user columns are the select list
            // as the database expanded it: the position the statement gives. A shard refuses a position past them.
            if (position < 1 || userColumns >= 0 && position > userColumns) {
                throw new Refusal("position " + position + " is not in the select list");
            }
            return Slot.user((int) position - 1);
        }
        // An item after a '*' has no position known before the rows arrive ('*' is as many columns as the table
        // has), so Slot.user(i) would name another column; such an item is sorted on as a hidden column instead.
        int placed = 0;
        while (placed < items.size() && !(originalItems.get(placed) instanceof AllColumns)) {
            placed++;
        }
        if (expression instanceof Column column && column.getTable() == null) {
            String name = dialect.canonicalName(column.getColumnName());
            for (int i = 0; i < items.size(); i++) {
                SelectItem<?> item = items.get(i);
                if (item.getAlias() != null && dialect.canonicalName(item.getAlias().getName()).equals(name)) {
                    // After a '*', the aliased expression itself (the alias cannot be selected again).
                    return i < placed ? Slot.user(i) : derive(originalItems.get(i));
                }
            }
        }
        expression = unparenthesised(expression);
        for (int i = 0; i < placed; i++) {
            // SELECT DISTINCT(item_id) selects item_id: the parentheses belong to the expression, not to DISTINCT.
            Expression written = unparenthesised(originalItems.get(i));
            if (same(written, expression)) {
                return Slot.user(i);
            }
            if (expression instanceof Column column && written instanceof Column selected
                    && dialect.canonicalName(selected.getColumnName())
                    .equals(dialect.canonicalName(column.getColumnName()))
                    && (column.getTable() == null || selected.getTable() == null)) {
                // ORDER BY status over SELECT o.status: the same column, written with and without its table.
                return Slot.user(i);
            }
        }
        return null;
    }

    /** ORDER BY of a grouped query: an item, an aggregate (existing or derived), or a derived expression. */
    private Slot orderSlot(Expression expression, List<SelectItem<?>> items, List<AggregateColumn> aggregates)
            throws Refusal {
        Slot existing = existingItem(expression, items);
        if (existing != null) {
            return existing;
        }
        if (expression instanceof Function function && isAggregate(function)) {
            return derivedAggregate(function, aggregates);
        }
        if (containsAggregate(expression)) {
            Slot slot = derive(expression);
            computed.add(new Compute.Computed(slot, havingExpr(expression, items, aggregates)));
            return slot;
        }
        return derive(expression);
    }

    private Slot derivedAggregate(Function function, List<AggregateColumn> aggregates) throws Refusal {
        AggregateKind kind = kindOf(function);
        AggregateColumn column = switch (kind) {
            case COUNT, SUM, MIN, MAX -> new AggregateColumn(kind, derive(function), null);
            case AVG -> {
                Expression argument = requireArgument(function, singleArgument(function));
                Slot sum = derive(aggregate("SUM", argument));
                yield new AggregateColumn(kind, sum, derive(aggregate("COUNT", argument)));
            }
            case COUNT_DISTINCT, SUM_DISTINCT, AVG_DISTINCT, GROUP_CONCAT ->
                    throw new Refusal(function + " is only supported across shards in the select list");
        };
        aggregates.add(column);
        return column.column().slot();
    }

    private Slot derive(Expression expression) {
        derived.add(expression);
        return Slot.derivedColumn(derived.size() - 1);
    }

    private void appendDerived() {
        List<SelectItem<?>> items = new ArrayList<>(select.getSelectItems());
        for (int i = 0; i < derived.size(); i++) {
            SelectItem<Expression> item = new SelectItem<>(derived.get(i));
            item.setAlias(new net.sf.jsqlparser.expression.Alias(DERIVED_PREFIX + i));
            items.add(item);
        }
        select.setSelectItems(items);
    }

    // ------------------------------------------------------------------ HAVING

    /**
     * An expression of HAVING, or a select item or ORDER BY key with aggregates inside, as the merge computes it
     * from merged rows: aggregates become (derived) aggregate columns, expressions without aggregates columns
     * the shards compute, and what lies between them merge expressions.
     */
    private Expr havingExpr(Expression expression, List<SelectItem<?>> items, List<AggregateColumn> aggregates)
            throws Refusal {
        if (expression instanceof Parenthesis parenthesis) {
            return havingExpr(parenthesis.getExpression(), items, aggregates);
        }
        if (expression instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
            return havingExpr(list.get(0), items, aggregates);
        }
        if (expression instanceof AndExpression and) {
            return new Expr.And(havingExpr(and.getLeftExpression(), items, aggregates),
                    havingExpr(and.getRightExpression(), items, aggregates));
        }
        if (expression instanceof OrExpression or) {
            return new Expr.Or(havingExpr(or.getLeftExpression(), items, aggregates),
                    havingExpr(or.getRightExpression(), items, aggregates));
        }
        if (expression instanceof NotExpression not) {
            return new Expr.Not(havingExpr(not.getExpression(), items, aggregates));
        }
        if (expression instanceof ComparisonOperator comparison) {
            Expr.CompareOp op = Expr.CompareOp.of(comparison.getStringExpression().trim());
            if (op == null) {
                throw new Refusal("the comparison " + comparison.getStringExpression().trim()
                        + " cannot be computed after merging across shards");
            }
            return new Expr.Comparison(op, havingExpr(comparison.getLeftExpression(), items, aggregates),
                    havingExpr(comparison.getRightExpression(), items, aggregates), dialect.comparator(false));
        }
        if (expression instanceof IsNullExpression isNull) {
            return new Expr.IsNull(havingExpr(isNull.getLeftExpression(), items, aggregates), isNull.isNot());
        }
        if (expression instanceof Between between) {
            return new Expr.Between(havingExpr(between.getLeftExpression(), items, aggregates),
                    havingExpr(between.getBetweenExpressionStart(), items, aggregates),
                    havingExpr(between.getBetweenExpressionEnd(), items, aggregates), between.isNot(),
                    dialect.comparator(false));
        }
        if (expression instanceof InExpression in && in.getRightExpression() instanceof ExpressionList<?> list) {
            List<Expr> values = new ArrayList<>();
            for (Expression item : list) {
                values.add(havingExpr(item, items, aggregates));
            }
            return new Expr.InList(havingExpr(in.getLeftExpression(), items, aggregates), values, in.isNot(),
                    dialect.comparator(false));
        }
        Expr.ArithmeticOp op = expression instanceof Addition ? Expr.ArithmeticOp.ADD
                : expression instanceof Subtraction ? Expr.ArithmeticOp.SUB
                : expression instanceof Multiplication ? Expr.ArithmeticOp.MUL
                : expression instanceof Division ? Expr.ArithmeticOp.DIV
                : expression instanceof Modulo ? Expr.ArithmeticOp.MOD : null;
        if (op != null) {
            refuseMergeArithmetic(expression);
            var binary = (net.sf.jsqlparser.expression.BinaryExpression) expression;
            return new Expr.Arithmetic(op, operand(binary.getLeftExpression(), items, aggregates),
                    operand(binary.getRightExpression(), items, aggregates));
        }
        ValueRef value = JSqlParserAnalyzer.constantOrParameter(expression);
        if (value != null) {
            return value.toExpr();
        }
        if (expression instanceof Function function && !isAggregate(function) && containsAggregate(function)) {
            Expr call = MergeFunctions.call(function, argument -> operand(argument, items, aggregates));
            refuseMergeArithmetic(expression);
            return call;
        }
        Slot existing = existingItem(expression, items);
        if (existing != null) {
            return existing;
        }
        if (expression instanceof Function function && isAggregate(function)) {
            return derivedAggregate(function, aggregates);
        }
        if (!containsAggregate(expression)) {
            // A grouped column, or an expression of them (status LIKE 'i%'): each shard computes it per group.
            return derive(expression);
        }
        throw new Refusal(MergeFunctions.cannotCompute(expression));
    }

    /** Where the merge's arithmetic is not the database's (see {@code Dialect.mergeArithmetic}), it is not used. */
    private void refuseMergeArithmetic(Expression expression) throws Refusal {
        if (!dialect.mergeArithmetic()) {
            throw new Refusal(expression + " computes over aggregates, which the merge does with MySQL's arithmetic,"
                    + " not this database's (integer division, numeric scales); select the aggregates themselves and"
                    + " compute the rest in the application");
        }
    }

    /**
     * An operand of arithmetic or of a function: AVG(x) there is SUM(x) / COUNT(x) with the quotient's extra digits,
     * as MySQL computes on with them (ROUND(AVG(x), 2), AVG(x) * 100); the AVG column itself is already rounded.
     */
    private Expr operand(Expression expression, List<SelectItem<?>> items, List<AggregateColumn> aggregates)
            throws Refusal {
        if (unparenthesised(expression) instanceof Function function && isAggregate(function)
                && kindOf(function) == AggregateKind.AVG) {
            Expression argument = requireArgument(function, singleArgument(function));
            return new Expr.Arithmetic(Expr.ArithmeticOp.DIV, derivedAggregate(aggregate("SUM", argument), aggregates),
                    derivedAggregate(aggregate("COUNT", argument), aggregates));
        }
        return havingExpr(expression, items, aggregates);
    }

    // ------------------------------------------------------------------ ORDER BY, GROUP BY, LIMIT in the shard query

    /** An explicit NULLS FIRST (true) or NULLS LAST (false); null for the database's default. */
    private static Boolean nullsFirst(OrderByElement element) {
        OrderByElement.NullOrdering ordering = element.getNullOrdering();
        return ordering == null ? null : ordering == OrderByElement.NullOrdering.NULLS_FIRST;
    }

    private void setShardOrder(List<SortKey> order) {
        if (order.isEmpty()) {
            select.setOrderByElements(null);
            return;
        }
        List<OrderByElement> elements = new ArrayList<>();
        for (SortKey key : order) {
            OrderByElement element = new OrderByElement();
            element.setExpression(ordinalOf(key.column().slot()));
            element.setAsc(!key.descending());
            element.setAscDescPresent(key.descending());
            if (key.nullsFirst() != null) {
                element.setNullOrdering(key.nullsFirst() ? OrderByElement.NullOrdering.NULLS_FIRST
                        : OrderByElement.NullOrdering.NULLS_LAST);
            }
            elements.add(element);
        }
        select.setOrderByElements(elements);
    }

    /** Positions stay valid whatever the expression: the shard sorts exactly the column the merge reads. */
    private Expression ordinalOf(Slot slot) {
        int base = slot.derived() ? select.getSelectItems().size() : 0;
        return new LongValue(base + slot.index() + 1);
    }

    private void setShardGroupBy(List<Expression> keys) {
        net.sf.jsqlparser.statement.select.GroupByElement group = new net.sf.jsqlparser.statement.select.GroupByElement();
        ExpressionList<Expression> list = new ExpressionList<>();
        list.addAll(keys);
        group.setGroupByExpressions(list);
        select.setGroupByElement(group);
    }

    private LimitSpec limitSpec() throws Refusal {
        Limit limit = select.getLimit();
        if (limit == null && select.getFetch() != null) {
            // OFFSET m ROWS FETCH FIRST n ROWS ONLY (what Hibernate's H2 dialect writes): the same as LIMIT.
            net.sf.jsqlparser.statement.select.Fetch fetch = select.getFetch();
            Expression countExpression = fetch.getExpression() != null ? fetch.getExpression()
                    : new LongValue(fetch.getRowCount());
            ValueRef count = JSqlParserAnalyzer.constantOrParameter(countExpression);
            Expression offsetExpression = select.getOffset() == null ? null : select.getOffset().getOffset();
            ValueRef offset = offsetExpression == null ? null : JSqlParserAnalyzer.constantOrParameter(offsetExpression);
            if (count == null || offsetExpression != null && offset == null) {
                throw new Refusal("FETCH FIRST must be a number or a '?' parameter across shards");
            }
            return new LimitSpec(offset, count);
        }
        if (limit == null) {
            if (select.getOffset() != null) {
                throw new Refusal("OFFSET without LIMIT or FETCH is not supported across shards");
            }
            return null;
        }
        if (limit.isLimitAll() || limit.isLimitNull() || limit.getByExpressions() != null) {
            throw new Refusal("this LIMIT form is not supported across shards");
        }
        ValueRef count = JSqlParserAnalyzer.constantOrParameter(limit.getRowCount());
        // LIMIT m, n keeps the offset in the Limit; LIMIT n OFFSET m parses into a separate Offset.
        Expression offsetExpression = limit.getOffset() != null ? limit.getOffset()
                : select.getOffset() != null ? select.getOffset().getOffset() : null;
        ValueRef offset = offsetExpression == null ? null : JSqlParserAnalyzer.constantOrParameter(offsetExpression);
        if (count == null || offsetExpression != null && offset == null) {
            throw new Refusal("LIMIT must be a number or a '?' parameter across shards");
        }
        return new LimitSpec(offset, count);
    }

    /** Each shard returns up to offset + count rows and no offset: the merge skips the offset as rows stream. */
    private void pushLimit(LimitSpec spec) {
        if (spec == null) {
            return;
        }
        Limit limit = new ShardLimit(dialect);
        if (spec.offset() == null && spec.count() instanceof ValueRef.Param param) {
            limit.setRowCount(fixed(param.index()));
        } else if (spec.count() instanceof ValueRef.Constant count && RowLimits.rows(count.value()) != null
                && (spec.offset() == null || spec.offset() instanceof ValueRef.Constant offset
                && RowLimits.rows(offset.value()) != null)) {
            long sum = RowLimits.sum(spec.offset() == null ? 0 : RowLimits.rows(((ValueRef.Constant) spec.offset()).value()),
                    RowLimits.rows(count.value()));
            limit.setRowCount(new LongValue(sum));
        } else {
            limit.setRowCount(fixed(LIMIT_MARKER));
        }
        select.setLimit(limit);
    }

    /** The shards' row limit, printed as the dialect writes it (the parser's Limit prints MySQL's form). */
    private static final class ShardLimit extends Limit {
        private final Dialect dialect;

        ShardLimit(Dialect dialect) {
            this.dialect = dialect;
        }

        @Override
        public String toString() {
            return " " + dialect.rowLimit(String.valueOf(getRowCount()));
        }
    }

    private static JdbcParameter fixed(int index) {
        JdbcParameter parameter = new JdbcParameter();
        parameter.setIndex(index + 1);
        parameter.setUseFixedIndex(true);
        return parameter;
    }

    // ------------------------------------------------------------------ rendering

    private ScatterSelect finish(MergeSpec spec) throws Refusal {
        return render(dialect.weightStrings() ? KeyWeights.append(select, spec) : spec);
    }

    /**
     * Prints the rewritten statement. The deparser first walks it marking every '?' to print with its original
     * index ({@code ?3}), so that the parameters can be listed in their new order from the text; the indexes
     * are then dropped again. A '?' the walk missed prints bare and is caught here rather than mis-bound.
     */
    private ScatterSelect render(MergeSpec spec) throws Refusal {
        StringBuilder scratch = new StringBuilder();
        ExpressionDeParser marker = new ExpressionDeParser() {
            @Override
            public <S> StringBuilder visit(JdbcParameter parameter, S context) {
                if (parameter.getIndex() != null) {
                    parameter.setUseFixedIndex(true);
                }
                return super.visit(parameter, context);
            }
        };
        SelectDeParser walker = new SelectDeParser(marker, scratch);
        marker.setSelectVisitor(walker);
        marker.setBuilder(scratch);
        select.accept((net.sf.jsqlparser.statement.select.SelectVisitor<StringBuilder>) walker, null);

        String text = select.toString();
        StringBuilder sql = new StringBuilder(text.length());
        List<ShardParam> params = new ArrayList<>();
        SqlLexer lexer = dialect.lexer();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (lexer.isQuote(c)) {
                int end = lexer.quotedEnd(text, i);
                end = end < 0 ? text.length() : end;
                sql.append(text, i, end);
                i = end;
            } else if (c == '?') {
                int j = i + 1;
                while (j < text.length() && Character.isDigit(text.charAt(j))) {
                    j++;
                }
                if (j == i + 1) {
                    throw new Refusal("the statement could not be rewritten for several shards (unplaced parameter)");
                }
                int index = Integer.parseInt(text.substring(i + 1, j)) - 1;
                params.add(index == LIMIT_MARKER
                        ? new ShardParam.LimitSum(spec.limit().offset(), spec.limit().count())
                        : new ShardParam.FromTemplate(index));
                sql.append('?');
                i = j;
            } else {
                sql.append(c);
                i++;
            }
        }
        return new ScatterSelect(sql.toString(), params, spec);
    }

    // ------------------------------------------------------------------ helpers

    static boolean isAggregate(Function function) {
        return function.getName() != null && AGGREGATES.contains(function.getName().toLowerCase(Locale.ROOT))
                && function.getNamedParameters() == null;
    }

    private static Expression singleArgument(Function function) {
        if (function.isAllColumns()) {
            return null;
        }
        ExpressionList<?> parameters = function.getParameters();
        if (parameters == null || parameters.size() != 1) {
            return null;
        }
        return parameters.get(0);
    }

    private static Function aggregate(String name, Expression argument) {
        Function function = new Function();
        function.setName(name);
        function.setParameters(new ExpressionList<>(argument));
        return function;
    }

    private static void setItem(List<SelectItem<?>> items, int index, Expression expression) {
        @SuppressWarnings("unchecked")
        SelectItem<Expression> item = (SelectItem<Expression>) items.get(index);
        item.setExpression(expression);
    }

    private static Expression unparenthesised(Expression expression) {
        Expression inner = expression;
        while (true) {
            if (inner instanceof Parenthesis parenthesis) {
                inner = parenthesis.getExpression();
            } else if (inner instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
                inner = list.get(0);
            } else {
                return inner;
            }
        }
    }

    private static boolean same(Expression a, Expression b) {
        return a.toString().equalsIgnoreCase(b.toString());
    }

    private static void refuseUnmergeable(List<Expression> expressions) throws Refusal {
        for (Expression expression : expressions) {
            if (expression == null) {
                continue;
            }
            String[] found = {null};
            expression.accept(new ExpressionVisitorAdapter<Void>() {
                @Override
                public <S> Void visit(Function function, S context) {
                    if (function.getName() != null
                            && UNMERGEABLE.contains(function.getName().toLowerCase(Locale.ROOT))) {
                        found[0] = function.getName();
                        return null;
                    }
                    return super.visit(function, context);
                }

                @Override
                public <S> Void visit(net.sf.jsqlparser.expression.JsonAggregateFunction json, S context) {
                    found[0] = "JSON aggregate " + json;
                    return null;
                }
            }, null);
            if (found[0] != null) {
                throw new Refusal(found[0] + " cannot be combined from several shards' partial results");
            }
        }
    }

    private static void refuseWindowFunctions(Expression expression) throws Refusal {
        boolean[] found = {false};
        expression.accept(new ExpressionVisitorAdapter<Void>() {
            @Override
            public <S> Void visit(AnalyticExpression analytic, S context) {
                found[0] = true;
                return null;
            }
        }, null);
        if (found[0]) {
            throw new Refusal("window functions (" + expression + ") are not supported across shards");
        }
    }

    private static void refuseNestedAggregates(Expression expression) throws Refusal {
        if (containsAggregate(expression)) {
            throw new Refusal("an aggregate inside an aggregate (" + expression + ") is not supported across shards");
        }
    }

    static boolean containsAggregate(Expression expression) {
        if (expression == null) {
            return false;
        }
        boolean[] found = {false};
        expression.accept(new ExpressionVisitorAdapter<Void>() {
            @Override
            public <S> Void visit(Function function, S context) {
                if (isAggregate(function) || GroupConcatRewrite.is(function)) {
                    found[0] = true;
                    return null;
                }
                return super.visit(function, context);
            }
        }, null);
        return found[0];
    }
}
