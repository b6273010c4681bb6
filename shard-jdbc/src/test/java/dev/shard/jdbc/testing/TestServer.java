package dev.shard.jdbc.testing;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A database server integration tests create their databases on ({@link MySqlServer}, {@link PostgresServer}; both
 * chosen as {@link PickedServer} says).
 */
public interface TestServer {

    /** URL of one database on this server, with the options the tests want. */
    String jdbcUrl(String database);

    String user();

    String password();

    Connection connect(String database) throws SQLException;

    /** Drops the database if it exists and creates it empty, with the server's test collation. */
    void recreateDatabase(String name) throws SQLException;

    void dropDatabase(String name) throws SQLException;
}
