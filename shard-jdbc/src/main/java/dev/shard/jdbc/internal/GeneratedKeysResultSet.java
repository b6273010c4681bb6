package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.RowCursor;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;

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
        return new MergedResultSet(cursor, new KeyMetaData(column, numeric), statement, () -> { });
    }

    /** Metadata of the one generated column: BIGINT for snowflake keys, CHAR(36) for UUIDs. */
    private static final class KeyMetaData extends JdbcWrapper implements ResultSetMetaData {
        private final String column;
        private final boolean numeric;

        KeyMetaData(String column, boolean numeric) {
            this.column = column;
            this.numeric = numeric;
        }

        @Override
        Object unwrapTarget() {
            return null;
        }

        private void check(int index) throws SQLException {
            if (index != 1) {
                throw new SQLException("Column index " + index + " is out of range 1..1", "07009");
            }
        }

        @Override
        public int getColumnCount() {
            return 1;
        }

        @Override
        public boolean isAutoIncrement(int index) throws SQLException {
            check(index);
            return false;
        }

        @Override
        public boolean isCaseSensitive(int index) throws SQLException {
            check(index);
            return !numeric;
        }

        @Override
        public boolean isSearchable(int index) throws SQLException {
            check(index);
            return true;
        }

        @Override
        public boolean isCurrency(int index) throws SQLException {
            check(index);
            return false;
        }

        @Override
        public int isNullable(int index) throws SQLException {
            check(index);
            return columnNoNulls;
        }

        @Override
        public boolean isSigned(int index) throws SQLException {
            check(index);
            return numeric;
        }

        @Override
        public int getColumnDisplaySize(int index) throws SQLException {
            check(index);
            return numeric ? 20 : 36;
        }

        @Override
        public String getColumnLabel(int index) throws SQLException {
            check(index);
            return column;
        }

        @Override
        public String getColumnName(int index) throws SQLException {
            check(index);
            return column;
        }

        @Override
        public String getSchemaName(int index) throws SQLException {
            check(index);
            return "";
        }

        @Override
        public int getPrecision(int index) throws SQLException {
            check(index);
            return numeric ? 19 : 36;
        }

        @Override
        public int getScale(int index) throws SQLException {
            check(index);
            return 0;
        }

        @Override
        public String getTableName(int index) throws SQLException {
            check(index);
            return "";
        }

        @Override
        public String getCatalogName(int index) throws SQLException {
            check(index);
            return "";
        }

        @Override
        public int getColumnType(int index) throws SQLException {
            check(index);
            return numeric ? Types.BIGINT : Types.CHAR;
        }

        @Override
        public String getColumnTypeName(int index) throws SQLException {
            check(index);
            return numeric ? "BIGINT" : "CHAR";
        }

        @Override
        public boolean isReadOnly(int index) throws SQLException {
            check(index);
            return true;
        }

        @Override
        public boolean isWritable(int index) throws SQLException {
            check(index);
            return false;
        }

        @Override
        public boolean isDefinitelyWritable(int index) throws SQLException {
            check(index);
            return false;
        }

        @Override
        public String getColumnClassName(int index) throws SQLException {
            check(index);
            return numeric ? Long.class.getName() : String.class.getName();
        }
    }
}
