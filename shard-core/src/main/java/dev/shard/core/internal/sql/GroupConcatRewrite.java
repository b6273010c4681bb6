package dev.shard.core.internal.sql;

import dev.shard.core.internal.merge.AggregateColumn;
import dev.shard.core.internal.merge.GroupConcat;
import dev.shard.core.internal.merge.Slot;
import dev.shard.core.internal.merge.SortKey;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.OrderByElement;

/**
 * The shard query's part of a {@code GROUP_CONCAT} select item (see {@link GroupConcat} for the merge's): the item
 * itself stays, for its type and label, and hidden columns bring the pieces: {@code CONCAT(a, b)}, the order keys,
 * {@code COUNT(*)} and {@code @@group_concat_max_len}. The concatenated expressions and the order keys join the
 * shard query's GROUP BY, so that each of its rows is one piece.
 */
final class GroupConcatRewrite {

    /** The rewrite's hidden column for an expression. */
    interface Deriver {
        Slot derive(Expression expression);
    }

    private GroupConcatRewrite() {
    }

    /**
     * @param target     the select item's column, where the merged string goes
     * @param shardGroup receives the expressions the shard query must also group by
     */
    static AggregateColumn aggregate(Function concat, Slot target, Deriver deriver,
                                     List<Expression> shardGroup) throws SelectRewriter.Refusal {
        ExpressionList<?> values = concat.getParameters();
        if (concat.isAllColumns() || values == null || values.isEmpty()
                || values.stream().anyMatch(v -> v instanceof AllColumns) || concat.getLimit() != null) {
            throw new SelectRewriter.Refusal(concat + " needs expressions to run across shards");
        }
        Function text = new Function();
        text.setName("CONCAT");
        text.setParameters(new ExpressionList<>(new ArrayList<Expression>(values)));
        Slot value = deriver.derive(text);
        groupBy(values, shardGroup);
        List<SortKey> order = new ArrayList<>();
        if (concat.getOrderByElements() != null) {
            for (OrderByElement element : concat.getOrderByElements()) {
                if (element.getExpression() instanceof LongValue) {
                    throw new SelectRewriter.Refusal(concat + ": ORDER BY a position inside GROUP_CONCAT is not"
                            + " supported across shards; name the expression");
                }
                order.add(new SortKey(deriver.derive(element.getExpression()), !element.isAsc()));
                groupBy(List.of(element.getExpression()), shardGroup);
            }
        }
        Slot rows = deriver.derive(new Function("COUNT", new AllColumns()));
        Slot maxLength = deriver.derive(new Column("@@group_concat_max_len"));
        return AggregateColumn.groupConcat(target, new GroupConcat(value, rows, maxLength, order,
                concat.isDistinct(), separator(concat)));
    }

    /** Whether the call is GROUP_CONCAT, which the parser reads as a function with ORDER BY and SEPARATOR. */
    static boolean is(Function function) {
        return function.getName() != null && function.getName().equalsIgnoreCase("group_concat");
    }

    private static String separator(Function concat) throws SelectRewriter.Refusal {
        Expression separator = concat.getKeywordArgumentValue("SEPARATOR");
        if (separator == null) {
            return ",";
        }
        if (!(separator instanceof StringValue)) {
            throw new SelectRewriter.Refusal(concat + ": the SEPARATOR must be a string literal");
        }
        return separator(separator.toString());
    }

    /** Constants and parameters stay out of the GROUP BY: a '?' bound to 2 would read as "group by column 2". */
    private static void groupBy(List<? extends Expression> expressions, List<Expression> shardGroup) {
        for (Expression expression : expressions) {
            if (JSqlParserAnalyzer.constantOrParameter(expression) == null) {
                shardGroup.add(expression);
            }
        }
    }

    /** The text of a quoted literal as the parser keeps it: {@code 'it''s'} is {@code it's}. */
    static String separator(String written) throws SelectRewriter.Refusal {
        String literal = written.trim();
        if (literal.length() < 2 || literal.charAt(0) != literal.charAt(literal.length() - 1)
                || literal.charAt(0) != '\'' && literal.charAt(0) != '"') {
            throw new SelectRewriter.Refusal("SEPARATOR " + written + " is not a string literal");
        }
        char quote = literal.charAt(0);
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            if (c == quote && i + 1 < literal.length() - 1 && literal.charAt(i + 1) == quote) {
                text.append(quote);
                i++;
            } else if (c == '\\' && i + 1 < literal.length() - 1) {
                char next = literal.charAt(++i);
                text.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    default -> next;
                });
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
