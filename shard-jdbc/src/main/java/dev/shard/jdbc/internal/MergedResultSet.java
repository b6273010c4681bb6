package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.RowCursor;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * The one ResultSet of a statement that ran on several shards: it reads the merge plan's cursor row by row, so
 * it is forward-only and read-only, and holds no more rows than the plan does. Getters by index read the
 * current row's value and convert it as MySQL Connector/J does ({@link JdbcValues}, {@link JdbcDateTimes}); the
 * getters by label, the refused scrolling and the refused updates are generated in
 * {@link ForwardOnlyReadOnlyResultSet}.
 */
final class MergedResultSet extends ForwardOnlyReadOnlyResultSet {

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
        return JdbcDateTimes.toDate(value(column), column);
    }

    @Override
    public Date getDate(int column, Calendar calendar) throws SQLException {
        return JdbcDateTimes.toDate(value(column), column, calendar);
    }

    @Override
    public Time getTime(int column) throws SQLException {
        return JdbcDateTimes.toTime(value(column), column);
    }

    @Override
    public Time getTime(int column, Calendar calendar) throws SQLException {
        return JdbcDateTimes.toTime(value(column), column, calendar);
    }

    @Override
    public Timestamp getTimestamp(int column) throws SQLException {
        return JdbcDateTimes.toTimestamp(value(column), column);
    }

    @Override
    public Timestamp getTimestamp(int column, Calendar calendar) throws SQLException {
        return JdbcDateTimes.toTimestamp(value(column), column, calendar);
    }

    @Override
    public InputStream getAsciiStream(int column) throws SQLException {
        return JdbcValues.toAsciiStream(value(column));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int column) throws SQLException {
        throw unsupported("getUnicodeStream", "it is deprecated since JDBC 2; use getCharacterStream");
    }

    @Override
    public InputStream getBinaryStream(int column) throws SQLException {
        return JdbcValues.toBinaryStream(value(column));
    }

    @Override
    public Reader getCharacterStream(int column) throws SQLException {
        return JdbcValues.toCharacterStream(value(column));
    }

    @Override
    public Reader getNCharacterStream(int column) throws SQLException {
        return getCharacterStream(column);
    }

    @Override
    public Blob getBlob(int column) throws SQLException {
        return JdbcValues.toBlob(value(column));
    }

    @Override
    public Clob getClob(int column) throws SQLException {
        return JdbcValues.toClob(value(column));
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
        return JdbcValues.toUrl(value(column), column);
    }

    @Override
    public RowId getRowId(int column) throws SQLException {
        throw unsupported("getRowId", "MySQL has no ROWID type");
    }

    @Override
    public SQLXML getSQLXML(int column) throws SQLException {
        throw unsupported("getSQLXML", "MySQL has no XML type");
    }
}
