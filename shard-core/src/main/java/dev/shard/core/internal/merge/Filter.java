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
        if (!predicate.isResolved()) {
            throw new IllegalArgumentException("Filter needs a resolved predicate: " + predicate.describe());
        }
    }

    @Override
    public RowCursor open(RowCursor input) throws SQLException {
        predicate.checkColumns("Filter", input.columnCount());
        return new Cursor(input, predicate);
    }

    @Override
    public String describe() {
        return "Filter(" + predicate.describe() + ")";
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
