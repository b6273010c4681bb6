package dev.shard.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a {@link ShardingDataSource} connection adds to {@link Connection}: reach it with
 * {@code connection.unwrap(ShardConnection.class)} (the connection handed out implements it, so a connection pool
 * or framework proxy in between still unwraps to it).
 */
public interface ShardConnection extends Connection {

    /**
     * With {@code true}, every statement of this connection runs on the shards' primaries, even reads that would go
     * to a replica (docs/replication.md): for code that must read what it has just written, without a
     * transaction. Takes effect from the next statement; reads already open on a replica finish there.
     */
    void setPrimaryOnly(boolean primaryOnly) throws SQLException;

    /** Whether {@link #setPrimaryOnly} is on. */
    boolean isPrimaryOnly() throws SQLException;
}
