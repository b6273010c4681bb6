package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.Objects;

/**
 * Keeps the rows for which {@link #predicate} is TRUE: neither FALSE nor NULL, as in SQL. Used for HAVING, which
 * must see the global aggregates and so runs after the merge, never on the shards. Streaming.
 */
public record Filter(Expr predicate) implements MergeStep {

    public Filter {
        Objects.requireNonNull(predicate, "predicate");
    }

    @Override
    public RowCursor open(RowCursor input) throws SQLException {
        checkColumns(predicate, input.columnCount());
        return new Cursor(input, predicate);
    }

    @Override
    public String describe() {
        return "Filter(" + predicate.describe() + ")";
    }

    private static void checkColumns(Expr e, int columnCount) throws SQLException {
        if (e instanceof Expr.ColumnRef) {
            BaseCursor.checkColumn("Filter", ((Expr.ColumnRef) e).index(), columnCount);
        } else if (e instanceof Expr.Comparison) {
            checkColumns(((Expr.Comparison) e).left(), columnCount);
            checkColumns(((Expr.Comparison) e).right(), columnCount);
        } else if (e instanceof Expr.And) {
            checkColumns(((Expr.And) e).left(), columnCount);
            checkColumns(((Expr.And) e).right(), columnCount);
        } else if (e instanceof Expr.Or) {
            checkColumns(((Expr.Or) e).left(), columnCount);
            checkColumns(((Expr.Or) e).right(), columnCount);
        } else if (e instanceof Expr.Not) {
            checkColumns(((Expr.Not) e).operand(), columnCount);
        } else if (e instanceof Expr.IsNull) {
            checkColumns(((Expr.IsNull) e).operand(), columnCount);
        } else if (e instanceof Expr.Arithmetic) {
            checkColumns(((Expr.Arithmetic) e).left(), columnCount);
            checkColumns(((Expr.Arithmetic) e).right(), columnCount);
        } else if (e instanceof Expr.Between) {
            Expr.Between b = (Expr.Between) e;
            checkColumns(b.operand(), columnCount);
            checkColumns(b.low(), columnCount);
            checkColumns(b.high(), columnCount);
        } else if (e instanceof Expr.InList) {
            Expr.InList in = (Expr.InList) e;
            checkColumns(in.operand(), columnCount);
            for (Expr v : in.values()) {
                checkColumns(v, columnCount);
            }
        }
    }

    private static final class Cursor extends PassThroughCursor {
        private final Expr predicate;
        private boolean done;

        Cursor(RowCursor input, Expr predicate) {
            super(input);
            this.predicate = predicate;
        }

        @Override
        protected boolean nextRow() throws SQLException {
            onRow = false;
            if (done) {
                return false;
            }
            while (input.next()) {
                if (Boolean.TRUE.equals(SqlValues.truth(predicate.eval(input)))) {
                    onRow = true;
                    return true;
                }
            }
            done = true;
            input.close();
            return false;
        }
    }
}
