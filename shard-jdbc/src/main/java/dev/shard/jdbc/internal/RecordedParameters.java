package dev.shard.jdbc.internal;

import java.io.InputStream;
import java.io.Reader;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;

/**
 * A prepared statement's parameters: each setXxx call is recorded (its value, for routing, and the call itself,
 * to replay onto whichever shard's statement runs), so that the value reaches the shard exactly as the
 * application typed it.
 */
final class RecordedParameters implements StatementParameters {

    /** One recorded setXxx call. */
    @FunctionalInterface
    interface Setter {
        void apply(PreparedStatement target, int index) throws SQLException;
    }

    private final String sql;
    private final Object[] values;
    private final Setter[] setters;

    RecordedParameters(String sql, int count) {
        this(sql, new Object[count], new Setter[count]);
    }

    private RecordedParameters(String sql, Object[] values, Setter[] setters) {
        this.sql = sql;
        this.values = values;
        this.setters = setters;
    }

    void set(int index, Object value, Setter setter) throws SQLException {
        if (index < 1 || index > values.length) {
            throw new SQLException("Parameter index " + index + " is out of range 1.." + values.length + ": " + sql,
                    "07009");
        }
        values[index - 1] = value;
        setters[index - 1] = setter;
    }

    void clear() {
        Arrays.fill(values, null);
        Arrays.fill(setters, null);
    }

    /** A copy for a batch entry; fails naming the first parameter not set. */
    RecordedParameters snapshot() throws SQLException {
        checkAllSet();
        return new RecordedParameters(sql, values.clone(), setters.clone());
    }

    void checkAllSet() throws SQLException {
        for (int i = 0; i < setters.length; i++) {
            if (setters[i] == null) {
                throw notSet(i + 1);
            }
        }
    }

    /** Replays every call onto a physical statement prepared with the user's text. */
    void bindAll(PreparedStatement target) throws SQLException {
        for (int i = 0; i < setters.length; i++) {
            if (setters[i] == null) {
                throw notSet(i + 1);
            }
            setters[i].apply(target, i + 1);
        }
    }

    @Override
    public int count() {
        return values.length;
    }

    @Override
    public Object value(int index) throws SQLException {
        if (setters[index - 1] == null) {
            throw notSet(index);
        }
        return values[index - 1];
    }

    @Override
    public void bind(PreparedStatement target, int position, int index) throws SQLException {
        Setter setter = setters[index - 1];
        if (setter == null) {
            throw notSet(index);
        }
        setter.apply(target, position);
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
