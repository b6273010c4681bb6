package dev.shard.jdbc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.jdbc.testing.RecordingDriver.Sent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The recording driver is what proves that explain and execution agree, so it must not miss a statement: every way
 * JDBC sends one is logged, with its bound values, and nothing that is not a statement is.
 */
class RecordingDriverTest {

    private final String url = RecordingDriver.url("jdbc:h2:mem:recording_" + System.nanoTime()
            + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE");

    private Connection connect() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "sa");
        info.setProperty("password", "");
        return new RecordingDriver().connect(url, info);
    }

    private static Sent text(String sql) {
        return new Sent(sql, List.of());
    }

    private static Sent prepared(String sql, Object... values) {
        return new Sent(sql, Arrays.asList(values));
    }

    @Test
    void everyWayOfSendingAStatementIsLoggedInOrderAndNothingElseIs() throws SQLException {
        assertThat(new RecordingDriver().connect("jdbc:h2:mem:x", new Properties())).as("not its URL").isNull();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10))");
            s.executeUpdate("INSERT INTO t VALUES (1, 'a')");
            s.executeUpdate("INSERT INTO t VALUES (2, 'b')", Statement.RETURN_GENERATED_KEYS);
            s.executeLargeUpdate("INSERT INTO t VALUES (3, 'c')", new String[] {"id"});
            try (ResultSet rs = s.executeQuery("SELECT * FROM t")) {
                assertThat(rs.next()).isTrue();
            }
            s.addBatch("UPDATE t SET name = 'x' WHERE id = 1");
            s.clearBatch(); // never sent
            s.addBatch("UPDATE t SET name = 'y' WHERE id = 2");
            s.addBatch("UPDATE t SET name = 'z' WHERE id = 3");
            s.executeBatch();
            c.setAutoCommit(false);
            c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement("UPDATE t SET name = ? WHERE id = ?")) {
                ps.setString(1, "p");
                ps.setInt(2, 1);
                ps.executeUpdate();
                ps.setNull(1, Types.VARCHAR);
                ps.execute();
                ps.clearParameters();
                ps.setObject(1, "q");
                ps.setLong(2, 2L);
                ps.addBatch();
                ps.setObject(2, 3L, Types.BIGINT);
                ps.addBatch();
                ps.executeLargeBatch();
            }
            c.commit();
            // A statement reached through another statement's connection is still this connection's.
            s.getConnection().createStatement().execute("DELETE FROM t WHERE id = 3");
            assertThatThrownBy(() -> s.execute("SELECT nothing FROM t")).isInstanceOf(SQLException.class);
        }
        assertThat(RecordingDriver.sentTo(url)).containsExactly(
                text("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10))"),
                text("INSERT INTO t VALUES (1, 'a')"),
                text("INSERT INTO t VALUES (2, 'b')"),
                text("INSERT INTO t VALUES (3, 'c')"),
                text("SELECT * FROM t"),
                text("UPDATE t SET name = 'y' WHERE id = 2"),
                text("UPDATE t SET name = 'z' WHERE id = 3"),
                prepared("UPDATE t SET name = ? WHERE id = ?", "p", 1),
                prepared("UPDATE t SET name = ? WHERE id = ?", null, 1),
                prepared("UPDATE t SET name = ? WHERE id = ?", "q", 2L),
                prepared("UPDATE t SET name = ? WHERE id = ?", "q", 3L),
                text("DELETE FROM t WHERE id = 3"),
                // Refused by the database, but sent.
                text("SELECT nothing FROM t"));
        RecordingDriver.clear(url);
        assertThat(RecordingDriver.sentTo(url)).isEmpty();
    }

    @Test
    void aValueNotSetBelowOneThatIsShowsAsNotSet() throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT ?, ?")) {
            ps.setInt(2, 5);
            assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class);
        }
        assertThat(RecordingDriver.sentTo(url)).containsExactly(prepared("SELECT ?, ?", RecordingDriver.NOT_SET, 5));
    }
}
