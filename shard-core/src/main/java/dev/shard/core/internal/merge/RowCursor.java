package dev.shard.core.internal.merge;

import java.sql.SQLException;

/**
 * A forward-only stream of rows; columns 0-based. Every merge step consumes cursors and is one; a shard's
 * {@code ResultSet} is adapted to one by the JDBC layer.
 *
 * <p>{@link #get} reads the row {@link #next} moved to, and only until the following {@code next}: like a JDBC
 * {@code ResultSet}, a cursor may reuse or drop the previous row when it advances, so a step that must remember
 * a row copies its values.
 */
public interface RowCursor extends RowView, AutoCloseable {

    /** Moves to the next row; {@code false} at the end. */
    boolean next() throws SQLException;

    /**
     * Releases this cursor and every cursor it reads. Idempotent. Steps also close inputs they have finished
     * with as early as they can, so shard connections go back to their pools before the user closes.
     */
    @Override
    void close() throws SQLException;
}
