package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ResultSets;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ResultSet a scatter query returns (rows merged from several shards), read as an application reads it: every
 * getter by index and by label, NULL handling, metadata with the rewrite's derived columns hidden, the
 * forward-only/read-only contract, cursor position, closing, and the Statement methods around it. Four embedded
 * H2 databases in MySQL mode, and a fifth, unsharded, as the reference for what one database would answer.
 *
 * <p>t_all is sharded by user_id; row {@code id} (1..8) belongs to a user on shard {@code (id - 1) % 4}, so
 * {@code ORDER BY id} interleaves all four shards. Row 5 has NULL in every nullable column.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScatterResultSetTest {

    static final int SHARDS = 4;
    static final int ROWS = 8;
    static final int NULL_ROW = 5;
    static final List<String> NAMES = List.of("ds0", "ds1", "ds2", "ds3");
    static final String[] STATUSES = {"a", "b", "c"};

    static final String DDL = "CREATE TABLE t_all (id BIGINT NOT NULL, user_id BIGINT NOT NULL, c_int INT,"
            + " c_small SMALLINT, amount DECIMAL(12,2), c_double DOUBLE, status VARCHAR(20) NOT NULL, c_bool BOOLEAN,"
            + " c_date DATE, c_ts TIMESTAMP, c_bin VARBINARY(16), note VARCHAR(50), PRIMARY KEY (id))";
    static final String ALL_COLUMNS = "id, user_id, c_int, c_small, amount, c_double, status, c_bool, c_date, c_ts,"
            + " c_bin, note";
    /** Columns 1..12 of {@link #ALL_COLUMNS}. */
    static final int ID = 1, USER = 2, INT = 3, SMALL = 4, AMOUNT = 5, DOUBLE = 6, STATUS = 7, BOOL = 8, DATE = 9,
            TS = 10, BIN = 11, NOTE = 12;

    private final String prefix = "scatter_rs_" + System.nanoTime();
    ShardingDataSource ds;
    Connection reference;
    /** user_id of row id (index id - 1). */
    final long[] userOfRow = new long[ROWS];

    String url(String database) {
        return "jdbc:h2:mem:" + prefix + "_" + database + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    @BeforeAll
    void setUp() throws Exception {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            // A leaked physical connection fails in seconds, not a hang; 10 s is ample on a busy machine.
            builder.dataSource(NAMES.get(i), Map.of("jdbcUrl", url("shard" + i), "username", "sa", "password", "",
                    "maximumPoolSize", "4", "minimumIdle", "0", "connectionTimeout", "10000"));
        }
        ds = new ShardingDataSource(builder.defaultDataSource("ds0").shardedTable("t_all", "user_id")
                .shardedTable("t_broken", "user_id").shardedTable("t_dup", "user_id").build());
        reference = DriverManager.getConnection(url("reference"), "sa", "");

        Map<String, List<Long>> usersByShard = new LinkedHashMap<>();
        NAMES.forEach(name -> usersByShard.put(name, new ArrayList<>()));
        for (long user = 1; usersByShard.values().stream().anyMatch(l -> l.size() < 2); user++) {
            String shard = ds.explain("SELECT * FROM t_all WHERE user_id = ?", user).shards().get(0);
            usersByShard.get(shard).add(user);
        }
        for (int id = 1; id <= ROWS; id++) {
            userOfRow[id - 1] = usersByShard.get(NAMES.get((id - 1) % SHARDS)).get((id - 1) / SHARDS);
        }

        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            s.execute(DDL);
            r.execute(DDL);
            String insert = "INSERT INTO t_all (" + ALL_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            try (PreparedStatement ps = c.prepareStatement(insert);
                 PreparedStatement rs = reference.prepareStatement(insert)) {
                for (int id = 1; id <= ROWS; id++) {
                    bindRow(ps, id);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    bindRow(rs, id);
                    rs.executeUpdate();
                }
            }
        }
        // The rows really are spread: every shard holds two.
        for (int i = 0; i < SHARDS; i++) {
            try (Connection c = DriverManager.getConnection(url("shard" + i), "sa", "");
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t_all")) {
                rs.next();
                assertThat(rs.getInt(1)).as("rows on shard %d", i).isEqualTo(2);
            }
        }
    }

    void bindRow(PreparedStatement ps, int id) throws SQLException {
        boolean nulls = id == NULL_ROW;
        ps.setLong(1, id);
        ps.setLong(2, userOfRow[id - 1]);
        ps.setObject(3, nulls ? null : id * 10, Types.INTEGER);
        ps.setObject(4, nulls ? null : (short) id, Types.SMALLINT);
        ps.setBigDecimal(5, nulls ? null : new BigDecimal(id + ".25"));
        ps.setObject(6, nulls ? null : id * 1.5, Types.DOUBLE);
        ps.setString(7, STATUSES[id % 3]);
        ps.setObject(8, nulls ? null : id % 2 == 0, Types.BOOLEAN);
        ps.setDate(9, nulls ? null : Date.valueOf(date(id)));
        ps.setTimestamp(10, nulls ? null : Timestamp.valueOf(timestamp(id)));
        ps.setBytes(11, nulls ? null : new byte[] {(byte) id, (byte) (id + 1)});
        ps.setString(12, nulls ? null : "note-" + id);
    }

    static LocalDate date(int id) {
        return LocalDate.of(2024, 1, id);
    }

    /** Row 3 has fractional seconds. */
    static LocalDateTime timestamp(int id) {
        return LocalDateTime.of(2024, 1, id, 10, 30, 0, id == 3 ? 123_000_000 : 0);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (ds != null) {
            ds.close();
        }
        for (int i = 0; i < SHARDS; i++) {
            try (Connection c = DriverManager.getConnection(url("shard" + i), "sa", "")) {
                c.createStatement().execute("SHUTDOWN");
            }
        }
        if (reference != null) {
            reference.createStatement().execute("SHUTDOWN");
            reference.close();
        }
    }

    /** Every test gives back every physical connection it borrowed once its logical connection is closed. */
    @AfterEach
    void nothingLeaks() {
        assertThat(activeConnections()).as("active connections per pool after the test").containsOnly(0);
    }

    List<Integer> activeConnections() {
        List<Integer> active = new ArrayList<>();
        for (String name : NAMES) {
            active.add(ds.runtime().pool(name).getHikariPoolMXBean().getActiveConnections());
        }
        return active;
    }

    static String scatterAll() {
        return "SELECT " + ALL_COLUMNS + " FROM t_all ORDER BY id";
    }

    /** Positions {@code rs} on the row with this id, reading forward. */
    static void moveTo(ResultSet rs, int id) throws SQLException {
        while (rs.next()) {
            if (rs.getLong(ID) == id) {
                return;
            }
        }
        throw new AssertionError("no row " + id);
    }

    // ------------------------------------------------------------------ getters

    @Test
    void theScatterQueryReturnsEveryRowInTheRequestedOrder() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM t_all ORDER BY id DESC")) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            assertThat(ids).containsExactly(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
            assertThat(activeConnections()).as("a scatter query borrows on every shard").containsOnly(1);
        }
    }

    @Test
    void gettersByIndexConvertEveryColumnType() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(scatterAll())) {
            moveTo(rs, 2);
            // BIGINT
            assertThat(rs.getLong(ID)).isEqualTo(2L);
            assertThat(rs.getInt(ID)).isEqualTo(2);
            assertThat(rs.getShort(ID)).isEqualTo((short) 2);
            assertThat(rs.getByte(ID)).isEqualTo((byte) 2);
            assertThat(rs.getDouble(ID)).isEqualTo(2.0);
            assertThat(rs.getFloat(ID)).isEqualTo(2.0f);
            assertThat(rs.getBigDecimal(ID)).isEqualByComparingTo("2");
            assertThat(rs.getString(ID)).isEqualTo("2");
            assertThat(rs.getBoolean(ID)).isTrue();
            assertThat(rs.getObject(ID)).isEqualTo(2L);
            assertThat(rs.getLong(USER)).isEqualTo(userOfRow[1]);
            // INT, SMALLINT
            assertThat(rs.getInt(INT)).isEqualTo(20);
            assertThat(rs.getLong(INT)).isEqualTo(20L);
            assertThat(rs.getString(INT)).isEqualTo("20");
            assertThat(rs.getObject(INT)).isEqualTo(20);
            assertThat(rs.getShort(SMALL)).isEqualTo((short) 2);
            assertThat(rs.getInt(SMALL)).isEqualTo(2);
            assertThat(rs.getByte(SMALL)).isEqualTo((byte) 2);
            assertThat(((Number) rs.getObject(SMALL)).intValue()).isEqualTo(2);
            // DECIMAL(12,2): integer getters truncate the fraction, as Connector/J does
            assertThat(rs.getBigDecimal(AMOUNT)).isEqualTo(new BigDecimal("2.25"));
            assertThat(rs.getString(AMOUNT)).isEqualTo("2.25");
            assertThat(rs.getDouble(AMOUNT)).isEqualTo(2.25);
            assertThat(rs.getFloat(AMOUNT)).isEqualTo(2.25f);
            assertThat(rs.getInt(AMOUNT)).isEqualTo(2);
            assertThat(rs.getLong(AMOUNT)).isEqualTo(2L);
            assertThat(rs.getObject(AMOUNT)).isEqualTo(new BigDecimal("2.25"));
            // DOUBLE
            assertThat(rs.getDouble(DOUBLE)).isEqualTo(3.0);
            assertThat(rs.getFloat(DOUBLE)).isEqualTo(3.0f);
            assertThat(rs.getBigDecimal(DOUBLE)).isEqualByComparingTo("3");
            assertThat(rs.getInt(DOUBLE)).isEqualTo(3);
            assertThat(rs.getString(DOUBLE)).isEqualTo("3.0");
            assertThat(rs.getObject(DOUBLE)).isEqualTo(3.0);
            // VARCHAR
            assertThat(rs.getString(STATUS)).isEqualTo("c");
            assertThat(rs.getNString(STATUS)).isEqualTo("c");
            assertThat(rs.getBytes(STATUS)).isEqualTo("c".getBytes(StandardCharsets.UTF_8));
            assertThat(rs.getString(NOTE)).isEqualTo("note-2");
            // BOOLEAN: MySQL's BOOLEAN is TINYINT(1), which Connector/J reads as 1/0 for numbers and text
            assertThat(rs.getBoolean(BOOL)).isTrue();
            assertThat(rs.getInt(BOOL)).isEqualTo(1);
            assertThat(rs.getByte(BOOL)).isEqualTo((byte) 1);
            assertThat(rs.getString(BOOL)).isEqualTo("1");
            assertThat(rs.getObject(BOOL)).isEqualTo(true);
            // DATE
            assertThat(rs.getDate(DATE)).isEqualTo(Date.valueOf("2024-01-02"));
            assertThat(rs.getTimestamp(DATE)).isEqualTo(Timestamp.valueOf("2024-01-02 00:00:00"));
            assertThat(rs.getString(DATE)).isEqualTo("2024-01-02");
            assertThat(rs.getObject(DATE)).isEqualTo(Date.valueOf("2024-01-02"));
            // TIMESTAMP
            assertThat(rs.getTimestamp(TS)).isEqualTo(Timestamp.valueOf("2024-01-02 10:30:00"));
            assertThat(rs.getDate(TS)).isEqualTo(Date.valueOf("2024-01-02"));
            assertThat(rs.getTime(TS)).isEqualTo(Time.valueOf("10:30:00"));
            assertThat(rs.getString(TS)).as("MySQL's DATETIME text: no fraction when there is none")
                    .isEqualTo("2024-01-02 10:30:00");
            assertThat(rs.getObject(TS)).isEqualTo(Timestamp.valueOf("2024-01-02 10:30:00"));
            // VARBINARY
            assertThat(rs.getBytes(BIN)).containsExactly(2, 3);
            assertThat(rs.getObject(BIN)).isEqualTo(new byte[] {2, 3});
            assertThat(rs.getBinaryStream(BIN).readAllBytes()).containsExactly(2, 3);
            assertThat(rs.getBlob(BIN).getBytes(1, 2)).containsExactly(2, 3);

            moveTo(rs, 3);
            assertThat(rs.getString(TS)).isEqualTo("2024-01-03 10:30:00.123");
            assertThat(rs.getTimestamp(TS)).isEqualTo(Timestamp.valueOf("2024-01-03 10:30:00.123"));
            assertThat(rs.getBoolean(BOOL)).isFalse();
            assertThat(rs.getInt(BOOL)).isZero();
            assertThat(rs.getString(BOOL)).isEqualTo("0");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void gettersByLabelMatchGettersByIndexIgnoringCase() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(scatterAll())) {
            moveTo(rs, 2);
            assertThat(rs.getLong("ID")).isEqualTo(2L);
            assertThat(rs.getInt("Id")).isEqualTo(2);
            assertThat(rs.getShort("c_small")).isEqualTo((short) 2);
            assertThat(rs.getByte("C_SMALL")).isEqualTo((byte) 2);
            assertThat(rs.getInt("c_int")).isEqualTo(20);
            assertThat(rs.getBigDecimal("Amount")).isEqualTo(new BigDecimal("2.25"));
            assertThat(rs.getDouble("c_double")).isEqualTo(3.0);
            assertThat(rs.getFloat("c_double")).isEqualTo(3.0f);
            assertThat(rs.getString("STATUS")).isEqualTo("c");
            assertThat(rs.getBoolean("c_bool")).isTrue();
            assertThat(rs.getBytes("c_bin")).containsExactly(2, 3);
            assertThat(rs.getDate("c_date")).isEqualTo(Date.valueOf("2024-01-02"));
            assertThat(rs.getTime("c_ts")).isEqualTo(Time.valueOf("10:30:00"));
            assertThat(rs.getTimestamp("C_TS")).isEqualTo(Timestamp.valueOf("2024-01-02 10:30:00"));
            assertThat(rs.getObject("note")).isEqualTo("note-2");
            assertThat(rs.getObject("amount", BigDecimal.class)).isEqualTo(new BigDecimal("2.25"));
            assertThat(rs.getObject("c_date", LocalDate.class)).isEqualTo(date(2));

            assertThat(rs.findColumn("id")).isEqualTo(ID);
            assertThat(rs.findColumn("NOTE")).isEqualTo(NOTE);
            assertThat(rs.findColumn("C_Ts")).isEqualTo(TS);
            assertThatThrownBy(() -> rs.findColumn("no_such_column")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no_such_column");
            assertThatThrownBy(() -> rs.getString("no_such_column")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no_such_column");
        }
    }

    /**
     * getDate/getTime/getTimestamp with a Calendar read the stored wall-clock value in the calendar's zone, by index
     * and by label, exactly as the shard's own (H2) result set does for a single-shard route.
     */
    @Test
    void calendarGettersAnswerAsASingleShardResultDoes() throws SQLException {
        // A zone whose offset differs from the JVM's in January 2024, so that ignoring the calendar would show.
        Instant january = Instant.parse("2024-01-05T00:00:00Z");
        ZoneId zone = ZoneId.of("Asia/Kathmandu");
        if (zone.getRules().getOffset(january).equals(ZoneId.systemDefault().getRules().getOffset(january))) {
            zone = ZoneId.of("America/St_Johns");
        }
        Calendar calendar = Calendar.getInstance(TimeZone.getTimeZone(zone));
        Map<Long, List<Object>> merged = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(scatterAll())) {
            assertThat(rs.isWrapperFor(org.h2.jdbc.JdbcResultSet.class)).as("a merged result").isFalse();
            while (rs.next()) {
                merged.put(rs.getLong(ID), calendarGetters(rs, calendar));
            }
        }
        assertThat(merged).hasSize(ROWS);
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + ALL_COLUMNS + " FROM t_all WHERE user_id = ?"
                     + " AND id = ?")) {
            for (int id = 1; id <= ROWS; id++) {
                ps.setLong(1, userOfRow[id - 1]);
                ps.setLong(2, id);
                try (ResultSet single = ps.executeQuery()) {
                    assertThat(single.isWrapperFor(org.h2.jdbc.JdbcResultSet.class)).as("the shard's own result")
                            .isTrue();
                    assertThat(single.next()).isTrue();
                    assertThat(merged.get((long) id)).as("row %d: merged, then single-shard", id)
                            .isEqualTo(calendarGetters(single, calendar));
                }
            }
        }
        assertThat(merged.get(3L).get(0)).as("row 3's c_ts read in " + zone)
                .isEqualTo(Timestamp.from(timestamp(3).atZone(zone).toInstant()))
                .isNotEqualTo(Timestamp.valueOf(timestamp(3)));
    }

    static List<Object> calendarGetters(ResultSet rs, Calendar calendar) throws SQLException {
        // Arrays.asList: row 5 is NULL throughout.
        return Arrays.asList(rs.getTimestamp(TS, calendar), rs.getDate(TS, calendar), rs.getTime(TS, calendar),
                rs.getDate(DATE, calendar), rs.getTimestamp(DATE, calendar), rs.getTimestamp("c_ts", calendar),
                rs.getDate("C_DATE", calendar), rs.getTime("c_ts", calendar), rs.getTimestamp(TS, null));
    }

    @Test
    void getObjectWithATypeConverts() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(scatterAll())) {
            moveTo(rs, 2);
            assertThat(rs.getObject(ID, String.class)).isEqualTo("2");
            assertThat(rs.getObject(AMOUNT, String.class)).isEqualTo("2.25");
            assertThat(rs.getObject(DATE, String.class)).isEqualTo("2024-01-02");
            assertThat(rs.getObject(TS, String.class)).isEqualTo("2024-01-02 10:30:00");
            assertThat(rs.getObject(NOTE, String.class)).isEqualTo("note-2");

            assertThat(rs.getObject(ID, Long.class)).isEqualTo(2L);
            assertThat(rs.getObject(INT, Long.class)).isEqualTo(20L);
            assertThat(rs.getObject(SMALL, Long.class)).isEqualTo(2L);
            assertThat(rs.getObject(AMOUNT, Long.class)).isEqualTo(2L);

            assertThat(rs.getObject(ID, Integer.class)).isEqualTo(2);
            assertThat(rs.getObject(INT, Integer.class)).isEqualTo(20);
            assertThat(rs.getObject(DOUBLE, Integer.class)).isEqualTo(3);

            assertThat(rs.getObject(AMOUNT, BigDecimal.class)).isEqualTo(new BigDecimal("2.25"));
            assertThat(rs.getObject(ID, BigDecimal.class)).isEqualByComparingTo("2");
            assertThat(rs.getObject(DOUBLE, BigDecimal.class)).isEqualByComparingTo("3");

            assertThat(rs.getObject(DATE, LocalDate.class)).isEqualTo(date(2));
            assertThat(rs.getObject(TS, LocalDate.class)).isEqualTo(date(2));
            assertThat(rs.getObject(TS, LocalDateTime.class)).isEqualTo(timestamp(2));
            assertThat(rs.getObject(DATE, LocalDateTime.class)).isEqualTo(date(2).atStartOfDay());
            assertThat(rs.getObject(TS, OffsetDateTime.class))
                    .isEqualTo(timestamp(2).atZone(ZoneId.systemDefault()).toOffsetDateTime());

            assertThat(rs.getObject(BOOL, Boolean.class)).isTrue();
            assertThat(rs.getObject(INT, Boolean.class)).isTrue();
            assertThat(rs.getObject(BIN, byte[].class)).containsExactly(2, 3);

            // Conversions that cannot work are SQLExceptions naming the column, never a RuntimeException.
            assertThatThrownBy(() -> rs.getObject(STATUS, Integer.class)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("column " + STATUS);
            assertThatThrownBy(() -> rs.getObject(NOTE, LocalDate.class)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> rs.getObject(DATE, java.util.UUID.class)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> rs.getObject(ID, (Class<?>) null)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> rs.getInt(STATUS)).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void everyGetterOnEveryColumnReturnsOrThrowsSqlExceptionButNothingElse() throws SQLException {
        List<Class<?>> types = List.of(String.class, Long.class, Integer.class, Short.class, Byte.class,
                Double.class, Float.class, Boolean.class, BigDecimal.class, java.math.BigInteger.class, byte[].class,
                LocalDate.class, LocalDateTime.class, java.time.LocalTime.class, OffsetDateTime.class,
                java.time.ZonedDateTime.class, java.time.Instant.class, Date.class, Time.class, Timestamp.class,
                java.util.Date.class, long.class, int.class, boolean.class, Object.class);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(scatterAll())) {
            while (rs.next()) {
                for (int column = 1; column <= 12; column++) {
                    int i = column;
                    List<ThrowingCallable> getters = new ArrayList<>(List.of(
                            () -> rs.getString(i), () -> rs.getInt(i), () -> rs.getLong(i), () -> rs.getShort(i),
                            () -> rs.getByte(i), () -> rs.getDouble(i), () -> rs.getFloat(i),
                            () -> rs.getBigDecimal(i), () -> rs.getBoolean(i), () -> rs.getBytes(i),
                            () -> rs.getDate(i), () -> rs.getTime(i), () -> rs.getTimestamp(i), () -> rs.getObject(i),
                            () -> rs.getNString(i), () -> rs.getCharacterStream(i), () -> rs.getAsciiStream(i),
                            () -> rs.getBinaryStream(i), () -> rs.getBlob(i), () -> rs.getClob(i),
                            () -> rs.getNClob(i), () -> rs.getURL(i), () -> rs.getArray(i), () -> rs.getRef(i),
                            () -> rs.getRowId(i), () -> rs.getSQLXML(i)));
                    for (Class<?> type : types) {
                        getters.add(() -> rs.getObject(i, type));
                    }
                    for (ThrowingCallable getter : getters) {
                        try {
                            getter.call();
                        } catch (SQLException expected) {
                            assertThat(expected.getMessage()).as("message of a refused conversion").isNotBlank();
                        } catch (Throwable e) {
                            throw new AssertionError("column " + i + " of row " + rs.getLong(1) + ": " + e, e);
                        }
                    }
                }
            }
        }
    }

    @Test
    void nullsReadAsNullOrZeroAndWasNullFollowsTheLastGetter() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(scatterAll())) {
            moveTo(rs, NULL_ROW);
            assertThat(rs.wasNull()).as("after the non-NULL id").isFalse();
            for (int column : new int[] {INT, SMALL, AMOUNT, DOUBLE, BOOL, DATE, TS, BIN, NOTE}) {
                assertThat(rs.getObject(column)).isNull();
                assertThat(rs.wasNull()).as("column %d", column).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(NULL_ROW);
                assertThat(rs.wasNull()).isFalse();
                assertThat(rs.getString(column)).isNull();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.getInt(column)).isZero();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.getLong(column)).isZero();
                assertThat(rs.getShort(column)).isZero();
                assertThat(rs.getByte(column)).isZero();
                assertThat(rs.getDouble(column)).isZero();
                assertThat(rs.getFloat(column)).isZero();
                assertThat(rs.getBoolean(column)).isFalse();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.getBigDecimal(column)).isNull();
                assertThat(rs.getBytes(column)).isNull();
                assertThat(rs.getDate(column)).isNull();
                assertThat(rs.getTime(column)).isNull();
                assertThat(rs.getTimestamp(column)).isNull();
                assertThat(rs.getObject(column, Long.class)).isNull();
                assertThat(rs.getObject(column, LocalDateTime.class)).isNull();
                assertThat(rs.getObject(column, Boolean.class)).isNull();
                assertThat(rs.wasNull()).isTrue();
            }
            assertThat(rs.getString("status")).isEqualTo(STATUSES[NULL_ROW % 3]);
            assertThat(rs.wasNull()).isFalse();
            assertThat(rs.getInt("c_int")).isZero();
            assertThat(rs.wasNull()).as("by label").isTrue();
            rs.next();
            assertThat(rs.getInt("c_int")).isEqualTo(60);
            assertThat(rs.wasNull()).isFalse();
        }
    }

    // ------------------------------------------------------------------ metadata

    @Test
    void metadataHidesDerivedColumnsAndKeepsLabelsAndTypes() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // The shards return order_no and amount (to sort by); the user selected one column.
            try (ResultSet rs = s.executeQuery("SELECT id FROM t_all ORDER BY amount DESC")) {
                ResultSetMetaData md = rs.getMetaData();
                assertThat(md.getColumnCount()).isEqualTo(1);
                assertThat(md.getColumnLabel(1)).isEqualToIgnoringCase("id");
                assertThat(md.getColumnType(1)).isEqualTo(Types.BIGINT);
                assertThatThrownBy(() -> md.getColumnLabel(2)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("out of range");
                assertThatThrownBy(() -> rs.findColumn("amount")).as("a derived column is not visible")
                        .isInstanceOf(SQLException.class);
                List<Long> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    assertThatThrownBy(() -> rs.getObject(2)).isInstanceOf(SQLException.class);
                }
                // Amounts rise with id; row 5's NULL amount sorts last in descending order (MySQL: NULL lowest).
                assertThat(ids).containsExactly(8L, 7L, 6L, 4L, 3L, 2L, 1L, 5L);
            }
            try (ResultSet rs = s.executeQuery("SELECT id AS order_no, amount, status AS State, c_ts FROM t_all"
                    + " ORDER BY c_date DESC, note")) {
                ResultSetMetaData md = rs.getMetaData();
                assertThat(md.getColumnCount()).isEqualTo(4);
                assertThat(md.getColumnLabel(1)).isEqualToIgnoringCase("order_no");
                assertThat(md.getColumnLabel(2)).isEqualToIgnoringCase("amount");
                assertThat(md.getColumnLabel(3)).isEqualToIgnoringCase("state");
                assertThat(md.getColumnType(1)).isEqualTo(Types.BIGINT);
                assertThat(md.getColumnType(2)).isEqualTo(Types.DECIMAL);
                assertThat(md.getPrecision(2)).isEqualTo(12);
                assertThat(md.getScale(2)).isEqualTo(2);
                assertThat(md.getColumnType(3)).isEqualTo(Types.VARCHAR);
                assertThat(md.getColumnType(4)).isEqualTo(Types.TIMESTAMP);
                assertThat(md.isReadOnly(1)).isTrue();
                assertThat(md.isWritable(1)).isFalse();
                assertThat(rs.findColumn("ORDER_NO")).isEqualTo(1);
                assertThat(rs.findColumn("state")).isEqualTo(3);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("order_no")).isEqualTo(8L);
                // The metadata is a snapshot: still readable after the shards' results are exhausted and closed.
                while (rs.next()) {
                    assertThat(rs.getObject("order_no")).isNotNull();
                }
                assertThat(rs.getMetaData().getColumnLabel(1)).isEqualToIgnoringCase("order_no");
            }
        }
    }

    @Test
    void metadataOfRewrittenAggregatesShowsTheUsersLabelsAndTypes() throws SQLException {
        String sql = "SELECT status, AVG(amount), COUNT(DISTINCT user_id), SUM(c_int) AS total FROM t_all"
                + " GROUP BY status ORDER BY status";
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            // The shards returned status, SUM(amount), user_id, SUM(c_int) and COUNT(amount).
            assertThat(md.getColumnCount()).isEqualTo(4);
            assertThat(md.getColumnLabel(1)).isEqualToIgnoringCase("status");
            assertThat(md.getColumnLabel(2)).isEqualTo("AVG(amount)");
            assertThat(md.getColumnName(2)).isEqualTo("AVG(amount)");
            assertThat(md.getColumnLabel(3)).isEqualTo("COUNT(DISTINCT user_id)");
            assertThat(md.getColumnType(3)).isEqualTo(Types.BIGINT);
            assertThat(md.getColumnTypeName(3)).isEqualTo("BIGINT");
            assertThat(md.getColumnClassName(3)).isEqualTo(Long.class.getName());
            assertThat(md.getColumnLabel(4)).isEqualToIgnoringCase("total");
            assertThat(rs.findColumn("avg(AMOUNT)")).isEqualTo(2);
            assertThat(rs.findColumn("count(distinct USER_ID)")).isEqualTo(3);

            List<List<String>> actual = ResultSets.rows(rs);
            List<List<String>> expected;
            try (ResultSet r = reference.createStatement().executeQuery(sql)) {
                expected = ResultSets.rows(r);
            }
            assertThat(RoutingConformanceSuite.folded(actual)).isEqualTo(RoutingConformanceSuite.folded(expected));
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject(3)).as("COUNT(DISTINCT) reads as a Long, as its BIGINT type says")
                    .isInstanceOf(Long.class);
            assertThat(rs.getObject(3, Long.class)).isEqualTo(2L); // status a: ids 3 and 6
            assertThat(rs.getBigDecimal("AVG(amount)")).isEqualByComparingTo("4.75");
            // What getObject returns is what the metadata says it returns.
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                Object value = rs.getObject(i);
                assertThat(value).as("column %d", i).isNotNull();
                assertThat(value.getClass().getName()).as("class of column %d (%s)", i, md.getColumnLabel(i))
                        .isEqualTo(md.getColumnClassName(i));
            }
        }
    }

    /**
     * DISTINCT aggregates where the same values sit on several shards, in the same group and across groups: each
     * value counts once, as on one database. t_dup row k lives on shard k % 4.
     */
    @Test
    void distinctAggregatesMatchOneDatabaseWhenValuesRepeatAcrossShards() throws SQLException {
        String ddl = "CREATE TABLE t_dup (id BIGINT NOT NULL, user_id BIGINT NOT NULL, g VARCHAR(5) NOT NULL, v INT,"
                + " d DECIMAL(6,2), PRIMARY KEY (id))";
        // (shard, g, v, d): group a has v 1, 1, 1, 3, 2 and d 1.50 (three times), 0.75; group b has v 4 (three
        // times), 10 and d 2.25 (three times), 4.00 (twice).
        Object[][] rows = {
            {0, "a", 1, "1.50"}, {0, "a", 1, "1.50"}, {0, "b", 4, "2.25"},
            {1, "a", 1, "1.50"}, {1, "a", 3, null}, {1, "b", 4, "2.25"},
            {2, "a", 2, "0.75"}, {2, "b", null, "4.00"}, {2, "b", 10, "2.25"},
            {3, "b", 4, "4.00"},
        };
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            s.execute(ddl);
            r.execute(ddl);
            try {
                String insert = "INSERT INTO t_dup (id, user_id, g, v, d) VALUES (?, ?, ?, ?, ?)";
                try (PreparedStatement ps = c.prepareStatement(insert);
                     PreparedStatement rs = reference.prepareStatement(insert)) {
                    for (int id = 0; id < rows.length; id++) {
                        for (PreparedStatement target : List.of(ps, rs)) {
                            target.setLong(1, id);
                            // Row id of t_all sits on shard (id - 1) % 4: borrow its user for this shard.
                            target.setLong(2, userOfRow[(Integer) rows[id][0]]);
                            target.setString(3, (String) rows[id][1]);
                            target.setObject(4, rows[id][2], Types.INTEGER);
                            target.setBigDecimal(5, rows[id][3] == null ? null : new BigDecimal((String) rows[id][3]));
                            assertThat(target.executeUpdate()).isEqualTo(1);
                        }
                    }
                }
                assertThat(answer(reference, "SELECT AVG(DISTINCT v) <> AVG(v) FROM t_dup", List.of()))
                        .as("the data tells AVG(DISTINCT v) from AVG(v)").containsExactly(List.of("true"));
                Map<String, List<Object>> queries = new LinkedHashMap<>();
                queries.put("SELECT AVG(DISTINCT v), COUNT(DISTINCT v), SUM(DISTINCT v), AVG(v), MIN(DISTINCT v),"
                        + " MAX(DISTINCT d), COUNT(*) FROM t_dup", List.of());
                queries.put("SELECT g, AVG(DISTINCT d), AVG(d), COUNT(*) FROM t_dup GROUP BY g ORDER BY g", List.of());
                queries.put("SELECT g, AVG(DISTINCT v) AS a, MIN(DISTINCT d) FROM t_dup GROUP BY g"
                        + " HAVING AVG(DISTINCT v) > ? ORDER BY a DESC", List.of(1));
                queries.put("SELECT g, AVG(DISTINCT v) FROM t_dup WHERE v > ? GROUP BY g ORDER BY g", List.of(1));
                queries.put("SELECT AVG(DISTINCT v), MAX(DISTINCT v) FROM t_dup WHERE v < ?", List.of(0));
                for (Map.Entry<String, List<Object>> query : queries.entrySet()) {
                    String sql = query.getKey();
                    assertThat(answer(c, sql, query.getValue())).as(sql)
                            .isEqualTo(answer(reference, sql, query.getValue()))
                            .isNotEmpty();
                }
                try (ResultSet merged = s.executeQuery("SELECT g, AVG(DISTINCT v), min(distinct  v),"
                        + " MAX(DISTINCT d) AS top FROM t_dup GROUP BY g ORDER BY g")) {
                    ResultSetMetaData md = merged.getMetaData();
                    // Labels as written, as MySQL gives them; the shards saw x for AVG(DISTINCT x).
                    assertThat(md.getColumnLabel(2)).isEqualTo("AVG(DISTINCT v)");
                    assertThat(md.getColumnLabel(3)).isEqualTo("min(distinct  v)");
                    assertThat(md.getColumnLabel(4)).isEqualToIgnoringCase("top");
                    assertThat(md.getColumnType(2)).isEqualTo(Types.DECIMAL);
                    assertThat(md.getScale(2)).isEqualTo(4);
                    assertThat(merged.next()).isTrue();
                    assertThat(merged.getObject(2)).isEqualTo(new BigDecimal("2.0000"));
                    assertThat(merged.getObject(2).getClass().getName()).isEqualTo(md.getColumnClassName(2));
                    assertThat(merged.getInt(3)).isEqualTo(1);
                    assertThat(merged.next()).isTrue();
                    assertThat(merged.getBigDecimal("AVG(DISTINCT v)")).isEqualTo(new BigDecimal("7.0000"));
                    assertThat(merged.getBigDecimal("top")).isEqualByComparingTo("4.00");
                    assertThat(merged.next()).isFalse();
                }
            } finally {
                s.execute("DROP TABLE t_dup");
                r.execute("DROP TABLE t_dup");
            }
        }
    }

    /**
     * A query's rows with numbers rounded to MySQL's 4 decimal places of AVG (H2 gives AVG of integers as a
     * DOUBLE with all its digits) and strings case-folded.
     */
    private static List<List<String>> answer(Connection connection, String sql, List<Object> params)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                for (List<String> row : ResultSets.rows(rs)) {
                    List<String> cells = new ArrayList<>();
                    for (String cell : row) {
                        cells.add(cell == null ? null : cell.matches("-?\\d+(\\.\\d+)?")
                                ? new BigDecimal(cell).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                                        .toPlainString()
                                : cell.toLowerCase(java.util.Locale.ROOT));
                    }
                    rows.add(cells);
                }
            }
            return rows;
        }
    }

    // ------------------------------------------------------------------ forward-only, read-only, position

    @Test
    void isForwardOnlyAndReadOnlyAndRefusesTheRestWithTheReason() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(scatterAll())) {
            assertThat(rs.getType()).isEqualTo(ResultSet.TYPE_FORWARD_ONLY);
            assertThat(rs.getConcurrency()).isEqualTo(ResultSet.CONCUR_READ_ONLY);
            assertThat(rs.getFetchDirection()).isEqualTo(ResultSet.FETCH_FORWARD);
            assertThat(rs.next()).isTrue();
            Map<String, ThrowingCallable> forwardOnly = new LinkedHashMap<>();
            forwardOnly.put("previous", rs::previous);
            forwardOnly.put("absolute", () -> rs.absolute(1));
            forwardOnly.put("relative", () -> rs.relative(-1));
            forwardOnly.put("first", rs::first);
            forwardOnly.put("last", rs::last);
            forwardOnly.put("beforeFirst", rs::beforeFirst);
            forwardOnly.put("afterLast", rs::afterLast);
            forwardOnly.put("setFetchDirection", () -> rs.setFetchDirection(ResultSet.FETCH_REVERSE));
            forwardOnly.forEach((name, call) -> assertThatThrownBy(call).as(name)
                    .isInstanceOf(SQLFeatureNotSupportedException.class)
                    .hasMessageContaining(name).hasMessageContaining("forward-only"));
            Map<String, ThrowingCallable> readOnly = new LinkedHashMap<>();
            readOnly.put("updateString", () -> rs.updateString(1, "x"));
            readOnly.put("updateString", () -> rs.updateString("note", "x"));
            readOnly.put("updateLong", () -> rs.updateLong(1, 3));
            readOnly.put("updateNull", () -> rs.updateNull(1));
            readOnly.put("updateRow", rs::updateRow);
            readOnly.put("insertRow", rs::insertRow);
            readOnly.put("deleteRow", rs::deleteRow);
            readOnly.put("moveToInsertRow", rs::moveToInsertRow);
            readOnly.forEach((name, call) -> assertThatThrownBy(call).as(name)
                    .isInstanceOf(SQLFeatureNotSupportedException.class)
                    .hasMessageContaining(name).hasMessageContaining("read-only"));
            // Refusals leave the cursor where it was.
            assertThat(rs.getRow()).isEqualTo(1);
            assertThat(rs.getLong(1)).isEqualTo(1L);
        }
    }

    @Test
    void replacedAggregatesKeepTheLabelAsWritten() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status, avg( c_int ), Count(Distinct user_id) FROM t_all"
                     + " GROUP BY status")) {
            assertThat(rs.getMetaData().getColumnLabel(2)).isEqualTo("avg( c_int )");
            assertThat(rs.getMetaData().getColumnLabel(3)).isEqualTo("Count(Distinct user_id)");
        }
    }

    @Test
    void isBeforeFirstIsFalseForAnEmptyResultAndDoesNotLoseTheFirstRow() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id FROM t_all WHERE id < 0")) {
                assertThat(rs.isBeforeFirst()).isFalse();
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = s.executeQuery("SELECT id FROM t_all ORDER BY id")) {
                assertThat(rs.isBeforeFirst()).isTrue();
                assertThat(rs.isBeforeFirst()).isTrue();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void positionIsReportedAndNextAfterTheEndKeepsReturningFalse() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM t_all ORDER BY id")) {
            assertThat(rs.getRow()).isZero();
            assertThat(rs.isBeforeFirst()).isTrue();
            assertThat(rs.isFirst()).isFalse();
            assertThat(rs.isAfterLast()).isFalse();
            assertThatThrownBy(() -> rs.getLong(1)).as("getter before next()").isInstanceOf(SQLException.class)
                    .hasMessageContaining("next()");
            assertThatThrownBy(() -> rs.getLong("id")).isInstanceOf(SQLException.class);

            assertThat(rs.next()).isTrue();
            assertThat(rs.getRow()).isEqualTo(1);
            assertThat(rs.isBeforeFirst()).isFalse();
            assertThat(rs.isFirst()).isTrue();
            assertThat(rs.isAfterLast()).isFalse();

            assertThat(rs.next()).isTrue();
            assertThat(rs.getRow()).isEqualTo(2);
            assertThat(rs.isFirst()).isFalse();

            int rows = 2;
            while (rs.next()) {
                rows++;
                assertThat(rs.getRow()).isEqualTo(rows);
            }
            assertThat(rows).isEqualTo(ROWS);
            assertThat(rs.isAfterLast()).isTrue();
            assertThat(rs.isBeforeFirst()).isFalse();
            assertThat(rs.isFirst()).isFalse();
            assertThat(rs.getRow()).isZero();
            for (int i = 0; i < 3; i++) {
                assertThat(rs.next()).as("next() after the end, call %d", i).isFalse();
            }
            assertThat(rs.isAfterLast()).isTrue();
            assertThatThrownBy(() -> rs.getLong(1)).as("getter after the end").isInstanceOf(SQLException.class);
        }
    }

    @Test
    void anEmptyResultIsNeitherBeforeFirstNorAfterLastOnceRead() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM t_all WHERE id < 0 ORDER BY id")) {
            assertThat(rs.next()).isFalse();
            assertThat(rs.next()).isFalse();
            assertThat(rs.isBeforeFirst()).isFalse();
            assertThat(rs.isAfterLast()).isFalse();
            assertThat(rs.getRow()).isZero();
            assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ closing

    @Test
    void closedResultSetThrowsSqlExceptionAndCloseIsIdempotent() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery(scatterAll());
            assertThat(rs.next()).isTrue();
            rs.close();
            assertThat(rs.isClosed()).isTrue();
            assertThatCode(rs::close).doesNotThrowAnyException();
            assertThat(rs.isClosed()).isTrue();
            Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
            calls.put("getLong", () -> rs.getLong(1));
            calls.put("getString(label)", () -> rs.getString("note"));
            calls.put("getObject(type)", () -> rs.getObject(1, Long.class));
            calls.put("next", rs::next);
            calls.put("wasNull", rs::wasNull);
            calls.put("getMetaData", rs::getMetaData);
            calls.put("findColumn", () -> rs.findColumn("id"));
            calls.put("getRow", rs::getRow);
            calls.put("isBeforeFirst", rs::isBeforeFirst);
            calls.put("getStatement", rs::getStatement);
            calls.forEach((name, call) -> assertThatThrownBy(call).as(name).isInstanceOf(SQLException.class)
                    .hasMessageContaining("closed"));
            // The statement and connection are still usable.
            try (ResultSet again = s.executeQuery("SELECT COUNT(*) FROM t_all")) {
                assertThat(again.next()).isTrue();
                assertThat(again.getInt(1)).isEqualTo(ROWS);
            }
        }
    }

    @Test
    void closingReleasesEveryShardEvenWhenClosedEarly() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // A LIMIT query read for one row only, then closed.
            ResultSet rs = s.executeQuery("SELECT id, note FROM t_all ORDER BY id LIMIT 3");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1L);
            assertThat(activeConnections()).containsOnly(1);
            rs.close();
            rs.close();
            // Never read at all.
            s.executeQuery("SELECT id FROM t_all ORDER BY note DESC LIMIT 2").close();
            // Superseded by the statement's next execution without being closed.
            ResultSet superseded = s.executeQuery("SELECT id FROM t_all ORDER BY id");
            assertThat(superseded.next()).isTrue();
            try (ResultSet next = s.executeQuery("SELECT id FROM t_all ORDER BY id DESC LIMIT 1")) {
                assertThat(superseded.isClosed()).isTrue();
                assertThat(next.next()).isTrue();
                assertThat(next.getLong(1)).isEqualTo(8L);
            }
            assertThat(activeConnections()).as("held by the open logical connection").containsOnly(1);
        }
        assertThat(activeConnections()).containsOnly(0);

        // Left open by the application: closing the logical connection closes it and releases every shard.
        ResultSet left;
        try (Connection c = ds.getConnection()) {
            left = c.createStatement().executeQuery("SELECT id FROM t_all ORDER BY id LIMIT 4");
            assertThat(left.next()).isTrue();
        }
        assertThat(left.isClosed()).isTrue();
        assertThatThrownBy(left::next).isInstanceOf(SQLException.class);
        assertThat(activeConnections()).containsOnly(0);

        // Through a prepared statement, read half-way.
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM t_all WHERE id > ? ORDER BY id LIMIT ?")) {
            ps.setInt(1, 2);
            ps.setInt(2, 4);
            ResultSet rs = ps.executeQuery();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(3L);
            rs.close();
            ps.setInt(1, 0);
            try (ResultSet all = ps.executeQuery()) {
                assertThat(ResultSets.rows(all)).hasSize(4);
            }
        }
    }

    // ------------------------------------------------------------------ the Statement around it

    @Test
    void getResultSetReturnsTheMergedResult() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery(scatterAll());
            assertThat(s.getResultSet()).isSameAs(rs);
            assertThat(rs.getStatement()).isSameAs(s);
            assertThat(s.getUpdateCount()).isEqualTo(-1);

            assertThat(s.execute("SELECT id FROM t_all ORDER BY id DESC")).isTrue();
            assertThat(rs.isClosed()).as("the previous result").isTrue();
            ResultSet viaExecute = s.getResultSet();
            assertThat(viaExecute).isNotNull();
            assertThat(viaExecute.getStatement()).isSameAs(s);
            assertThat(viaExecute.next()).isTrue();
            assertThat(viaExecute.getLong(1)).isEqualTo(8L);
            assertThat(s.getMoreResults()).isFalse();
            assertThat(viaExecute.isClosed()).isTrue();
            assertThat(s.getResultSet()).isNull();
            assertThat(s.getUpdateCount()).isEqualTo(-1);
        }
    }

    @Test
    void closeOnCompletionClosesTheStatementWhenTheMergedResultCloses() throws SQLException {
        try (Connection c = ds.getConnection()) {
            Statement s = c.createStatement();
            s.closeOnCompletion();
            ResultSet rs = s.executeQuery(scatterAll());
            while (rs.next()) {
                assertThat(s.isClosed()).isFalse();
            }
            assertThat(s.isClosed()).as("exhausted but not closed").isFalse();
            rs.close();
            assertThat(s.isClosed()).isTrue();

            // Executing again closes the previous result implicitly: the statement stays open for the new one,
            // as with Connector/J.
            Statement again = c.createStatement();
            again.closeOnCompletion();
            ResultSet first = again.executeQuery("SELECT id FROM t_all ORDER BY id");
            ResultSet second = again.executeQuery("SELECT id FROM t_all ORDER BY id DESC");
            assertThat(first.isClosed()).isTrue();
            assertThat(again.isClosed()).as("statement after an implicit close of its previous result").isFalse();
            assertThat(second.next()).isTrue();
            assertThat(second.getLong(1)).isEqualTo(8L);
            second.close();
            assertThat(again.isClosed()).isTrue();

            // Closing the statement itself with closeOnCompletion set closes it once, without error.
            Statement third = c.createStatement();
            third.closeOnCompletion();
            ResultSet open = third.executeQuery(scatterAll());
            third.close();
            assertThat(open.isClosed()).isTrue();
            assertThat(third.isClosed()).isTrue();
        }
    }

    @Test
    void maxRowsCutsTheMergedResult() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.setMaxRows(3);
            try (ResultSet rs = s.executeQuery("SELECT id FROM t_all ORDER BY id")) {
                assertThat(ResultSets.rows(rs)).containsExactly(List.of("1"), List.of("2"), List.of("3"));
            }
            try (ResultSet rs = s.executeQuery("SELECT id FROM t_all ORDER BY id DESC LIMIT 2")) {
                assertThat(ResultSets.rows(rs)).as("a LIMIT below maxRows wins").hasSize(2);
            }
            try (ResultSet rs = s.executeQuery("SELECT id FROM t_all")) {
                assertThat(ResultSets.rows(rs)).as("unordered").hasSize(3);
            }
            s.setMaxRows(100);
            try (ResultSet rs = s.executeQuery("SELECT id FROM t_all ORDER BY id")) {
                assertThat(ResultSets.rows(rs)).hasSize(ROWS);
            }
            s.setMaxRows(0);
            try (ResultSet rs = s.executeQuery("SELECT id FROM t_all ORDER BY id")) {
                assertThat(ResultSets.rows(rs)).hasSize(ROWS);
            }
        }
    }

    @Test
    void maxRowsOnGroupByReturnsTheFirstCompleteGroupsAsOneDatabaseWould() throws SQLException {
        // Every group has rows on several shards: a shard cut to maxRows would give partial counts.
        List<String> queries = List.of(
                "SELECT status, COUNT(*), SUM(c_int), MIN(id), MAX(id) FROM t_all GROUP BY status ORDER BY status",
                "SELECT status, COUNT(*) AS n, AVG(amount) FROM t_all GROUP BY status ORDER BY n DESC, status",
                "SELECT c_bool, COUNT(*), COUNT(DISTINCT status) FROM t_all GROUP BY c_bool ORDER BY c_bool");
        for (int maxRows : new int[] {1, 2}) {
            for (String sql : queries) {
                List<List<String>> expected;
                try (Statement r = reference.createStatement()) {
                    r.setMaxRows(maxRows);
                    expected = ResultSets.rows(r.executeQuery(sql));
                }
                try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                     PreparedStatement ps = c.prepareStatement(sql)) {
                    s.setMaxRows(maxRows);
                    List<List<String>> actual = ResultSets.rows(s.executeQuery(sql));
                    assertThat(actual).as("%s, maxRows %d", sql, maxRows).hasSize(maxRows);
                    assertThat(RoutingConformanceSuite.folded(actual)).as("%s, maxRows %d", sql, maxRows)
                            .isEqualTo(RoutingConformanceSuite.folded(expected));
                    ps.setMaxRows(maxRows);
                    assertThat(RoutingConformanceSuite.folded(ResultSets.rows(ps.executeQuery())))
                            .as("prepared: %s, maxRows %d", sql, maxRows)
                            .isEqualTo(RoutingConformanceSuite.folded(expected));
                }
            }
        }
        // And the group counts are the whole groups' (status a: ids 3, 6; b: 1, 4, 7; c: 2, 5, 8).
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.setMaxRows(2);
            assertThat(ResultSets.rows(s.executeQuery(
                    "SELECT status, COUNT(*) FROM t_all GROUP BY status ORDER BY status")))
                    .containsExactly(List.of("a", "2"), List.of("b", "3"));
        }
    }

    @Test
    void anErrorOnOneShardKeepsItsKindAndNamesTheShard() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_broken (id BIGINT NOT NULL, user_id BIGINT NOT NULL, note VARCHAR(20),"
                    + " PRIMARY KEY (id))");
            try {
                try (Connection direct = DriverManager.getConnection(url("shard1"), "sa", "")) {
                    direct.createStatement().execute("ALTER TABLE t_broken DROP COLUMN note");
                }
                assertThatThrownBy(() -> s.executeQuery("SELECT note FROM t_broken ORDER BY id"))
                        .isInstanceOf(java.sql.SQLSyntaxErrorException.class)
                        .hasMessageStartingWith("Shard ds1: ")
                        .hasMessageContaining("note");
                assertThat(s.getResultSet()).isNull();
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_all")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(ROWS);
                }
            } finally {
                s.execute("DROP TABLE t_broken");
            }
        }
    }

    @Test
    void cancelOnAFinishedScatterQueryDoesNotThrow() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThatCode(s::cancel).as("before any execution").doesNotThrowAnyException();
            ResultSet rs = s.executeQuery(scatterAll());
            assertThatCode(s::cancel).as("result open, rows not read").doesNotThrowAnyException();
            rs.close();
            rs = s.executeQuery(scatterAll());
            while (rs.next()) {
                rs.getString(NOTE);
            }
            assertThatCode(s::cancel).as("result exhausted").doesNotThrowAnyException();
            rs.close();
            assertThatCode(s::cancel).as("result closed").doesNotThrowAnyException();
            // The statement still works afterwards.
            try (ResultSet again = s.executeQuery("SELECT id FROM t_all ORDER BY id")) {
                assertThat(ResultSets.rows(again)).hasSize(ROWS);
            }
        }
    }
}
