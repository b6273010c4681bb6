package dev.shard.core.internal.sql;

import dev.shard.core.internal.merge.Expr;
import dev.shard.core.internal.merge.ScalarFunction;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;

/**
 * The functions the merge computes over merged aggregates ({@code ROUND(AVG(x), 2)}), and the refusal for an
 * expression it cannot compute ({@code CONCAT(COUNT(*), 'x')}): a shard could compute it only from its own rows.
 */
final class MergeFunctions {

    /** The rewrite's translation of one argument into a merge expression. */
    interface Translator {
        Expr translate(Expression argument) throws SelectRewriter.Refusal;
    }

    private MergeFunctions() {
    }

    static Expr call(Function function, Translator translator) throws SelectRewriter.Refusal {
        ScalarFunction.Name name = function.getName() == null ? null : ScalarFunction.Name.of(function.getName());
        int count = function.getParameters() == null ? 0 : function.getParameters().size();
        if (name == null || function.isDistinct() || function.isAllColumns() || function.getNamedParameters() != null
                || !name.accepts(count)) {
            throw new SelectRewriter.Refusal(cannotCompute(function));
        }
        List<Expr> arguments = new ArrayList<>(count);
        for (Expression argument : function.getParameters()) {
            arguments.add(translator.translate(argument));
        }
        return new ScalarFunction(name, arguments);
    }

    static String cannotCompute(Expression expression) {
        return expression + " cannot be computed from several shards' aggregates: over aggregates the merge"
                + " computes only + - * / %, comparisons, AND, OR, NOT, IS NULL, BETWEEN, IN, ROUND, TRUNCATE, ABS,"
                + " FLOOR, CEIL, COALESCE and IFNULL; select the aggregates and compute the rest in the application";
    }
}
