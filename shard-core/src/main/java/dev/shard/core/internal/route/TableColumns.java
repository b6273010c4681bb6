package dev.shard.core.internal.route;

import java.sql.SQLException;
import java.util.List;

/**
 * A table's columns in the order {@code INSERT INTO t VALUES (...)} fills them, read from the database: the one
 * thing routing must ask a database for, since an INSERT without a column list says where the sharding column's
 * value is only by its position. Implementations cache the answer until the schema changes.
 */
public interface TableColumns {

    /** Knows no table: an INSERT without a column list into a sharded table is refused. */
    TableColumns NONE = new TableColumns() {
        @Override
        public List<String> of(String table, String written, boolean refresh) {
            return null;
        }

        @Override
        public long generation() {
            return 0;
        }
    };

    /**
     * @param table   the table's canonical name, the cache key
     * @param written the table as the statement writes it, which is what the database is asked about
     * @param refresh read the database again rather than answer from the cache (the cached columns did not fit)
     * @return the column names, canonical, in table order; null if unknown
     */
    List<String> of(String table, String written, boolean refresh) throws SQLException;

    /**
     * Changes whenever cached answers are dropped (DDL ran through Shard): a plan made from an answer of an older
     * generation must be made again.
     */
    long generation();
}
