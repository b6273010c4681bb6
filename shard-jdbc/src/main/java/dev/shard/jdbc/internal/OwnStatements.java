package dev.shard.jdbc.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How a logical statement runs the user's own statement, as written, on one shard: a plain statement sends its
 * text on a fresh physical statement; a prepared one keeps a physical statement per shard and replays its
 * parameters onto it. Every other shard call is Shard's own text, prepared for the call.
 */
interface OwnStatements {

    /** The physical statement for a shard, with the user's parameters bound. */
    Statement open(int shard, Topology.Intent intent) throws SQLException;

    ResultSet executeQuery(Statement physical, String sql) throws SQLException;

    long executeUpdate(Statement physical, String sql, boolean large) throws SQLException;

    /** @return true if the result is a result set */
    boolean execute(Statement physical, String sql) throws SQLException;

    /** Whether physical statements stay open between executions (then closing them is this object's job). */
    boolean kept();

    /** After a shard ran: a plain statement's physical statement is closed, a kept one stays. */
    default void release(Statement physical) throws SQLException {
        if (!kept()) {
            physical.close();
        }
    }
}
