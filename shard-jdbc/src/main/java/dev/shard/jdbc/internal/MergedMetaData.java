package dev.shard.jdbc.internal;

import dev.shard.core.internal.dialect.ResultType;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;

/**
 * Metadata of a merged result: the first shard's, cut to the user's columns (derived ones hidden), with the
 * label and type of items the rewrite changed put back (AVG(x) ran as SUM(x); COUNT(DISTINCT x) ran as x).
 *
 * <p>A snapshot, taken when the result opens: merge steps close a shard's result set as soon as they have read
 * it, and some drivers (H2) refuse metadata calls on a closed result set.
 */
final class MergedMetaData extends JdbcWrapper implements ResultSetMetaData {

    /**
     * A column whose merged value has another type than the shard's column: COUNT or SUM of distinct values (the
     * shard returned the values themselves), SUM and AVG the merge computes as DECIMAL.
     */
    /** Everything ResultSetMetaData says of one column. */
    private record Column(String catalog, String schema, String table, String name, String label, int type,
                          String typeName, String className, int precision, int scale, int displaySize,
                          int nullable, boolean signed, boolean autoIncrement, boolean caseSensitive,
                          boolean currency, boolean searchable, boolean readOnly, boolean writable,
                          boolean definitelyWritable) {
    }

    private final Column[] columns;

    /**
     * @param labels label per user column, or null to keep the shard's
     * @param types  type per user column, or null to keep the shard's
     */
    MergedMetaData(ResultSetMetaData shard, int count, List<String> labels, List<ResultType> types)
            throws SQLException {
        columns = new Column[count];
        for (int i = 1; i <= count; i++) {
            String label = i - 1 < labels.size() ? labels.get(i - 1) : null;
            ResultType type = i - 1 < types.size() ? types.get(i - 1) : null;
            columns[i - 1] = new Column(shard.getCatalogName(i), shard.getSchemaName(i), shard.getTableName(i),
                    label != null ? label : shard.getColumnName(i),
                    label != null ? label : shard.getColumnLabel(i),
                    type != null ? type.sqlType() : shard.getColumnType(i),
                    type != null ? type.typeName() : shard.getColumnTypeName(i),
                    type != null ? type.className() : shard.getColumnClassName(i),
                    type != null ? type.precision() : shard.getPrecision(i),
                    type != null ? type.scale() : shard.getScale(i),
                    shard.getColumnDisplaySize(i), shard.isNullable(i), shard.isSigned(i), shard.isAutoIncrement(i),
                    shard.isCaseSensitive(i), shard.isCurrency(i), shard.isSearchable(i), true, false, false);
        }
    }

    private MergedMetaData(Column[] columns) {
        this.columns = columns;
    }

    /** The one column of generated keys: BIGINT for snowflake keys, CHAR(36) for UUIDs. */
    static MergedMetaData generatedKey(String column, boolean numeric) {
        return new MergedMetaData(new Column[] {new Column("", "", "", column, column,
                numeric ? java.sql.Types.BIGINT : java.sql.Types.CHAR, numeric ? "BIGINT" : "CHAR",
                numeric ? Long.class.getName() : String.class.getName(), numeric ? 19 : 36, 0, numeric ? 20 : 36,
                columnNoNulls, numeric, false, !numeric, false, true, true, false, false)});
    }

    @Override
    Object unwrapTarget() {
        return null;
    }

    private Column column(int column) throws SQLException {
        if (column < 1 || column > columns.length) {
            throw new SQLException("Column index " + column + " is out of range 1.." + columns.length, "07009");
        }
        return columns[column - 1];
    }

    @Override
    public int getColumnCount() {
        return columns.length;
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        return column(column).label();
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        return column(column).name();
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return column(column).type();
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        return column(column).typeName();
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        return column(column).className();
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        return column(column).precision();
    }

    @Override
    public int getScale(int column) throws SQLException {
        return column(column).scale();
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
        return column(column).catalog();
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
        return column(column).schema();
    }

    @Override
    public String getTableName(int column) throws SQLException {
        return column(column).table();
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        return column(column).displaySize();
    }

    @Override
    public int isNullable(int column) throws SQLException {
        return column(column).nullable();
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        return column(column).signed();
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        return column(column).autoIncrement();
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        return column(column).caseSensitive();
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        return column(column).currency();
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
        return column(column).searchable();
    }

    /** A merged result is read-only, whatever the shard's columns are. */
    @Override
    public boolean isReadOnly(int column) throws SQLException {
        return column(column).readOnly();
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
        return column(column).writable();
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        return column(column).definitelyWritable();
    }
}
