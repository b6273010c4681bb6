package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;

/**
 * A column of the shard query's result as the analysis names it: the {@code index}-th user select item, or the
 * {@code index}-th derived column (one the rewrite appended for the merge's own use: an ORDER BY or GROUP BY key
 * the user did not select, AVG's count, a HAVING aggregate). Derived columns count from the end, because with
 * {@code SELECT *} the number of user columns is known only from the shards' result.
 *
 * <p>A slot is also an {@link Expr} leaf, so that a HAVING predicate can be built at analysis time and resolved
 * per execution; it cannot be evaluated.
 */
public record Slot(boolean derived, int index) implements Column, Expr {

    public Slot {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
    }

    public static Slot user(int index) {
        return new Slot(false, index);
    }

    public static Slot derivedColumn(int index) {
        return new Slot(true, index);
    }

    /**
     * The 0-based column in a shard row of {@code total} columns, {@code derivedCount} of them derived; -1 when the
     * row has no such column.
     */
    public int column(int total, int derivedCount) {
        int users = total - derivedCount;
        if (derived) {
            return index < derivedCount && users >= 0 ? users + index : -1;
        }
        return index < users ? index : -1;
    }

    @Override
    public ColumnRef resolve(Resolver resolver) throws SQLException {
        return resolver.column(this);
    }

    @Override
    public ColumnRef ref() {
        throw new IllegalStateException("merge: column " + position() + " was never resolved to a shard column");
    }

    @Override
    public Slot slot() {
        return this;
    }

    @Override
    public String position() {
        return (derived ? "derived[" : "user[") + index + "]";
    }

    @Override
    public List<Expr> operands() {
        return List.of();
    }

    @Override
    public boolean isResolved() {
        return false;
    }

    @Override
    public Object eval(RowView row) throws SQLException {
        throw new SQLException("merge: column " + position() + " was never resolved to a shard column", "HY000");
    }

    @Override
    public void checkColumns(String step, int columnCount) {
        throw new IllegalArgumentException(step + " reads column " + position()
                + ", which was never resolved to a shard column");
    }

    @Override
    public String describe() {
        return position();
    }
}
