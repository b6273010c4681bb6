package dev.shard.jdbc.internal;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;

/**
 * The part of a logical connection that does not depend on shards: metadata and factory calls any shard can
 * answer (every shard runs the same server, so the default data source does), client info kept by Shard, and the
 * calls Shard refuses. {@link LogicalConnection} holds everything about shards and transactions.
 */
abstract class DefaultShardConnection extends JdbcWrapper implements Connection {

    private final ClientInfo clientInfo = new ClientInfo();

    /** The default data source's physical connection, borrowed if needed. */
    abstract Connection defaultPhysical() throws SQLException;

    abstract void checkOpen() throws SQLException;

    @Override
    public abstract boolean isClosed();

    /** Answered by the default data source: ORMs read it at start-up, and every shard runs the same server. */
    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return defaultPhysical().getMetaData();
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        throw unsupported("setCatalog", "each shard is its own database; name it in the data source's jdbcUrl");
    }

    @Override
    public String getCatalog() throws SQLException {
        return defaultPhysical().getCatalog();
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        throw unsupported("setSchema", "each shard is its own database; name it in the data source's jdbcUrl");
    }

    @Override
    public String getSchema() throws SQLException {
        return defaultPhysical().getSchema();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return defaultPhysical().getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        throw unsupported("setTypeMap", "custom type maps are not carried across shards");
    }

    @Override
    public Clob createClob() throws SQLException {
        return defaultPhysical().createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return defaultPhysical().createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return defaultPhysical().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return defaultPhysical().createSQLXML();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return defaultPhysical().createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return defaultPhysical().createStruct(typeName, attributes);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        throw unsupported("prepareCall", "stored procedures cannot be routed by shard key");
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        throw unsupported("prepareCall", "stored procedures cannot be routed by shard key");
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        throw unsupported("prepareCall", "stored procedures cannot be routed by shard key");
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        checkOpenForClientInfo();
        clientInfo.set(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        checkOpenForClientInfo();
        clientInfo.setAll(properties);
    }

    /** setClientInfo may only throw SQLClientInfoException, so the closed check needs its own exception type. */
    private void checkOpenForClientInfo() throws SQLClientInfoException {
        if (isClosed()) {
            throw new SQLClientInfoException("Connection is closed", "08003", 0, Map.of());
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return clientInfo.get(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        return clientInfo.copy();
    }
}
