package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.RoutedStatement;
import dev.shard.core.internal.route.StatementPlan;
import dev.shard.jdbc.internal.ExecutionRunner.Mode;
import dev.shard.jdbc.internal.RecordedParameters.Kind;
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
import java.util.Calendar;
import java.util.List;

/**
 * A logical PreparedStatement. The statement is analysed once, here; each execution routes on the bound values.
 * The setXxx calls are recorded ({@link RecordedParameters}) and replayed onto whichever shard's statement runs:
 * the kept per-shard physical statement for the user's own text ({@link PreparedPerShard}), or the statements
 * Shard prepares for a query on several shards.
 */
public final class ShardPreparedStatement extends ShardStatement implements PreparedStatement {

    private final RoutedStatement routed;
    private final GeneratedKeys keys;
    private final RecordedParameters parameters;
    private final PreparedPerShard own;
    /** Null until addBatch, as a plain statement's batch. */
    private List<RecordedParameters> batchEntries;

    ShardPreparedStatement(LogicalConnection connection, StatementOptions options, String sql, GeneratedKeys keys)
            throws SQLException {
        super(connection, options);
        this.routed = connection.runtime().router().prepare(sql);
        this.keys = keys;
        this.parameters = new RecordedParameters(sql, routed.userParameterCount());
        this.own = new PreparedPerShard(connection, sql, options, keys, parameters);
    }

    // ------------------------------------------------------------------ execution

    @Override
    boolean keepsPhysicalStatements() {
        return true;
    }

    @Override
    void connectionDiscarded(Connection discarded) {
        super.connectionDiscarded(discarded);
        // Not closed here: it went with its connection. The next execution on that shard prepares anew.
        own.forget(discarded);
    }

    @Override
    void closePhysical() throws SQLException {
        own.closeAll();
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        run(routed, parameters, own, Mode.QUERY, keys);
        return getResultSet();
    }

    @Override
    public int executeUpdate() throws SQLException {
        run(routed, parameters, own, Mode.UPDATE, keys);
        return getUpdateCount();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        run(routed, parameters, own, Mode.LARGE_UPDATE, keys);
        return getLargeUpdateCount();
    }

    @Override
    public boolean execute() throws SQLException {
        return run(routed, parameters, own, Mode.ANY, keys);
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        RecordedParameters entry = parameters.snapshot();
        if (batchEntries == null) {
            batchEntries = new ArrayList<>();
        }
        batchEntries.add(entry);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batchEntries = null;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return ShardBatches.toInts(executeLargeBatch());
    }

    /**
     * Consecutive entries that each route to one shard run as one JDBC batch per shard, the shards in parallel,
     * and so do consecutive broadcast writes (all or nothing); an entry Shard rewrites (a split INSERT, an UPDATE
     * without a key, generated keys) runs on its own, in order.
     */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<RecordedParameters> batchEntries = this.batchEntries == null ? List.of() : this.batchEntries;
        this.batchEntries = null; // whatever happens, the batch is done with
        List<Object> batchKeys = new ArrayList<>();
        long[] counts;
        connection.topologyForStatement();
        try {
            counts = ShardBatches.runInOrder(connection, batchEntries.size(), "entry", settings.queryTimeout(),
                    ShardBatches.paceKey(routed.sql(), batchEntries.size()),
                    entry -> ShardBatches.target(route(routed, batchEntries.get(entry), false)),
                    entry -> {
                        RecordedParameters entryParameters = batchEntries.get(entry);
                        own.bindFrom(entryParameters);
                        try {
                            run(routed, entryParameters, own, Mode.LARGE_UPDATE, keys);
                        } finally {
                            own.bindFrom(parameters);
                        }
                        batchKeys.addAll(outcome.generated().keys());
                        return getLargeUpdateCount();
                    },
                    (shard, entries, opened) -> {
                        PreparedStatement batch = own.prepared(shard, Topology.Intent.WRITE);
                        settings.applyTo(batch, true, true);
                        // Binding is part of the shard's task, so the shards bind in parallel as they execute.
                        // Only that task touches this physical statement; the entries are only read until all
                        // are done.
                        return new ShardBatches.ShardBatch(batch, () -> {
                            for (int entry : entries) {
                                batchEntries.get(entry).bindAll(batch);
                                batch.addBatch();
                            }
                            return batch.executeLargeBatch();
                        });
                    });
        } finally {
            // getGeneratedKeys now answers for the whole batch: the keys Shard generated, in entry order.
            // Keys are only generated where the plan has a key generation, so its column names them.
            afterBatch(batchKeys.isEmpty() ? Execution.GeneratedValues.NONE
                    : new Execution.GeneratedValues(((StatementPlan.ByKey) routed.plan()).keyGeneration().column(),
                    batchKeys));
            own.clearBatches();
        }
        return counts;
    }

    /** Metadata before execution: every shard has the same tables, so the default shard can describe them. */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return own.prepared(connection.topology().defaultShard(), Topology.Intent.READ).getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        return own.prepared(connection.topology().defaultShard(), Topology.Intent.READ).getParameterMetaData();
    }

    // ------------------------------------------------------------------ parameters

    private void record(int index, Kind kind, Object value) throws SQLException {
        checkOpen();
        parameters.set(index, kind, value);
    }

    /** A setter without a {@link Kind} of its own: the call itself is recorded. */
    private void set(int index, Object value, RecordedParameters.Setter setter) throws SQLException {
        checkOpen();
        parameters.set(index, value, setter);
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        parameters.clear();
    }

    @Override
    public void setNull(int i, int sqlType) throws SQLException {
        checkOpen();
        parameters.setNull(i, sqlType);
    }

    @Override
    public void setNull(int i, int sqlType, String typeName) throws SQLException {
        set(i, null, (ps, n) -> ps.setNull(n, sqlType, typeName));
    }

    @Override
    public void setBoolean(int i, boolean x) throws SQLException {
        record(i, Kind.BOOLEAN, x);
    }

    @Override
    public void setByte(int i, byte x) throws SQLException {
        record(i, Kind.BYTE, x);
    }

    @Override
    public void setShort(int i, short x) throws SQLException {
        record(i, Kind.SHORT, x);
    }

    @Override
    public void setInt(int i, int x) throws SQLException {
        record(i, Kind.INT, x);
    }

    @Override
    public void setLong(int i, long x) throws SQLException {
        record(i, Kind.LONG, x);
    }

    @Override
    public void setFloat(int i, float x) throws SQLException {
        record(i, Kind.FLOAT, x);
    }

    @Override
    public void setDouble(int i, double x) throws SQLException {
        record(i, Kind.DOUBLE, x);
    }

    @Override
    public void setBigDecimal(int i, BigDecimal x) throws SQLException {
        record(i, Kind.BIG_DECIMAL, x);
    }

    @Override
    public void setString(int i, String x) throws SQLException {
        record(i, Kind.STRING, x);
    }

    @Override
    public void setNString(int i, String x) throws SQLException {
        record(i, Kind.NSTRING, x);
    }

    @Override
    public void setBytes(int i, byte[] x) throws SQLException {
        record(i, Kind.BYTES, x);
    }

    @Override
    public void setDate(int i, Date x) throws SQLException {
        record(i, Kind.DATE, x);
    }

    @Override
    public void setDate(int i, Date x, Calendar cal) throws SQLException {
        set(i, x, (ps, n) -> ps.setDate(n, x, cal));
    }

    @Override
    public void setTime(int i, Time x) throws SQLException {
        record(i, Kind.TIME, x);
    }

    @Override
    public void setTime(int i, Time x, Calendar cal) throws SQLException {
        set(i, x, (ps, n) -> ps.setTime(n, x, cal));
    }

    @Override
    public void setTimestamp(int i, Timestamp x) throws SQLException {
        record(i, Kind.TIMESTAMP, x);
    }

    @Override
    public void setTimestamp(int i, Timestamp x, Calendar cal) throws SQLException {
        set(i, x, (ps, n) -> ps.setTimestamp(n, x, cal));
    }

    @Override
    public void setObject(int i, Object x) throws SQLException {
        record(i, Kind.OBJECT, x);
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType) throws SQLException {
        checkOpen();
        parameters.setObject(i, x, targetSqlType);
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
