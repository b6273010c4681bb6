package dev.shard.cli.reshard;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Writes replayed row images to the data sources that now own them. Both operations must be idempotent (the
 * catch-up may replay a change that is already applied, after a resume): an upsert of a full row image and a delete
 * by primary key are.
 */
public interface ChangeApplier {

    /** Inserts the row, or replaces every column of the row with the same primary key. */
    void upsert(String targetDataSource, String table, Map<String, Object> row) throws SQLException;

    /** Deletes the row with this row's primary key, if there is one. */
    void delete(String targetDataSource, String table, Map<String, Object> row) throws SQLException;

    /** {@link #upsert} of several rows of one table; implementations may send them in one statement. */
    default void upsertAll(String targetDataSource, String table, List<Map<String, Object>> rows)
            throws SQLException {
        for (Map<String, Object> row : rows) {
            upsert(targetDataSource, table, row);
        }
    }
}
