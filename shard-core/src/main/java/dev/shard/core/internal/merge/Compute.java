package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Replaces columns by expressions over the merged row: a select item such as {@code SUM(a) / COUNT(*)} or
 * {@code ROUND(AVG(x), 2)} is right on each shard only for that shard's rows, so the rewrite sends the aggregates
 * it needs as derived columns and this step computes the item from their merged values. Runs after the aggregate
 * step and before HAVING and a final sort, which may read the computed value. Every expression reads the input
 * row as it came (never another computed column). A comparison's TRUE and FALSE become 1 and 0, the integers
 * MySQL returns for them. Streaming.
 */
public record Compute(List<Computed> columns) implements MergeStep {

    /** Column {@code column} becomes the value of {@code expression}. */
    public record Computed(Column column, Expr expression) {
        public Computed {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(expression, "expression");
        }

        public Computed resolve(Resolver resolver) throws SQLException {
            return new Computed(column.resolve(resolver), expression.resolve(resolver));
        }
    }

    public Compute {
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("Compute needs at least one column");
        }
        for (Computed computed : columns) {
            if (!computed.column().isResolved() || !computed.expression().isResolved()) {
                throw new IllegalArgumentException("Compute needs resolved columns and expressions: "
                        + computed.column().position() + " = " + computed.expression().describe());
            }
        }
    }

    @Override
    public RowCursor open(RowCursor input) throws SQLException {
        int[] targets = new int[columns.size()];
        List<Expr> expressions = new ArrayList<>(columns.size());
        for (int i = 0; i < targets.length; i++) {
            Computed computed = columns.get(i);
            targets[i] = computed.column().ref().index();
            BaseCursor.checkColumn("Compute", targets[i], input.columnCount());
            computed.expression().checkColumns("Compute", input.columnCount());
            expressions.add(computed.expression());
        }
        return new Cursor(input, targets, expressions);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Compute(");
        for (int i = 0; i < columns.size(); i++) {
            Computed computed = columns.get(i);
            sb.append(i == 0 ? "" : ", ").append(computed.column().position()).append(" = ")
                    .append(computed.expression().describe());
        }
        return sb.append(')').toString();
    }

    private static final class Cursor extends PassThroughCursor {
        private final int[] targets;
        private final List<Expr> expressions;
        private final Object[] values;

        Cursor(RowCursor input, int[] targets, List<Expr> expressions) {
            super(input);
            this.targets = targets;
            this.expressions = expressions;
            this.values = new Object[targets.length];
        }

        @Override
        protected boolean nextRow() throws SQLException {
            onRow = false;
            if (!input.next()) {
                return false;
            }
            // All expressions read the input row before any value is replaced.
            for (int i = 0; i < targets.length; i++) {
                Object value = expressions.get(i).eval(input);
                values[i] = value instanceof Boolean b ? (b ? 1L : 0L) : value;
            }
            onRow = true;
            return true;
        }

        @Override
        public Object get(int column) throws SQLException {
            checkOpen();
            if (!onRow) {
                throw noCurrentRow();
            }
            for (int i = 0; i < targets.length; i++) {
                if (targets[i] == column) {
                    return values[i];
                }
            }
            return input.get(column);
        }
    }
}
