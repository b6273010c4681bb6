package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.RowCursor;
import java.sql.ResultSet;
import java.sql.SQLException;

/** getGeneratedKeys() of an INSERT whose keys Shard generated: one column, one row per inserted row. */
final class GeneratedKeysResultSet {

    private GeneratedKeysResultSet() {
    }

    static ResultSet of(ShardStatement statement, String column, Object[] keys) throws SQLException {
        RowCursor cursor = new RowCursor() {
            private int row = -1;

            @Override
            public boolean next() {
                return ++row < keys.length;
            }

            @Override
            public Object get(int index) {
                return keys[row];
            }

            @Override
            public int columnCount() {
                return 1;
            }

            @Override
            public void close() {
                row = keys.length;
            }
        };
        boolean numeric = keys.length > 0 && keys[0] instanceof Long;
        return new MergedResultSet(cursor, MergedMetaData.generatedKey(column, numeric), statement, () -> { });
    }
}
