package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.Bindings;
import dev.shard.core.internal.route.RoutedStatement;
import dev.shard.core.internal.sql.ParamSource;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;

/**
 * A logical PreparedStatement. The statement is analysed once, here; each execution routes on the bound
 * values, then replays the recorded parameter calls onto the shard's physical PreparedStatement, which is
 * prepared the first time the statement runs on that shard and kept until close.
 */
public final class ShardPreparedStatement extends ShardStatement implements PreparedStatement {

    /** One recorded setXxx call, replayed onto whichever shard's statement runs. */
    @FunctionalInterface
    private interface Setter {
        void apply(PreparedStatement target, int index) throws SQLException;
    }

    private final RoutedStatement routed;
    private final GeneratedKeys keys;
    private final int parameterCount;
    private final PreparedStatement[] physicalByShard;
    private Object[] values;
    private Setter[] setters;
    private final List<Object[]> batchValues = new ArrayList<>();
    private final List<Setter[]> batchSetters = new ArrayList<>();
    private final Bindings bindings;

    ShardPreparedStatement(LogicalConnection connection, StatementOptions options, String sql, GeneratedKeys keys)
            throws SQLException {
        super(connection, options);
        this.routed = connection.runtime().router().prepare(sql);
        this.keys = keys;
        int userParameters = 0;
        for (ParamSource param : routed.normalized().params()) {
            if (param instanceof ParamSource.UserParameter) {
                userParameters++;
            }
        }
        this.parameterCount = userParameters;
        this.physicalByShard = new PreparedStatement[connection.runtime().shardCount()];
        this.values = new Object[parameterCount];
        this.setters = new Setter[parameterCount];
        List<ParamSource> params = routed.normalized().params();
        this.bindings = index -> {
            ParamSource source = params.get(index);
            if (source instanceof ParamSource.UserParameter user) {
                int i = user.userIndex() - 1;
                if (setters[i] == null) {
                    throw notSet(user.userIndex());
                }
                return values[i];
            }
            return ((ParamSource.Literal) source).value();
        };
    }

    private boolean hasKeyGeneration() {
        return routed.plan() instanceof dev.shard.core.internal.route.StatementPlan.ByKey byKey
                && byKey.keyGeneration() != null;
    }

    private SQLException notSet(int index) {
        return new SQLException("Parameter " + index + " is not set: " + routed.sql(), "07001");
    }

    // ------------------------------------------------------------------ execution

    @Override
    Statement physicalFor(int shard, GeneratedKeys ignored) throws SQLException {
        PreparedStatement physical = physicalByShard[shard];
        if (physical == null) {
            physical = prepareOn(connection.physical(shard));
            physicalByShard[shard] = physical;
        }
        for (int i = 0; i < parameterCount; i++) {
            if (setters[i] == null) {
                throw notSet(i + 1);
            }
            setters[i].apply(physical, i + 1);
        }
        return physical;
    }

    private PreparedStatement prepareOn(Connection physical) throws SQLException {
        String sql = routed.sql();
        if (keys.columnIndexes() != null) {
            return physical.prepareStatement(sql, keys.columnIndexes());
        }
        if (keys.columnNames() != null) {
            return physical.prepareStatement(sql, keys.columnNames());
        }
        if (keys.wanted()) {
            return physical.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
        }
        return options.resultSetHoldability() >= 0
                ? physical.prepareStatement(sql, options.resultSetType(), options.resultSetConcurrency(),
                options.resultSetHoldability())
                : physical.prepareStatement(sql, options.resultSetType(), options.resultSetConcurrency());
    }

    @Override
    void bindUserParameter(PreparedStatement statement, int position, int userIndex, RoutedStatement ignored)
            throws SQLException {
        Setter setter = setters[userIndex - 1];
        if (setter == null) {
            throw notSet(userIndex);
        }
        setter.apply(statement, position);
    }

    @Override
    void checkReplayable() throws SQLException {
        for (int i = 0; i < parameterCount; i++) {
            if (values[i] instanceof InputStream || values[i] instanceof Reader) {
                throw new java.sql.SQLFeatureNotSupportedException("Parameter " + (i + 1) + " is a stream, which"
                        + " can be read only once, but the statement runs on several shards; pass the bytes or the"
                        + " String instead: " + routed.sql(), "0A000");
            }
        }
    }

    @Override
    void bindUserParameters(PreparedStatement statement, RoutedStatement ignored) throws SQLException {
        for (int i = 0; i < parameterCount; i++) {
            if (setters[i] == null) {
                throw notSet(i + 1);
            }
            setters[i].apply(statement, i + 1);
        }
    }

    @Override
    void releaseAfterEveryShard(Statement physical) {
        // Kept for the next execution; closed with this statement.
    }

    @Override
    boolean closesPhysicalBetweenExecutions() {
        return false;
    }

    @Override
    ResultSet executeQueryOn(Statement physical, RoutedStatement ignored) throws SQLException {
        return ((PreparedStatement) physical).executeQuery();
    }

    @Override
    long executeUpdateOn(Statement physical, RoutedStatement ignored, GeneratedKeys ignoredKeys, boolean large)
            throws SQLException {
        PreparedStatement prepared = (PreparedStatement) physical;
        return large ? prepared.executeLargeUpdate() : prepared.executeUpdate();
    }

    @Override
    boolean executeOn(Statement physical, RoutedStatement ignored, GeneratedKeys ignoredKeys) throws SQLException {
        return ((PreparedStatement) physical).execute();
    }

    @Override
    void connectionDiscarded(int shard) {
        super.connectionDiscarded(shard);
        // Not closed here: it went with its connection. The next execution on that shard prepares anew.
        physicalByShard[shard] = null;
    }

    @Override
    void closePhysical() throws SQLException {
        SQLException failure = null;
        for (int i = 0; i < physicalByShard.length; i++) {
            if (physicalByShard[i] != null) {
                try {
                    physicalByShard[i].close();
                } catch (SQLException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
                physicalByShard[i] = null;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        run(routed, bindings, Mode.QUERY, keys);
        return getResultSet();
    }

    @Override
    public int executeUpdate() throws SQLException {
        run(routed, bindings, Mode.UPDATE, keys);
        return getUpdateCount();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        run(routed, bindings, Mode.LARGE_UPDATE, keys);
        return getLargeUpdateCount();
    }

    @Override
    public boolean execute() throws SQLException {
        return run(routed, bindings, Mode.ANY, keys);
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        for (int i = 0; i < parameterCount; i++) {
            if (setters[i] == null) {
                throw notSet(i + 1);
            }
        }
        batchValues.add(values.clone());
        batchSetters.add(setters.clone());
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batchValues.clear();
        batchSetters.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return ShardBatches.toInts(executeLargeBatch());
    }

    /**
     * Consecutive entries that each route to one shard run as one JDBC batch per shard, the shards in parallel;
     * an entry that needs several shards (a broadcast write, an UPDATE without a key) runs on its own, in order.
     */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        Object[] savedValues = values;
        Setter[] savedSetters = setters;
        List<Object> batchKeys = new ArrayList<>();
        long[] counts;
        try {
            counts = ShardBatches.runInOrder(connection.runtime(), batchValues.size(), "entry",
                    entry -> {
                        values = batchValues.get(entry);
                        setters = batchSetters.get(entry);
                        // Generated keys are made per execution, so such entries run one by one.
                        return hasKeyGeneration() ? null : singleShardOf(routed.plan().route(bindings, routed.sql()));
                    },
                    entry -> {
                        values = batchValues.get(entry);
                        setters = batchSetters.get(entry);
                        run(routed, bindings, Mode.LARGE_UPDATE, keys);
                        Object[] keysOfEntry = generatedByLastExecution();
                        if (keysOfEntry != null) {
                            batchKeys.addAll(Arrays.asList(keysOfEntry));
                        }
                        return getLargeUpdateCount();
                    },
                    (shard, entries, opened) -> {
                        PreparedStatement physical = physicalByShard[shard];
                        if (physical == null) {
                            physical = prepareOn(connection.physical(shard));
                            physicalByShard[shard] = physical;
                        }
                        applyOptions(physical);
                        PreparedStatement batch = physical;
                        // Binding is part of the shard's task, so the shards bind in parallel as they execute.
                        // Only that task touches this physical statement; batchSetters is only read until all
                        // are done.
                        return () -> {
                            for (int entry : entries) {
                                Setter[] entrySetters = batchSetters.get(entry);
                                for (int p = 0; p < parameterCount; p++) {
                                    entrySetters[p].apply(batch, p + 1);
                                }
                                batch.addBatch();
                            }
                            return batch.executeLargeBatch();
                        };
                    });
        } finally {
            values = savedValues;
            setters = savedSetters;
            batchValues.clear();
            batchSetters.clear();
            // getGeneratedKeys now answers for the whole batch: the keys Shard generated, in entry order.
            afterBatch(batchKeys.isEmpty() ? null : batchKeys.toArray());
            for (PreparedStatement physical : physicalByShard) {
                if (physical != null) {
                    try {
                        physical.clearBatch();
                    } catch (SQLException ignored) {
                        // The statement is unusable anyway; its next use will say so.
                    }
                }
            }
        }
        return counts;
    }

    /** Metadata before execution: every shard has the same tables, so the default shard can describe them. */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        int shard = connection.runtime().defaultShard();
        PreparedStatement physical = physicalByShard[shard];
        if (physical == null) {
            physical = prepareOn(connection.physical(shard));
            physicalByShard[shard] = physical;
        }
        return physical.getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        int shard = connection.runtime().defaultShard();
        PreparedStatement physical = physicalByShard[shard];
        if (physical == null) {
            physical = prepareOn(connection.physical(shard));
            physicalByShard[shard] = physical;
        }
        return physical.getParameterMetaData();
    }

    // ------------------------------------------------------------------ parameters

    private void set(int index, Object value, Setter setter) throws SQLException {
        checkOpen();
        if (index < 1 || index > parameterCount) {
            throw new SQLException("Parameter index " + index + " is out of range 1.." + parameterCount + ": "
                    + routed.sql(), "07009");
        }
        values[index - 1] = value;
        setters[index - 1] = setter;
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        Arrays.fill(values, null);
        Arrays.fill(setters, null);
    }

    @Override
    public void setNull(int i, int sqlType) throws SQLException {
        set(i, null, (ps, n) -> ps.setNull(n, sqlType));
    }

    @Override
    public void setNull(int i, int sqlType, String typeName) throws SQLException {
        set(i, null, (ps, n) -> ps.setNull(n, sqlType, typeName));
    }

    @Override
    public void setBoolean(int i, boolean x) throws SQLException {
        set(i, x, (ps, n) -> ps.setBoolean(n, x));
    }

    @Override
    public void setByte(int i, byte x) throws SQLException {
        set(i, x, (ps, n) -> ps.setByte(n, x));
    }

    @Override
    public void setShort(int i, short x) throws SQLException {
        set(i, x, (ps, n) -> ps.setShort(n, x));
    }

    @Override
    public void setInt(int i, int x) throws SQLException {
        set(i, x, (ps, n) -> ps.setInt(n, x));
    }

    @Override
    public void setLong(int i, long x) throws SQLException {
        set(i, x, (ps, n) -> ps.setLong(n, x));
    }

    @Override
    public void setFloat(int i, float x) throws SQLException {
        set(i, x, (ps, n) -> ps.setFloat(n, x));
    }

    @Override
    public void setDouble(int i, double x) throws SQLException {
        set(i, x, (ps, n) -> ps.setDouble(n, x));
    }

    @Override
    public void setBigDecimal(int i, BigDecimal x) throws SQLException {
        set(i, x, (ps, n) -> ps.setBigDecimal(n, x));
    }

    @Override
    public void setString(int i, String x) throws SQLException {
        set(i, x, (ps, n) -> ps.setString(n, x));
    }

    @Override
    public void setNString(int i, String x) throws SQLException {
        set(i, x, (ps, n) -> ps.setNString(n, x));
    }

    @Override
    public void setBytes(int i, byte[] x) throws SQLException {
        set(i, x, (ps, n) -> ps.setBytes(n, x));
    }

    @Override
    public void setDate(int i, Date x) throws SQLException {
        set(i, x, (ps, n) -> ps.setDate(n, x));
    }

    @Override
    public void setDate(int i, Date x, Calendar cal) throws SQLException {
        set(i, x, (ps, n) -> ps.setDate(n, x, cal));
    }

    @Override
    public void setTime(int i, Time x) throws SQLException {
        set(i, x, (ps, n) -> ps.setTime(n, x));
    }

    @Override
    public void setTime(int i, Time x, Calendar cal) throws SQLException {
        set(i, x, (ps, n) -> ps.setTime(n, x, cal));
    }

    @Override
    public void setTimestamp(int i, Timestamp x) throws SQLException {
        set(i, x, (ps, n) -> ps.setTimestamp(n, x));
    }

    @Override
    public void setTimestamp(int i, Timestamp x, Calendar cal) throws SQLException {
        set(i, x, (ps, n) -> ps.setTimestamp(n, x, cal));
    }

    @Override
    public void setObject(int i, Object x) throws SQLException {
        set(i, x, (ps, n) -> ps.setObject(n, x));
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType) throws SQLException {
        set(i, x, (ps, n) -> ps.setObject(n, x, targetSqlType));
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        set(i, x, (ps, n) -> ps.setObject(n, x, targetSqlType, scaleOrLength));
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType) throws SQLException {
        set(i, x, (ps, n) -> ps.setObject(n, x, targetSqlType));
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        set(i, x, (ps, n) -> ps.setObject(n, x, targetSqlType, scaleOrLength));
    }

    // Streams can be read once: a statement that runs on several shards would give later shards an exhausted
    // stream, so checkReplayable refuses them there. As values they never route.

    @Override
    public void setAsciiStream(int i, InputStream x, int length) throws SQLException {
        set(i, x, (ps, n) -> ps.setAsciiStream(n, x, length));
    }

    @Override
    public void setAsciiStream(int i, InputStream x, long length) throws SQLException {
        set(i, x, (ps, n) -> ps.setAsciiStream(n, x, length));
    }

    @Override
    public void setAsciiStream(int i, InputStream x) throws SQLException {
        set(i, x, (ps, n) -> ps.setAsciiStream(n, x));
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int i, InputStream x, int length) throws SQLException {
        throw unsupported("setUnicodeStream", "it is deprecated since JDBC 2; use setCharacterStream");
    }

    @Override
    public void setBinaryStream(int i, InputStream x, int length) throws SQLException {
        set(i, x, (ps, n) -> ps.setBinaryStream(n, x, length));
    }

    @Override
    public void setBinaryStream(int i, InputStream x, long length) throws SQLException {
        set(i, x, (ps, n) -> ps.setBinaryStream(n, x, length));
    }

    @Override
    public void setBinaryStream(int i, InputStream x) throws SQLException {
        set(i, x, (ps, n) -> ps.setBinaryStream(n, x));
    }

    @Override
    public void setCharacterStream(int i, Reader x, int length) throws SQLException {
        set(i, x, (ps, n) -> ps.setCharacterStream(n, x, length));
    }

    @Override
    public void setCharacterStream(int i, Reader x, long length) throws SQLException {
        set(i, x, (ps, n) -> ps.setCharacterStream(n, x, length));
    }

    @Override
    public void setCharacterStream(int i, Reader x) throws SQLException {
        set(i, x, (ps, n) -> ps.setCharacterStream(n, x));
    }

    @Override
    public void setNCharacterStream(int i, Reader x, long length) throws SQLException {
        set(i, x, (ps, n) -> ps.setNCharacterStream(n, x, length));
    }

    @Override
    public void setNCharacterStream(int i, Reader x) throws SQLException {
        set(i, x, (ps, n) -> ps.setNCharacterStream(n, x));
    }

    @Override
    public void setRef(int i, Ref x) throws SQLException {
        set(i, x, (ps, n) -> ps.setRef(n, x));
    }

    @Override
    public void setBlob(int i, Blob x) throws SQLException {
        set(i, x, (ps, n) -> ps.setBlob(n, x));
    }

    @Override
    public void setBlob(int i, InputStream x, long length) throws SQLException {
        set(i, x, (ps, n) -> ps.setBlob(n, x, length));
    }

    @Override
    public void setBlob(int i, InputStream x) throws SQLException {
        set(i, x, (ps, n) -> ps.setBlob(n, x));
    }

    @Override
    public void setClob(int i, Clob x) throws SQLException {
        set(i, x, (ps, n) -> ps.setClob(n, x));
    }

    @Override
    public void setClob(int i, Reader x, long length) throws SQLException {
        set(i, x, (ps, n) -> ps.setClob(n, x, length));
    }

    @Override
    public void setClob(int i, Reader x) throws SQLException {
        set(i, x, (ps, n) -> ps.setClob(n, x));
    }

    @Override
    public void setNClob(int i, NClob x) throws SQLException {
        set(i, x, (ps, n) -> ps.setNClob(n, x));
    }

    @Override
    public void setNClob(int i, Reader x, long length) throws SQLException {
        set(i, x, (ps, n) -> ps.setNClob(n, x, length));
    }

    @Override
    public void setNClob(int i, Reader x) throws SQLException {
        set(i, x, (ps, n) -> ps.setNClob(n, x));
    }

    @Override
    public void setArray(int i, Array x) throws SQLException {
        set(i, x, (ps, n) -> ps.setArray(n, x));
    }

    @Override
    public void setURL(int i, URL x) throws SQLException {
        set(i, x, (ps, n) -> ps.setURL(n, x));
    }

    @Override
    public void setRowId(int i, RowId x) throws SQLException {
        set(i, x, (ps, n) -> ps.setRowId(n, x));
    }

    @Override
    public void setSQLXML(int i, SQLXML x) throws SQLException {
        set(i, x, (ps, n) -> ps.setSQLXML(n, x));
    }

    // ------------------------------------------------------------------ Statement methods that take SQL

    private SQLException textOnPrepared(String method) {
        return new SQLException(method + "(String) cannot be called on a PreparedStatement (JDBC 4.3 §13.2.4)",
                "HY000");
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw textOnPrepared("executeQuery");
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw textOnPrepared("executeUpdate");
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw textOnPrepared("execute");
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw textOnPrepared("addBatch");
    }

    @Override
    public String toString() {
        return "ShardPreparedStatement[" + routed.sql() + "]";
    }
}
