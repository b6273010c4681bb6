package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.RowCursor;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/**
 * The one ResultSet of a statement that ran on several shards: it reads the merge plan's cursor row by row, so
 * it is forward-only and read-only, and holds no more rows than the plan does. Getters convert as MySQL
 * Connector/J does ({@link JdbcValues}).
 */
final class MergedResultSet extends JdbcWrapper implements ResultSet {

    private final RowCursor cursor;
    private final ResultSetMetaData metaData;
    private final ShardStatement statement;
    private final int columns;
    private final Runnable onClose;
    private boolean closed;
    private boolean wasNull;
    private boolean onRow;
    private boolean exhausted;
    /** The outcome of a cursor.next() that isBeforeFirst() made before the first next(); null if none. */
    private Boolean peeked;
    private int row;
    private int fetchSize;

    MergedResultSet(RowCursor cursor, ResultSetMetaData metaData, ShardStatement statement, Runnable onClose)
            throws SQLException {
        this.cursor = cursor;
        this.metaData = metaData;
        this.statement = statement;
        this.columns = metaData.getColumnCount();
        this.onClose = onClose;
    }

    @Override
    Object unwrapTarget() {
        return null;
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("ResultSet is closed", "HY010");
        }
    }

    private Object value(int column) throws SQLException {
        checkOpen();
        if (!onRow) {
            throw new SQLException("No current row: call next() first" + (exhausted ? " (result is exhausted)" : ""),
                    "24000");
        }
        if (column < 1 || column > columns) {
            throw new SQLException("Column index " + column + " is out of range 1.." + columns, "07009");
        }
        Object value = cursor.get(column - 1);
        wasNull = value == null;
        return value;
    }

    private static SQLFeatureNotSupportedException readOnly(String method) {
        return unsupported(method, "a result merged from several shards is read-only");
    }

    private static SQLFeatureNotSupportedException forwardOnly(String method) {
        return unsupported(method, "a result merged from several shards is forward-only");
    }

    // ------------------------------------------------------------------ navigation and lifecycle

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (exhausted) {
            return false;
        }
        boolean more;
        if (peeked != null) {
            // isBeforeFirst() already moved the cursor onto the first row (or found none).
            more = peeked;
            peeked = null;
        } else {
            more = cursor.next();
        }
        if (more) {
            onRow = true;
            row++;
            return true;
        }
        onRow = false;
        exhausted = true;
        // Give the shards' connections back as soon as the last row is read, not when the user closes.
        cursor.close();
        return false;
    }

    @Override
    public void close() throws SQLException {
        if (closeResources()) {
            statement.resultSetClosed();
        }
    }

    /** @return false if it was closed already */
    private boolean closeResources() throws SQLException {
        if (closed) {
            return false;
        }
        closed = true;
        onRow = false;
        try {
            cursor.close();
        } finally {
            statement.connection.runtime().notifyMerged(row);
            onClose.run();
        }
        return true;
    }

    /**
     * Closed by the statement itself (its next execution, or its own close): closeOnCompletion must not close
     * the statement then, as it is about to hold a new result (ShardResultSet and Connector/J behave the same).
     */
    void closeQuietly() {
        try {
            closeResources();
        } catch (SQLException ignored) {
            // Superseded by the statement's next execution; nobody is left to tell.
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return wasNull;
    }

    @Override
    public int getRow() throws SQLException {
        checkOpen();
        return onRow ? row : 0;
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        checkOpen();
        if (row > 0 || exhausted) {
            return false;
        }
        // JDBC: false for a result with no rows. Finding out means reading the first row, which next() then
        // hands out instead of reading another.
        if (peeked == null) {
            peeked = cursor.next();
        }
        return peeked;
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        checkOpen();
        return exhausted && row > 0;
    }

    @Override
    public boolean isFirst() throws SQLException {
        checkOpen();
        return onRow && row == 1;
    }

    @Override
    public boolean isLast() throws SQLException {
        throw unsupported("isLast", "it would have to read ahead of a streaming merge");
    }

    @Override
    public int getType() throws SQLException {
        checkOpen();
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() throws SQLException {
        checkOpen();
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != FETCH_FORWARD) {
            throw forwardOnly("setFetchDirection(" + direction + ")");
        }
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return FETCH_FORWARD;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
    }

    @Override
    public String getCursorName() throws SQLException {
        throw unsupported("getCursorName", "positioned updates cannot follow a row across shards");
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return metaData;
    }

    @Override
    public Statement getStatement() throws SQLException {
        checkOpen();
        return statement;
    }

    @Override
    public int findColumn(String label) throws SQLException {
        checkOpen();
        for (int i = 1; i <= columns; i++) {
            if (metaData.getColumnLabel(i).equalsIgnoreCase(label)) {
                return i;
            }
        }
        // JDBC allows a label or a name; the first column with that name wins, as in Connector/J.
        for (int i = 1; i <= columns; i++) {
            if (metaData.getColumnName(i).equalsIgnoreCase(label)) {
                return i;
            }
        }
        throw new SQLException("Column '" + label + "' not found in the result", "S0022");
    }

    // ------------------------------------------------------------------ getters by index

    @Override
    public Object getObject(int column) throws SQLException {
        return value(column);
    }

    @Override
    public <T> T getObject(int column, Class<T> type) throws SQLException {
        return JdbcValues.convert(value(column), type, column);
    }

    @Override
    public Object getObject(int column, Map<String, Class<?>> map) throws SQLException {
        return value(column);
    }

    @Override
    public String getString(int column) throws SQLException {
        return JdbcValues.toString(value(column));
    }

    @Override
    public String getNString(int column) throws SQLException {
        return getString(column);
    }

    @Override
    public boolean getBoolean(int column) throws SQLException {
        return JdbcValues.toBoolean(value(column), column);
    }

    @Override
    public byte getByte(int column) throws SQLException {
        return JdbcValues.toByte(value(column), column);
    }

    @Override
    public short getShort(int column) throws SQLException {
        return JdbcValues.toShort(value(column), column);
    }

    @Override
    public int getInt(int column) throws SQLException {
        return JdbcValues.toInt(value(column), column);
    }

    @Override
    public long getLong(int column) throws SQLException {
        return JdbcValues.toLong(value(column), column);
    }

    @Override
    public float getFloat(int column) throws SQLException {
        return (float) JdbcValues.toDouble(value(column), column);
    }

    @Override
    public double getDouble(int column) throws SQLException {
        return JdbcValues.toDouble(value(column), column);
    }

    @Override
    public BigDecimal getBigDecimal(int column) throws SQLException {
        return JdbcValues.toBigDecimal(value(column), column);
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int column, int scale) throws SQLException {
        BigDecimal value = getBigDecimal(column);
        return value == null ? null : value.setScale(scale, java.math.RoundingMode.HALF_UP);
    }

    @Override
    public byte[] getBytes(int column) throws SQLException {
        return JdbcValues.toBytes(value(column));
    }

    @Override
    public Date getDate(int column) throws SQLException {
        return JdbcValues.toDate(value(column), column);
    }

    @Override
    public Date getDate(int column, Calendar calendar) throws SQLException {
        return getDate(column);
    }

    @Override
    public Time getTime(int column) throws SQLException {
        return JdbcValues.toTime(value(column), column);
    }

    @Override
    public Time getTime(int column, Calendar calendar) throws SQLException {
        return getTime(column);
    }

    @Override
    public Timestamp getTimestamp(int column) throws SQLException {
        return JdbcValues.toTimestamp(value(column), column);
    }

    @Override
    public Timestamp getTimestamp(int column, Calendar calendar) throws SQLException {
        return getTimestamp(column);
    }

    @Override
    public InputStream getAsciiStream(int column) throws SQLException {
        String value = getString(column);
        return value == null ? null : new ByteArrayInputStream(value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int column) throws SQLException {
        throw unsupported("getUnicodeStream", "it is deprecated since JDBC 2; use getCharacterStream");
    }

    @Override
    public InputStream getBinaryStream(int column) throws SQLException {
        byte[] value = getBytes(column);
        return value == null ? null : new ByteArrayInputStream(value);
    }

    @Override
    public Reader getCharacterStream(int column) throws SQLException {
        String value = getString(column);
        return value == null ? null : new StringReader(value);
    }

    @Override
    public Reader getNCharacterStream(int column) throws SQLException {
        return getCharacterStream(column);
    }

    @Override
    public Blob getBlob(int column) throws SQLException {
        Object value = value(column);
        if (value == null || value instanceof Blob) {
            return (Blob) value;
        }
        return new SerialBlob(JdbcValues.toBytes(value));
    }

    @Override
    public Clob getClob(int column) throws SQLException {
        Object value = value(column);
        if (value == null || value instanceof Clob) {
            return (Clob) value;
        }
        return new SerialClob(JdbcValues.toString(value).toCharArray());
    }

    @Override
    public NClob getNClob(int column) throws SQLException {
        Object value = value(column);
        if (value == null || value instanceof NClob) {
            return (NClob) value;
        }
        throw unsupported("getNClob", "the shard returned " + value.getClass().getSimpleName());
    }

    @Override
    public Array getArray(int column) throws SQLException {
        Object value = value(column);
        if (value == null || value instanceof Array) {
            return (Array) value;
        }
        throw unsupported("getArray", "the shard returned " + value.getClass().getSimpleName());
    }

    @Override
    public Ref getRef(int column) throws SQLException {
        throw unsupported("getRef", "MySQL has no REF type");
    }

    @Override
    public URL getURL(int column) throws SQLException {
        String value = getString(column);
        try {
            return value == null ? null : new URL(value);
        } catch (java.net.MalformedURLException e) {
            throw new SQLException("Column " + column + " is not a URL: " + value, "22018", e);
        }
    }

    @Override
    public RowId getRowId(int column) throws SQLException {
        throw unsupported("getRowId", "MySQL has no ROWID type");
    }

    @Override
    public SQLXML getSQLXML(int column) throws SQLException {
        throw unsupported("getSQLXML", "MySQL has no XML type");
    }

    // ------------------------------------------------------------------ generated: label overloads, refusals

    @Override
    public boolean absolute(int column) throws SQLException {
        throw forwardOnly("absolute");
    }

    @Override
    public void afterLast() throws SQLException {
        throw forwardOnly("afterLast");
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw forwardOnly("beforeFirst");
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        throw readOnly("cancelRowUpdates");
    }

    @Override
    public void deleteRow() throws SQLException {
        throw readOnly("deleteRow");
    }

    @Override
    public boolean first() throws SQLException {
        throw forwardOnly("first");
    }

    @Override
    public java.sql.Array getArray(java.lang.String label) throws SQLException {
        return getArray(findColumn(label));
    }

    @Override
    public java.io.InputStream getAsciiStream(java.lang.String label) throws SQLException {
        return getAsciiStream(findColumn(label));
    }

    @Override
    @Deprecated
    public java.math.BigDecimal getBigDecimal(java.lang.String label, int p1) throws SQLException {
        return getBigDecimal(findColumn(label), p1);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(java.lang.String label) throws SQLException {
        return getBigDecimal(findColumn(label));
    }

    @Override
    public java.io.InputStream getBinaryStream(java.lang.String label) throws SQLException {
        return getBinaryStream(findColumn(label));
    }

    @Override
    public java.sql.Blob getBlob(java.lang.String label) throws SQLException {
        return getBlob(findColumn(label));
    }

    @Override
    public boolean getBoolean(java.lang.String label) throws SQLException {
        return getBoolean(findColumn(label));
    }

    @Override
    public byte getByte(java.lang.String label) throws SQLException {
        return getByte(findColumn(label));
    }

    @Override
    public byte[] getBytes(java.lang.String label) throws SQLException {
        return getBytes(findColumn(label));
    }

    @Override
    public java.io.Reader getCharacterStream(java.lang.String label) throws SQLException {
        return getCharacterStream(findColumn(label));
    }

    @Override
    public java.sql.Clob getClob(java.lang.String label) throws SQLException {
        return getClob(findColumn(label));
    }

    @Override
    public java.sql.Date getDate(java.lang.String label, java.util.Calendar p1) throws SQLException {
        return getDate(findColumn(label), p1);
    }

    @Override
    public java.sql.Date getDate(java.lang.String label) throws SQLException {
        return getDate(findColumn(label));
    }

    @Override
    public double getDouble(java.lang.String label) throws SQLException {
        return getDouble(findColumn(label));
    }

    @Override
    public float getFloat(java.lang.String label) throws SQLException {
        return getFloat(findColumn(label));
    }

    @Override
    public int getInt(java.lang.String label) throws SQLException {
        return getInt(findColumn(label));
    }

    @Override
    public long getLong(java.lang.String label) throws SQLException {
        return getLong(findColumn(label));
    }

    @Override
    public java.io.Reader getNCharacterStream(java.lang.String label) throws SQLException {
        return getNCharacterStream(findColumn(label));
    }

    @Override
    public java.sql.NClob getNClob(java.lang.String label) throws SQLException {
        return getNClob(findColumn(label));
    }

    @Override
    public java.lang.String getNString(java.lang.String label) throws SQLException {
        return getNString(findColumn(label));
    }

    @Override
    public <T> T getObject(java.lang.String label, java.lang.Class<T> p1) throws SQLException {
        return getObject(findColumn(label), p1);
    }

    @Override
    public java.lang.Object getObject(java.lang.String label, java.util.Map<java.lang.String, java.lang.Class<?>> p1) throws SQLException {
        return getObject(findColumn(label), p1);
    }

    @Override
    public java.lang.Object getObject(java.lang.String label) throws SQLException {
        return getObject(findColumn(label));
    }

    @Override
    public java.sql.Ref getRef(java.lang.String label) throws SQLException {
        return getRef(findColumn(label));
    }

    @Override
    public java.sql.RowId getRowId(java.lang.String label) throws SQLException {
        return getRowId(findColumn(label));
    }

    @Override
    public java.sql.SQLXML getSQLXML(java.lang.String label) throws SQLException {
        return getSQLXML(findColumn(label));
    }

    @Override
    public short getShort(java.lang.String label) throws SQLException {
        return getShort(findColumn(label));
    }

    @Override
    public java.lang.String getString(java.lang.String label) throws SQLException {
        return getString(findColumn(label));
    }

    @Override
    public java.sql.Time getTime(java.lang.String label, java.util.Calendar p1) throws SQLException {
        return getTime(findColumn(label), p1);
    }

    @Override
    public java.sql.Time getTime(java.lang.String label) throws SQLException {
        return getTime(findColumn(label));
    }

    @Override
    public java.sql.Timestamp getTimestamp(java.lang.String label, java.util.Calendar p1) throws SQLException {
        return getTimestamp(findColumn(label), p1);
    }

    @Override
    public java.sql.Timestamp getTimestamp(java.lang.String label) throws SQLException {
        return getTimestamp(findColumn(label));
    }

    @Override
    public java.net.URL getURL(java.lang.String label) throws SQLException {
        return getURL(findColumn(label));
    }

    @Override
    @Deprecated
    public java.io.InputStream getUnicodeStream(java.lang.String label) throws SQLException {
        return getUnicodeStream(findColumn(label));
    }

    @Override
    public void insertRow() throws SQLException {
        throw readOnly("insertRow");
    }

    @Override
    public boolean last() throws SQLException {
        throw forwardOnly("last");
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        throw readOnly("moveToCurrentRow");
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw readOnly("moveToInsertRow");
    }

    @Override
    public boolean previous() throws SQLException {
        throw forwardOnly("previous");
    }

    @Override
    public void refreshRow() throws SQLException {
        throw readOnly("refreshRow");
    }

    @Override
    public boolean relative(int column) throws SQLException {
        throw forwardOnly("relative");
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        throw readOnly("rowDeleted");
    }

    @Override
    public boolean rowInserted() throws SQLException {
        throw readOnly("rowInserted");
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        throw readOnly("rowUpdated");
    }

    @Override
    public void updateArray(java.lang.String label, java.sql.Array p1) throws SQLException {
        throw readOnly("updateArray");
    }

    @Override
    public void updateArray(int column, java.sql.Array p1) throws SQLException {
        throw readOnly("updateArray");
    }

    @Override
    public void updateAsciiStream(java.lang.String label, java.io.InputStream p1, int p2) throws SQLException {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(java.lang.String label, java.io.InputStream p1, long p2) throws SQLException {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(java.lang.String label, java.io.InputStream p1) throws SQLException {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(int column, java.io.InputStream p1, int p2) throws SQLException {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(int column, java.io.InputStream p1, long p2) throws SQLException {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(int column, java.io.InputStream p1) throws SQLException {
        throw readOnly("updateAsciiStream");
    }

    @Override
    public void updateBigDecimal(java.lang.String label, java.math.BigDecimal p1) throws SQLException {
        throw readOnly("updateBigDecimal");
    }

    @Override
    public void updateBigDecimal(int column, java.math.BigDecimal p1) throws SQLException {
        throw readOnly("updateBigDecimal");
    }

    @Override
    public void updateBinaryStream(java.lang.String label, java.io.InputStream p1, int p2) throws SQLException {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(java.lang.String label, java.io.InputStream p1, long p2) throws SQLException {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(java.lang.String label, java.io.InputStream p1) throws SQLException {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(int column, java.io.InputStream p1, int p2) throws SQLException {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(int column, java.io.InputStream p1, long p2) throws SQLException {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(int column, java.io.InputStream p1) throws SQLException {
        throw readOnly("updateBinaryStream");
    }

    @Override
    public void updateBlob(java.lang.String label, java.io.InputStream p1, long p2) throws SQLException {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(java.lang.String label, java.io.InputStream p1) throws SQLException {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(java.lang.String label, java.sql.Blob p1) throws SQLException {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(int column, java.io.InputStream p1, long p2) throws SQLException {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(int column, java.io.InputStream p1) throws SQLException {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBlob(int column, java.sql.Blob p1) throws SQLException {
        throw readOnly("updateBlob");
    }

    @Override
    public void updateBoolean(java.lang.String label, boolean p1) throws SQLException {
        throw readOnly("updateBoolean");
    }

    @Override
    public void updateBoolean(int column, boolean p1) throws SQLException {
        throw readOnly("updateBoolean");
    }

    @Override
    public void updateByte(java.lang.String label, byte p1) throws SQLException {
        throw readOnly("updateByte");
    }

    @Override
    public void updateByte(int column, byte p1) throws SQLException {
        throw readOnly("updateByte");
    }

    @Override
    public void updateBytes(java.lang.String label, byte[] p1) throws SQLException {
        throw readOnly("updateBytes");
    }

    @Override
    public void updateBytes(int column, byte[] p1) throws SQLException {
        throw readOnly("updateBytes");
    }

    @Override
    public void updateCharacterStream(java.lang.String label, java.io.Reader p1, int p2) throws SQLException {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(java.lang.String label, java.io.Reader p1, long p2) throws SQLException {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(java.lang.String label, java.io.Reader p1) throws SQLException {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(int column, java.io.Reader p1, int p2) throws SQLException {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(int column, java.io.Reader p1, long p2) throws SQLException {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(int column, java.io.Reader p1) throws SQLException {
        throw readOnly("updateCharacterStream");
    }

    @Override
    public void updateClob(java.lang.String label, java.io.Reader p1, long p2) throws SQLException {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(java.lang.String label, java.io.Reader p1) throws SQLException {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(java.lang.String label, java.sql.Clob p1) throws SQLException {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(int column, java.io.Reader p1, long p2) throws SQLException {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(int column, java.io.Reader p1) throws SQLException {
        throw readOnly("updateClob");
    }

    @Override
    public void updateClob(int column, java.sql.Clob p1) throws SQLException {
        throw readOnly("updateClob");
    }

    @Override
    public void updateDate(java.lang.String label, java.sql.Date p1) throws SQLException {
        throw readOnly("updateDate");
    }

    @Override
    public void updateDate(int column, java.sql.Date p1) throws SQLException {
        throw readOnly("updateDate");
    }

    @Override
    public void updateDouble(java.lang.String label, double p1) throws SQLException {
        throw readOnly("updateDouble");
    }

    @Override
    public void updateDouble(int column, double p1) throws SQLException {
        throw readOnly("updateDouble");
    }

    @Override
    public void updateFloat(java.lang.String label, float p1) throws SQLException {
        throw readOnly("updateFloat");
    }

    @Override
    public void updateFloat(int column, float p1) throws SQLException {
        throw readOnly("updateFloat");
    }

    @Override
    public void updateInt(java.lang.String label, int p1) throws SQLException {
        throw readOnly("updateInt");
    }

    @Override
    public void updateInt(int column, int p1) throws SQLException {
        throw readOnly("updateInt");
    }

    @Override
    public void updateLong(java.lang.String label, long p1) throws SQLException {
        throw readOnly("updateLong");
    }

    @Override
    public void updateLong(int column, long p1) throws SQLException {
        throw readOnly("updateLong");
    }

    @Override
    public void updateNCharacterStream(java.lang.String label, java.io.Reader p1, long p2) throws SQLException {
        throw readOnly("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(java.lang.String label, java.io.Reader p1) throws SQLException {
        throw readOnly("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(int column, java.io.Reader p1, long p2) throws SQLException {
        throw readOnly("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(int column, java.io.Reader p1) throws SQLException {
        throw readOnly("updateNCharacterStream");
    }

    @Override
    public void updateNClob(java.lang.String label, java.io.Reader p1, long p2) throws SQLException {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(java.lang.String label, java.io.Reader p1) throws SQLException {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(java.lang.String label, java.sql.NClob p1) throws SQLException {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(int column, java.io.Reader p1, long p2) throws SQLException {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(int column, java.io.Reader p1) throws SQLException {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNClob(int column, java.sql.NClob p1) throws SQLException {
        throw readOnly("updateNClob");
    }

    @Override
    public void updateNString(java.lang.String label, java.lang.String p1) throws SQLException {
        throw readOnly("updateNString");
    }

    @Override
    public void updateNString(int column, java.lang.String p1) throws SQLException {
        throw readOnly("updateNString");
    }

    @Override
    public void updateNull(java.lang.String label) throws SQLException {
        throw readOnly("updateNull");
    }

    @Override
    public void updateNull(int column) throws SQLException {
        throw readOnly("updateNull");
    }

    @Override
    public void updateObject(java.lang.String label, java.lang.Object p1, int p2) throws SQLException {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(java.lang.String label, java.lang.Object p1, java.sql.SQLType p2, int p3) throws SQLException {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(java.lang.String label, java.lang.Object p1, java.sql.SQLType p2) throws SQLException {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(java.lang.String label, java.lang.Object p1) throws SQLException {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(int column, java.lang.Object p1, int p2) throws SQLException {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(int column, java.lang.Object p1, java.sql.SQLType p2, int p3) throws SQLException {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(int column, java.lang.Object p1, java.sql.SQLType p2) throws SQLException {
        throw readOnly("updateObject");
    }

    @Override
    public void updateObject(int column, java.lang.Object p1) throws SQLException {
        throw readOnly("updateObject");
    }

    @Override
    public void updateRef(java.lang.String label, java.sql.Ref p1) throws SQLException {
        throw readOnly("updateRef");
    }

    @Override
    public void updateRef(int column, java.sql.Ref p1) throws SQLException {
        throw readOnly("updateRef");
    }

    @Override
    public void updateRow() throws SQLException {
        throw readOnly("updateRow");
    }

    @Override
    public void updateRowId(java.lang.String label, java.sql.RowId p1) throws SQLException {
        throw readOnly("updateRowId");
    }

    @Override
    public void updateRowId(int column, java.sql.RowId p1) throws SQLException {
        throw readOnly("updateRowId");
    }

    @Override
    public void updateSQLXML(java.lang.String label, java.sql.SQLXML p1) throws SQLException {
        throw readOnly("updateSQLXML");
    }

    @Override
    public void updateSQLXML(int column, java.sql.SQLXML p1) throws SQLException {
        throw readOnly("updateSQLXML");
    }

    @Override
    public void updateShort(java.lang.String label, short p1) throws SQLException {
        throw readOnly("updateShort");
    }

    @Override
    public void updateShort(int column, short p1) throws SQLException {
        throw readOnly("updateShort");
    }

    @Override
    public void updateString(java.lang.String label, java.lang.String p1) throws SQLException {
        throw readOnly("updateString");
    }

    @Override
    public void updateString(int column, java.lang.String p1) throws SQLException {
        throw readOnly("updateString");
    }

    @Override
    public void updateTime(java.lang.String label, java.sql.Time p1) throws SQLException {
        throw readOnly("updateTime");
    }

    @Override
    public void updateTime(int column, java.sql.Time p1) throws SQLException {
        throw readOnly("updateTime");
    }

    @Override
    public void updateTimestamp(java.lang.String label, java.sql.Timestamp p1) throws SQLException {
        throw readOnly("updateTimestamp");
    }

    @Override
    public void updateTimestamp(int column, java.sql.Timestamp p1) throws SQLException {
        throw readOnly("updateTimestamp");
    }

}
