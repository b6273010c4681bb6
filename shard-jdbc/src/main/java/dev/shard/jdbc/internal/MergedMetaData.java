package dev.shard.jdbc.internal;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;

/**
 * Metadata of a merged result: the first shard's, cut to the user's columns (derived ones hidden), with the
 * label and type of items the rewrite changed put back (AVG(x) ran as SUM(x); COUNT(DISTINCT x) ran as x).
 */
final class MergedMetaData extends JdbcWrapper implements ResultSetMetaData {

    /** A column whose merged value has another type than the shard's column: COUNT of distinct values. */
    record TypeOverride(int sqlType, String typeName, String className, int precision, int scale) {
        static final TypeOverride BIGINT = new TypeOverride(java.sql.Types.BIGINT, "BIGINT", Long.class.getName(),
                21, 0);
        static final TypeOverride DECIMAL = new TypeOverride(java.sql.Types.DECIMAL, "DECIMAL",
                java.math.BigDecimal.class.getName(), 65, 4);
    }

    private final ResultSetMetaData delegate;
    private final int columns;
    private final List<String> labels;
    private final List<TypeOverride> types;

    /**
     * @param labels label per user column, or null to keep the shard's
     * @param types  type per user column, or null to keep the shard's
     */
    MergedMetaData(ResultSetMetaData delegate, int columns, List<String> labels, List<TypeOverride> types) {
        this.delegate = delegate;
        this.columns = columns;
        this.labels = labels;
        this.types = types;
    }

    @Override
    Object unwrapTarget() {
        return delegate;
    }

    private void check(int column) throws SQLException {
        if (column < 1 || column > columns) {
            throw new SQLException("Column index " + column + " is out of range 1.." + columns, "07009");
        }
    }

    private String label(int column) {
        return column - 1 < labels.size() ? labels.get(column - 1) : null;
    }

    private TypeOverride type(int column) {
        return column - 1 < types.size() ? types.get(column - 1) : null;
    }

    @Override
    public int getColumnCount() {
        return columns;
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        check(column);
        String label = label(column);
        return label != null ? label : delegate.getColumnLabel(column);
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        check(column);
        String label = label(column);
        return label != null ? label : delegate.getColumnName(column);
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        check(column);
        TypeOverride type = type(column);
        return type != null ? type.sqlType() : delegate.getColumnType(column);
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        check(column);
        TypeOverride type = type(column);
        return type != null ? type.typeName() : delegate.getColumnTypeName(column);
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        check(column);
        TypeOverride type = type(column);
        return type != null ? type.className() : delegate.getColumnClassName(column);
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        check(column);
        TypeOverride type = type(column);
        return type != null ? type.precision() : delegate.getPrecision(column);
    }

    @Override
    public int getScale(int column) throws SQLException {
        check(column);
        TypeOverride type = type(column);
        return type != null ? type.scale() : delegate.getScale(column);
    }

    @Override
    public java.lang.String getCatalogName(int p0) throws SQLException {
        check(p0);
        return delegate.getCatalogName(p0);
    }

    @Override
    public int getColumnDisplaySize(int p0) throws SQLException {
        check(p0);
        return delegate.getColumnDisplaySize(p0);
    }

    @Override
    public java.lang.String getSchemaName(int p0) throws SQLException {
        check(p0);
        return delegate.getSchemaName(p0);
    }

    @Override
    public java.lang.String getTableName(int p0) throws SQLException {
        check(p0);
        return delegate.getTableName(p0);
    }

    @Override
    public boolean isAutoIncrement(int p0) throws SQLException {
        check(p0);
        return delegate.isAutoIncrement(p0);
    }

    @Override
    public boolean isCaseSensitive(int p0) throws SQLException {
        check(p0);
        return delegate.isCaseSensitive(p0);
    }

    @Override
    public boolean isCurrency(int p0) throws SQLException {
        check(p0);
        return delegate.isCurrency(p0);
    }

    @Override
    public boolean isDefinitelyWritable(int p0) throws SQLException {
        check(p0);
        return delegate.isDefinitelyWritable(p0);
    }

    @Override
    public int isNullable(int p0) throws SQLException {
        check(p0);
        return delegate.isNullable(p0);
    }

    @Override
    public boolean isReadOnly(int p0) throws SQLException {
        check(p0);
        return delegate.isReadOnly(p0);
    }

    @Override
    public boolean isSearchable(int p0) throws SQLException {
        check(p0);
        return delegate.isSearchable(p0);
    }

    @Override
    public boolean isSigned(int p0) throws SQLException {
        check(p0);
        return delegate.isSigned(p0);
    }

    @Override
    public boolean isWritable(int p0) throws SQLException {
        check(p0);
        return delegate.isWritable(p0);
    }

}
