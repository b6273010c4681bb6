package dev.shard.core.internal.sql;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.SqlTokens;
import dev.shard.core.internal.dialect.SqlTokens.Token;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperation;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;

/**
 * Cuts a UNION into its branches ({@link UnionShape}), each analysed as a statement of its own, or says why it
 * cannot be run branch by branch.
 *
 * <p>The branches are cut from the text by tokens at parenthesis depth 0 (the parser keeps no positions), so a
 * branch's text is exactly what the user wrote there, literals lifted as in the whole template, and its '?' are a
 * contiguous run of the template's. The union's own ORDER BY and LIMIT follow the last branch: in MySQL those
 * after an unparenthesised last SELECT belong to the whole union (JSqlParser hangs a lone LIMIT on that SELECT
 * instead, so both places are read).
 */
final class UnionAnalysis {

    static final String INTERSECT_EXCEPT = "INTERSECT and EXCEPT are not supported across shards (whether a row"
            + " is kept depends on the rows of the other branches, which may lie on any shard); pin every branch"
            + " to one shard, or run the parts separately";

    private UnionAnalysis() {
    }

    /**
     * @param whole    the whole statement's shape, returned with the branches or with the refusal
     * @param sql      the text {@code union} was parsed from
     * @param analyzer analyses each branch
     */
    static StatementShape analyze(StatementShape whole, SetOperationList union, String sql, Dialect dialect,
                                  SqlAnalyzer analyzer) throws SQLException {
        String refusal = refusal(union);
        if (refusal != null) {
            return whole.withScatter(null, refusal);
        }
        Select last = union.getSelects().get(union.getSelects().size() - 1);
        List<OrderByElement> orderBy = union.getOrderByElements();
        Limit limit = union.getLimit();
        Expression offset = union.getOffset() == null ? null : union.getOffset().getOffset();
        if (last instanceof PlainSelect plain && orderBy == null && limit == null && offset == null) {
            orderBy = plain.getOrderByElements();
            limit = plain.getLimit();
            offset = plain.getOffset() == null ? null : plain.getOffset().getOffset();
        }
        List<UnionShape.OrderKey> order = new ArrayList<>();
        if (orderBy != null) {
            for (OrderByElement element : orderBy) {
                UnionShape.OrderKey key = orderKey(element);
                if (key == null) {
                    return whole.withScatter(null, "ORDER BY of a UNION across shards must name result columns by"
                            + " position or by the first SELECT's column names, not " + element);
                }
                order.add(key);
            }
        }
        MergeSpec.LimitSpec limitSpec = null;
        if (limit != null || offset != null) {
            ValueRef count = limit == null || limit.getRowCount() == null ? null
                    : JSqlParserAnalyzer.constantOrParameter(limit.getRowCount());
            Expression offsetExpression = limit != null && limit.getOffset() != null ? limit.getOffset() : offset;
            ValueRef offsetRef = offsetExpression == null ? null
                    : JSqlParserAnalyzer.constantOrParameter(offsetExpression);
            if (count == null || offsetExpression != null && offsetRef == null) {
                return whole.withScatter(null, "LIMIT of a UNION across shards must be a number or '?'");
            }
            limitSpec = new MergeSpec.LimitSpec(offsetRef, count);
        }
        List<UnionShape.Branch> branches = branches(sql, dialect, analyzer, union.getSelects().size(),
                !order.isEmpty() || limitSpec != null);
        if (branches == null) {
            return whole.withScatter(null, "the UNION's branches could not be told apart in its text");
        }
        int distinct = 0;
        List<SetOperation> operations = union.getOperations();
        for (int i = 0; i < operations.size(); i++) {
            if (!((UnionOp) operations.get(i)).isAll()) {
                distinct = i + 2;
            }
        }
        return whole.withUnion(new UnionShape(branches, new UnionShape.Combine(distinct, order, limitSpec)));
    }

    /** Why the union cannot run branch by branch, or null. */
    private static String refusal(SetOperationList union) {
        for (SetOperation operation : union.getOperations()) {
            if (!(operation instanceof UnionOp)) {
                return INTERSECT_EXCEPT;
            }
        }
        if (union.getWithItemsList() != null) {
            return "a WITH clause over a UNION is not supported across shards; put the WITH inside each SELECT";
        }
        if (union.getForMode() != null || union.getFetch() != null || union.getLimitBy() != null) {
            return "FOR UPDATE, FETCH or LIMIT BY on a whole UNION is not supported across shards";
        }
        for (Select branch : union.getSelects()) {
            Select inner = branch instanceof ParenthesedSelect parenthesed ? parenthesed.getSelect() : branch;
            if (!(inner instanceof PlainSelect) || inner.getWithItemsList() != null) {
                return "a UNION across shards takes plain SELECTs as branches, not a nested UNION, VALUES or WITH";
            }
        }
        return null;
    }

    private static UnionShape.OrderKey orderKey(OrderByElement element) {
        if (element.getNullOrdering() != null) {
            return null;
        }
        Expression expression = element.getExpression();
        boolean descending = !element.isAsc();
        if (expression instanceof LongValue position && position.getValue() >= 1
                && position.getValue() <= Integer.MAX_VALUE) {
            return new UnionShape.OrderKey((int) position.getValue() - 1, null, descending);
        }
        if (expression instanceof Column column && column.getTable() == null) {
            return new UnionShape.OrderKey(-1, column.getColumnName(), descending);
        }
        return null;
    }

    /**
     * The branches as cut from the text at the depth-0 UNION keywords, the last one ending where the union's
     * ORDER BY or LIMIT starts; null if the cut does not give {@code expected} branches.
     */
    private static List<UnionShape.Branch> branches(String sql, Dialect dialect, SqlAnalyzer analyzer,
                                                    int expected, boolean tail) throws SQLException {
        List<Token> tokens = SqlTokens.of(sql, dialect.lexer());
        List<int[]> ranges = new ArrayList<>();
        int depth = 0;
        int start = 0;
        int end = tokens.size();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.is('(')) {
                depth++;
            } else if (token.is(')')) {
                depth--;
            } else if (depth == 0 && token.is("UNION")) {
                ranges.add(new int[] {start, i});
                start = i + 1;
                if (start < tokens.size() && (tokens.get(start).is("ALL") || tokens.get(start).is("DISTINCT"))) {
                    start++;
                }
            } else if (depth == 0 && tail && ranges.size() == expected - 1
                    && (token.is("ORDER") || token.is("LIMIT") || token.is("OFFSET"))) {
                end = i;
                break;
            } else if (depth == 0 && token.is(';')) {
                end = i;
                break;
            }
        }
        ranges.add(new int[] {start, end});
        if (ranges.size() != expected) {
            return null;
        }
        List<UnionShape.Branch> branches = new ArrayList<>();
        for (int[] range : ranges) {
            int from = range[0];
            int to = range[1];
            if (from >= to) {
                return null;
            }
            int firstParam = 0;
            for (int i = 0; i < from; i++) {
                firstParam += tokens.get(i).is('?') ? 1 : 0;
            }
            int params = 0;
            for (int i = from; i < to; i++) {
                params += tokens.get(i).is('?') ? 1 : 0;
            }
            while (tokens.get(from).is('(') && closing(tokens, from) == to - 1) {
                from++;
                to--;
            }
            Token lastToken = tokens.get(to - 1);
            String text = sql.substring(tokens.get(from).start(), lastToken.start() + lastToken.text().length());
            branches.add(new UnionShape.Branch(text, firstParam, params, analyzer.analyze(text)));
        }
        return branches;
    }

    /** The index of the ')' that closes the '(' at {@code open}, or -1. */
    private static int closing(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            if (tokens.get(i).is('(')) {
                depth++;
            } else if (tokens.get(i).is(')') && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
