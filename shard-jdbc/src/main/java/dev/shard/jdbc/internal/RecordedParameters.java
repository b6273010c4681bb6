package dev.shard.jdbc.internal;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Arrays;

/**
 * A prepared statement's parameters: each setXxx call is recorded (its value, for routing, and which setter it
 * was, to replay onto whichever shard's statement runs), so that the value reaches the shard exactly as the
 * application set it.
 *
 * <p>The common setters are recorded as their value and a {@link Kind}, which allocates nothing beyond the
 * boxing of a primitive value: a lambda capturing the value would be one more object per setXxx call, and OLTP
 * statements make several such calls each. The rest (streams, calendars, typed NULLs with a type name...) are
 * recorded as the call itself, a {@link Setter}.
 */
final class RecordedParameters implements StatementParameters {

    /** One recorded setXxx call, for the setters without a {@link Kind} of their own. */
    @FunctionalInterface
    interface Setter {
        void apply(PreparedStatement target, int index) throws SQLException;
    }

    /** Which setter recorded a parameter; {@link #CALL} replays a {@link Setter}. */
    enum Kind {
        UNSET, NULL, BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, BIG_DECIMAL, STRING, NSTRING, BYTES, DATE, TIME,
        TIMESTAMP, OBJECT, OBJECT_WITH_SQL_TYPE, CALL
    }

    private final String sql;
    private final Kind[] kinds;
    /** The values as the application gave them, primitives boxed. */
    private final Object[] values;
    /** The SQL type of {@link Kind#NULL} and {@link Kind#OBJECT_WITH_SQL_TYPE}; made when first needed. */
    private int[] sqlTypes;
    /** The calls of kind {@link Kind#CALL}; made when first needed. */
    private Setter[] calls;

    RecordedParameters(String sql, int count) {
        this(sql, newKinds(count), new Object[count], null, null);
    }

    private RecordedParameters(String sql, Kind[] kinds, Object[] values, int[] sqlTypes, Setter[] calls) {
        this.sql = sql;
        this.kinds = kinds;
        this.values = values;
        this.sqlTypes = sqlTypes;
        this.calls = calls;
    }

    private static Kind[] newKinds(int count) {
        Kind[] kinds = new Kind[count];
        Arrays.fill(kinds, Kind.UNSET);
        return kinds;
    }

    /** Records a setter that has a kind of its own; NULL, OBJECT_WITH_SQL_TYPE and CALL have their methods. */
    void set(int index, Kind kind, Object value) throws SQLException {
        if (index < 1 || index > kinds.length) {
            throw new SQLException("Parameter index " + index + " is out of range 1.." + kinds.length + ": " + sql,
                    "07009");
        }
        kinds[index - 1] = kind;
        values[index - 1] = value;
        if (calls != null) {
            calls[index - 1] = null; // a replaced call does not keep the stream it captured alive
        }
    }

    /** setNull(index, sqlType). */
    void setNull(int index, int sqlType) throws SQLException {
        setTyped(index, Kind.NULL, null, sqlType);
    }

    /** setObject(index, value, sqlType). */
    void setObject(int index, Object value, int sqlType) throws SQLException {
        setTyped(index, Kind.OBJECT_WITH_SQL_TYPE, value, sqlType);
    }

    private void setTyped(int index, Kind kind, Object value, int sqlType) throws SQLException {
        set(index, kind, value);
        if (sqlTypes == null) {
            sqlTypes = new int[kinds.length];
        }
        sqlTypes[index - 1] = sqlType;
    }

    /** Records the call itself, for a setter without a kind of its own. */
    void set(int index, Object value, Setter setter) throws SQLException {
        set(index, Kind.CALL, value);
        if (calls == null) {
            calls = new Setter[kinds.length];
        }
        calls[index - 1] = setter;
    }

    void clear() {
        Arrays.fill(kinds, Kind.UNSET);
        Arrays.fill(values, null);
        if (calls != null) {
            Arrays.fill(calls, null);
        }
    }

    /** A copy for a batch entry; fails naming the first parameter not set. */
    RecordedParameters snapshot() throws SQLException {
        checkAllSet();
        return new RecordedParameters(sql, kinds.clone(), values.clone(), sqlTypes == null ? null : sqlTypes.clone(),
                calls == null ? null : calls.clone());
    }

    void checkAllSet() throws SQLException {
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Kind.UNSET) {
                throw notSet(i + 1);
            }
        }
    }

    /** Replays every call onto a physical statement prepared with the user's text. */
    void bindAll(PreparedStatement target) throws SQLException {
        for (int i = 1; i <= kinds.length; i++) {
            bind(target, i, i);
        }
    }

    @Override
    public int count() {
        return kinds.length;
    }

    @Override
    public Object value(int index) throws SQLException {
        if (kinds[index - 1] == Kind.UNSET) {
            throw notSet(index);
        }
        return values[index - 1];
    }

    @Override
    public void bind(PreparedStatement target, int position, int index) throws SQLException {
        int i = index - 1;
        Object value = values[i];
        switch (kinds[i]) {
            case UNSET -> throw notSet(index);
            case NULL -> target.setNull(position, sqlTypes[i]);
            case BOOLEAN -> target.setBoolean(position, (Boolean) value);
            case BYTE -> target.setByte(position, (Byte) value);
            case SHORT -> target.setShort(position, (Short) value);
            case INT -> target.setInt(position, (Integer) value);
            case LONG -> target.setLong(position, (Long) value);
            case FLOAT -> target.setFloat(position, (Float) value);
            case DOUBLE -> target.setDouble(position, (Double) value);
            case BIG_DECIMAL -> target.setBigDecimal(position, (BigDecimal) value);
            case STRING -> target.setString(position, (String) value);
            case NSTRING -> target.setNString(position, (String) value);
            case BYTES -> target.setBytes(position, (byte[]) value);
            case DATE -> target.setDate(position, (Date) value);
            case TIME -> target.setTime(position, (Time) value);
            case TIMESTAMP -> target.setTimestamp(position, (Timestamp) value);
            case OBJECT -> target.setObject(position, value);
            case OBJECT_WITH_SQL_TYPE -> target.setObject(position, value, sqlTypes[i]);
            case CALL -> calls[i].apply(target, position);
        }
    }

    @Override
    public void checkReplayable(String ignored) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof InputStream || values[i] instanceof Reader) {
                throw new SQLFeatureNotSupportedException("Parameter " + (i + 1) + " is a stream, which"
                        + " can be read only once, but the statement runs on several shards; pass the bytes or the"
                        + " String instead: " + sql, "0A000");
            }
        }
    }

    private SQLException notSet(int index) {
        return new SQLException("Parameter " + index + " is not set: " + sql, "07001");
    }
}
