package dev.shard.core.internal.sql;

import dev.shard.core.internal.merge.Expr;
import java.sql.SQLException;

/** Where a value in a statement comes from: a bind position of the normalised statement, or a constant. */
public sealed interface ValueRef {

    /** The value in one execution: a constant's own, or the value bound to the parameter. */
    Object value(Parameters parameters) throws SQLException;

    /** The value as a leaf of a merge expression (HAVING): a parameter is resolved per execution. */
    Expr toExpr();

    /** The values bound to the normalised template's '?' markers in one execution. */
    @FunctionalInterface
    interface Parameters {

        /** The value of the {@code index}-th (0-based) '?' of the normalised template; null for SQL NULL. */
        Object value(int index) throws SQLException;
    }

    /** The {@code index}-th (0-based) '?' of the normalised template; see {@link dev.shard.core.internal.dialect.NormalizedSql#params()}. */
    record Param(int index) implements ValueRef {
        @Override
        public Object value(Parameters parameters) throws SQLException {
            return parameters.value(index);
        }

        @Override
        public Expr toExpr() {
            return new Expr.Param(index);
        }
    }

    /** A literal the normaliser left in the text (the parser saw it as a constant). */
    record Constant(Object value) implements ValueRef {
        @Override
        public Object value(Parameters parameters) {
            return value;
        }

        @Override
        public Expr toExpr() {
            return new Expr.Literal(value);
        }
    }
}
