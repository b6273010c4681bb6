package dev.shard.core.internal.merge;

import java.sql.SQLException;

/**
 * What a plan's unresolved leaves stand for in one execution: the shards' result columns for {@link Slot}s, the
 * bound values for {@link Expr.Param}s.
 */
public interface Resolver {

    ColumnRef column(Slot slot) throws SQLException;

    /** The value bound to the {@code index}-th (0-based) '?' of the normalised statement; null for SQL NULL. */
    Object parameter(int index) throws SQLException;
}
