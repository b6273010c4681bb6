package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.jdbc.testing.H2Shards;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A prepared statement's setXxx calls are recorded and replayed onto the shard's statement: whatever setter the
 * application called, the shard stores what the same call stores on the database directly. Each test compares a
 * row written through Shard with one written by the same calls on the physical database, on one shard, on
 * several (broadcast), again after the parameters changed, and in batches.
 */
class RecordedSettersTest {

    private static final String COLUMNS = "c_int, c_str, c_nstr, c_dec, c_date, c_time, c_ts, c_null, c_text,"
            + " c_bin, c_obj, c_short";
    private static final String INSERT_VALUES = "(id, user_id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?)";
    private static final Calendar FAR_ZONE = Calendar.getInstance(TimeZone.getTimeZone("Pacific/Kiritimati"));

    private final H2Shards shards = new H2Shards("recorded_setters_" + System.nanoTime());
    private ShardingDataSource ds;
    private long userOn0;
    private long userOn1;

    @BeforeEach
    void start() throws SQLException {
        ds = new ShardingDataSource(shards.config(2).shardedTable("t_values", "user_id").broadcastTables("t_copy")
                .build());
        String columns = " (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, c_int INT, c_str VARCHAR(50),"
                + " c_nstr VARCHAR(50), c_dec DECIMAL(12,2), c_date DATE, c_time TIME, c_ts TIMESTAMP,"
                + " c_null VARCHAR(10), c_text VARCHAR(100), c_bin VARBINARY(20), c_obj VARCHAR(20), c_short SMALLINT)";
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_values" + columns);
            s.execute("CREATE TABLE t_copy" + columns);
        }
        userOn0 = userOn("ds0");
        userOn1 = userOn("ds1");
    }

    @AfterEach
    void stop() throws SQLException {
        ds.close();
        for (int i = 0; i < 2; i++) {
            try (Connection c = direct(i); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
        }
    }

    private long userOn(String shard) throws SQLException {
        for (long user = 1; ; user++) {
            if (ds.explain("SELECT * FROM t_values WHERE user_id = ?", user).shards().get(0).equals(shard)) {
                return user;
            }
        }
    }

    private Connection direct(int shard) throws SQLException {
        return DriverManager.getConnection(shards.url(shard), "sa", "");
    }

    /**
     * Parameters 3 on, each with a setter of another kind: those recorded as a value and a kind, and those
     * recorded as the call (typed NULL with a type name, calendars, streams, setObject with a scale or a JDBCType).
     * Streams only where the statement runs on one shard: a stream can be read once.
     */
    private static void setColumns(PreparedStatement ps, boolean streams) throws SQLException {
        ps.setObject(3, "42", Types.INTEGER);
        ps.setString(4, "plain 'text'");
        ps.setNString(5, "nätional");
        ps.setObject(6, new BigDecimal("3.14159"), Types.DECIMAL, 2);
        ps.setDate(7, Date.valueOf("2024-02-29"), FAR_ZONE);
        ps.setTime(8, Time.valueOf("23:30:00"), FAR_ZONE);
        ps.setTimestamp(9, Timestamp.valueOf("2024-03-01 00:30:00.5"), FAR_ZONE);
        ps.setNull(10, Types.VARCHAR, "VARCHAR");
        if (streams) {
            ps.setCharacterStream(11, new StringReader("from a reader"), 13);
            ps.setBinaryStream(12, new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
        } else {
            ps.setObject(11, "from a reader");
            ps.setBytes(12, new byte[] {1, 2, 3});
        }
        ps.setObject(13, 7, JDBCType.VARCHAR);
        ps.setShort(14, (short) -300);
    }

    /** The row's values after id and user_id, as comparable objects. */
    private List<Object> row(int shard, String table, long id) throws SQLException {
        try (Connection c = direct(shard);
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %d on ds%d", id, shard).isTrue();
                List<Object> values = new ArrayList<>();
                for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                    Object value = rs.getObject(column);
                    values.add(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value);
                }
                return values;
            }
        }
    }

    private void insertDirectly(int shard, String table, long id, long user, boolean streams) throws SQLException {
        try (Connection c = direct(shard);
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " " + INSERT_VALUES)) {
            ps.setLong(1, id);
            ps.setLong(2, user);
            setColumns(ps, streams);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private List<String> strings(int shard) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = direct(shard); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, c_str FROM t_values ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + "=" + rs.getString(2));
            }
        }
        return rows;
    }

    @Test
    void eachSetterStoresOnTheShardWhatItStoresDirectly() throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO t_values " + INSERT_VALUES)) {
            ps.setLong(1, 1);
            ps.setObject(2, userOn1, Types.BIGINT); // the routing key, recorded with its SQL type
            setColumns(ps, true);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        insertDirectly(1, "t_values", 2, userOn1, true);
        assertThat(row(1, "t_values", 1)).isEqualTo(row(1, "t_values", 2)).contains(42, "plain 'text'", "nätional",
                new BigDecimal("3.14"), "from a reader", "010203", "7");
    }

    @Test
    void aStatementOnSeveralShardsReplaysTheSameCallsOnEach() throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO t_copy " + INSERT_VALUES)) {
            ps.setLong(1, 1);
            ps.setInt(2, 5);
            setColumns(ps, false);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        insertDirectly(0, "t_copy", 2, 5, false);
        for (int shard = 0; shard < 2; shard++) {
            assertThat(row(shard, "t_copy", 1)).as("ds%d", shard).isEqualTo(row(0, "t_copy", 2));
        }
        // A query on both shards, its parameter converted by each shard's driver as the application asked.
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM t_copy WHERE c_int = ? AND c_obj = ?")) {
            ps.setObject(1, "42", Types.INTEGER);
            ps.setObject(2, 7, JDBCType.VARCHAR);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("one copy per shard").isEqualTo(2);
            }
        }
    }

    /** What a test does with a row once its parameters are set: execute it, or add it to the batch. */
    @FunctionalInterface
    private interface RowAction {
        void send() throws SQLException;
    }

    /**
     * Rows {@code firstId} (c_str "first", on ds0) and {@code firstId + 1} (NULL, on ds1), each parameter set with
     * another setter than for the row before.
     */
    private void sendTwoRows(PreparedStatement ps, long firstId, RowAction action) throws SQLException {
        ps.setLong(1, firstId);
        ps.setLong(2, userOn0);
        ps.setString(3, "first");
        action.send();
        ps.setInt(1, (int) firstId + 1);
        ps.setObject(2, userOn1, Types.BIGINT);
        ps.setNull(3, Types.VARCHAR);
        action.send();
    }

    @Test
    void aReExecutionSendsTheParametersAsLastSetWhateverTheirSetterBefore() throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO t_values (id, user_id, c_str) VALUES (?, ?, ?)")) {
            sendTwoRows(ps, 1, ps::executeUpdate);
            ps.setObject(1, 3L);
            ps.setInt(2, (int) userOn0);
            ps.setCharacterStream(3, new StringReader("c"));
            ps.executeUpdate();
            ps.setBigDecimal(1, BigDecimal.valueOf(4));
            ps.setObject(2, userOn1);
            ps.setObject(3, 44, Types.VARCHAR);
            ps.executeUpdate();
            ps.clearParameters();
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                    .hasMessageContaining("Parameter 2 is not set"); // the shard key, which routing reads first
            ps.setLong(1, 5);
            ps.setLong(2, userOn1);
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                    .hasMessageContaining("Parameter 3 is not set");
        }
        assertThat(strings(0)).containsExactly("1=first", "3=c");
        assertThat(strings(1)).containsExactly("2=null", "4=44");
    }

    @Test
    void eachBatchEntryKeepsTheValuesAndSettersItWasAddedWith() throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO t_values (id, user_id, c_str) VALUES (?, ?, ?)")) {
            sendTwoRows(ps, 10, ps::addBatch);
            ps.setLong(1, 12); // user_id stays as set for the entry before
            ps.setObject(3, "third");
            ps.addBatch();
            ps.clearParameters();
            ps.setLong(1, 13);
            assertThatThrownBy(ps::addBatch).isInstanceOf(SQLException.class)
                    .hasMessageContaining("Parameter 2 is not set");
            ps.setLong(2, userOn0);
            ps.setCharacterStream(3, new StringReader("fourth"));
            ps.addBatch();
            ps.setString(3, "set after the last addBatch");
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1, 1);
        }
        assertThat(strings(0)).containsExactly("10=first", "13=fourth");
        assertThat(strings(1)).containsExactly("11=null", "12=third");
    }
}
