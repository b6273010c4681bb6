package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.pool.HikariProxyPreparedStatement;
import dev.shard.core.config.ShardConfig;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.h2.jdbc.JdbcPreparedStatement;
import org.h2.jdbc.JdbcStatement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The JDBC surface of Shard's Connection, Statement, PreparedStatement and ResultSet on four embedded H2
 * databases (MySQL mode): what an application or ORM calls beyond routing itself.
 *
 * <p>t_order, t_types and t_auto are sharded by user_id, t_region is broadcast, t_audit has no rule (ds0).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcSurfaceTest {

    static final int SHARDS = 4;
    static final List<String> NAMES = List.of("ds0", "ds1", "ds2", "ds3");

    private final String prefix = "surface_" + System.nanoTime();
    ShardingDataSource ds;
    /** Users whose rows live on each shard, found through explain so that the test follows the slot map. */
    final Map<String, List<Long>> usersByShard = new LinkedHashMap<>();

    String url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_shard" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    Connection direct(int shard) throws SQLException {
        return DriverManager.getConnection(url(shard), "sa", "");
    }

    @BeforeAll
    void setUp() throws Exception {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            // A leaked physical connection fails in seconds, not a hang; 10 s is ample on a busy machine.
            builder.dataSource(NAMES.get(i), Map.of("jdbcUrl", url(i), "username", "sa", "password", "",
                    "maximumPoolSize", "4", "minimumIdle", "0", "connectionTimeout", "10000"));
        }
        ds = new ShardingDataSource(builder.defaultDataSource("ds0")
                .shardedTable("t_order", "user_id")
                .shardedTable("t_types", "user_id")
                .shardedTable("t_auto", "user_id")
                .broadcastTables("t_region")
                .build());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_order (order_id BIGINT NOT NULL, user_id BIGINT NOT NULL,"
                    + " status VARCHAR(20) NOT NULL, amount DECIMAL(12,2), note VARCHAR(100), PRIMARY KEY (order_id))");
            s.execute("CREATE TABLE t_types (user_id BIGINT NOT NULL, c_bool BOOLEAN, c_byte TINYINT,"
                    + " c_short SMALLINT, c_int INT, c_long BIGINT, c_float REAL, c_double DOUBLE,"
                    + " c_dec DECIMAL(12,3), c_str VARCHAR(50), c_bytes VARBINARY(16), c_date DATE, c_time TIME,"
                    + " c_ts TIMESTAMP, c_ld DATE, c_ldt TIMESTAMP, PRIMARY KEY (user_id))");
            s.execute("CREATE TABLE t_auto (id BIGINT NOT NULL AUTO_INCREMENT, user_id BIGINT NOT NULL,"
                    + " name VARCHAR(20), PRIMARY KEY (id))");
            s.execute("CREATE TABLE t_region (region_id INT NOT NULL, name VARCHAR(50) NOT NULL,"
                    + " PRIMARY KEY (region_id))");
            s.execute("CREATE TABLE t_audit (audit_id BIGINT NOT NULL, message VARCHAR(100), PRIMARY KEY (audit_id))");
        }
        NAMES.forEach(name -> usersByShard.put(name, new ArrayList<>()));
        for (long user = 1; usersByShard.values().stream().anyMatch(l -> l.size() < 3); user++) {
            String shard = ds.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards().get(0);
            usersByShard.get(shard).add(user);
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        if (ds != null) {
            ds.close();
        }
        for (int i = 0; i < SHARDS; i++) {
            try (Connection c = direct(i)) {
                c.createStatement().execute("SHUTDOWN");
            }
        }
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        for (int i = 0; i < SHARDS; i++) {
            try (Connection c = direct(i); Statement s = c.createStatement()) {
                for (String table : List.of("t_order", "t_types", "t_auto", "t_region")) {
                    s.execute("DELETE FROM " + table);
                }
                if (i == 0) {
                    s.execute("DELETE FROM t_audit"); // unruled: only on the default data source
                }
            }
        }
        // Every test must give back what it borrowed; a leak would show up here, in the next test.
        assertThat(activeConnections()).as("active connections per pool").containsOnly(0);
    }

    long user(String shard, int nth) {
        return usersByShard.get(shard).get(nth);
    }

    List<Integer> activeConnections() {
        List<Integer> active = new ArrayList<>();
        for (String name : NAMES) {
            active.add(ds.runtime().pool(name).getHikariPoolMXBean().getActiveConnections());
        }
        return active;
    }

    void insertOrder(Connection c, long orderId, long user, String status) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO t_order (order_id, user_id, status, amount, note) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, orderId);
            ps.setLong(2, user);
            ps.setString(3, status);
            ps.setBigDecimal(4, new BigDecimal("1.50"));
            ps.setString(5, "note " + orderId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** Order ids of a user, read through a fresh logical connection (so: committed data only). */
    List<Long> ordersOf(long user) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT order_id FROM t_order WHERE user_id = ? ORDER BY order_id")) {
            ps.setLong(1, user);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }

    /** Order ids stored on one shard's database, read directly. */
    List<Long> orderIdsOnShard(int shard) throws SQLException {
        try (Connection c = direct(shard); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT order_id FROM t_order ORDER BY order_id")) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        }
    }

    // ------------------------------------------------------------------ logical connection

    @Nested
    class LogicalConnectionBehaviour {

        @Test
        void opensPhysicalConnectionsLazilyAtMostOnePerShardAndReturnsThemOnClose() throws SQLException {
            try (Connection c = ds.getConnection()) {
                Statement s = c.createStatement();
                PreparedStatement ps = c.prepareStatement("SELECT status FROM t_order WHERE user_id = ?");
                assertThat(activeConnections()).as("nothing borrowed before a statement runs").containsOnly(0);

                ps.setLong(1, user("ds1", 0));
                ps.executeQuery().close();
                assertThat(activeConnections()).containsExactly(0, 1, 0, 0);

                // Another user on the same shard, another statement: still the one physical connection.
                s.executeQuery("SELECT status FROM t_order WHERE user_id = " + user("ds1", 1)).close();
                ps.setLong(1, user("ds1", 2));
                ps.executeQuery().close();
                assertThat(activeConnections()).containsExactly(0, 1, 0, 0);

                ps.setLong(1, user("ds3", 0));
                ps.executeQuery().close();
                assertThat(activeConnections()).containsExactly(0, 1, 0, 1);
            }
            assertThat(activeConnections()).as("after close()").containsOnly(0);
        }

        @Test
        void broadcastReadsUseAShardAlreadyOpenAndUnruledTablesTheDefault() throws SQLException {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t_region (region_id, name) VALUES (1, 'north')");
                s.executeUpdate("INSERT INTO t_audit (audit_id, message) VALUES (1, 'hello')");
                assertThat(activeConnections()).as("broadcast write and unruled write").containsOnly(1);
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeQuery("SELECT status FROM t_order WHERE user_id = " + user("ds2", 0)).close();
                try (ResultSet rs = s.executeQuery("SELECT name FROM t_region WHERE region_id = 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("north");
                }
                assertThat(activeConnections()).as("read from the shard already held").containsExactly(0, 0, 1, 0);
                try (ResultSet rs = s.executeQuery("SELECT message FROM t_audit WHERE audit_id = 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("hello");
                }
                assertThat(activeConnections()).containsExactly(1, 0, 1, 0);
            }
        }

        @Test
        void switchingAutoCommitOnCommitsOnEveryShard() throws SQLException {
            long a = user("ds0", 0);
            long b = user("ds3", 0);
            try (Connection c = ds.getConnection()) {
                assertThatThrownBy(c::commit).isInstanceOf(SQLException.class).hasMessageContaining("auto-commit");
                c.setAutoCommit(false);
                insertOrder(c, 1, a, "new");
                insertOrder(c, 2, b, "new");
                c.setAutoCommit(true);
                assertThat(ordersOf(a)).containsExactly(1L);
                assertThat(ordersOf(b)).containsExactly(2L);
            }
        }

        @Test
        void rollbackAndCommitCoverEveryShardTheTransactionTouched() throws SQLException {
            long a = user("ds1", 0);
            long b = user("ds2", 0);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                insertOrder(c, 1, a, "new");
                insertOrder(c, 2, b, "new");
                c.rollback();
                assertThat(ordersOf(a)).isEmpty();
                assertThat(ordersOf(b)).isEmpty();

                insertOrder(c, 1, a, "new");
                insertOrder(c, 2, b, "new");
                assertThat(ordersOf(a)).as("not visible before commit").isEmpty();
                c.commit();
                assertThat(ordersOf(a)).containsExactly(1L);
                assertThat(ordersOf(b)).containsExactly(2L);
            }
            assertThat(orderIdsOnShard(1)).containsExactly(1L);
            assertThat(orderIdsOnShard(2)).containsExactly(2L);
        }

        @Test
        void closingWithAnOpenTransactionRollsItBackOnEveryShard() throws SQLException {
            long a = user("ds0", 0);
            long b = user("ds3", 0);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                insertOrder(c, 1, a, "new");
                insertOrder(c, 2, b, "new");
            }
            assertThat(ordersOf(a)).isEmpty();
            assertThat(ordersOf(b)).isEmpty();
        }

        @Test
        void isolationAndReadOnlySetBeforeTheFirstStatementReachConnectionsOpenedLater() throws SQLException {
            try (Connection c = ds.getConnection()) {
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                c.setReadOnly(true);
                assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
                assertThat(c.isReadOnly()).isTrue();
                for (String shard : List.of("ds1", "ds2")) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT status FROM t_order WHERE user_id = ?")) {
                        ps.setLong(1, user(shard, 0));
                        ps.executeQuery().close();
                        // H2's own connection reports the isolation level its session really runs at.
                        Connection h2 = ps.unwrap(JdbcPreparedStatement.class).getConnection();
                        assertThat(h2.getTransactionIsolation()).as(shard)
                                .isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
                        // H2 ignores setReadOnly, so ask HikariCP's proxy, which records what was set on it.
                        Connection pooled = ps.unwrap(HikariProxyPreparedStatement.class).getConnection();
                        assertThat(pooled.isReadOnly()).as(shard).isTrue();
                    }
                }
            }
        }

        @Test
        void isolationChangedAfterConnectionsAreOpenReachesThemToo() throws SQLException {
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT status FROM t_order WHERE user_id = ?")) {
                ps.setLong(1, user("ds2", 0));
                ps.executeQuery().close();
                Connection h2 = ps.unwrap(JdbcPreparedStatement.class).getConnection();
                assertThat(h2.getTransactionIsolation()).isNotEqualTo(Connection.TRANSACTION_SERIALIZABLE);
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                assertThat(h2.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
            }
        }

        @Test
        void rollbackToSavepointUndoesWorkOnShardsOpenedBeforeAndAfterIt() throws SQLException {
            long a = user("ds1", 0);
            long a2 = user("ds1", 1);
            long b = user("ds2", 0);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                insertOrder(c, 1, a, "kept");
                assertThat(activeConnections()).containsExactly(0, 1, 0, 0);
                Savepoint savepoint = c.setSavepoint();
                insertOrder(c, 2, b, "undone"); // ds2 is opened after the savepoint
                insertOrder(c, 3, a2, "undone");
                c.rollback(savepoint);
                c.commit();
            }
            assertThat(ordersOf(a)).containsExactly(1L);
            assertThat(ordersOf(a2)).isEmpty();
            assertThat(ordersOf(b)).isEmpty();
        }

        @Test
        void workAfterARollbackToSavepointIsKept() throws SQLException {
            long a = user("ds1", 0);
            long b = user("ds2", 0);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                insertOrder(c, 1, a, "kept");
                Savepoint first = c.setSavepoint("first");
                insertOrder(c, 2, b, "undone");
                Savepoint second = c.setSavepoint("second");
                insertOrder(c, 3, b, "undone");
                c.rollback(second);
                c.rollback(first);
                assertThatThrownBy(() -> c.rollback(second)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("second");
                insertOrder(c, 4, b, "kept");
                c.commit();
            }
            assertThat(ordersOf(a)).containsExactly(1L);
            assertThat(ordersOf(b)).containsExactly(4L);
        }

        @Test
        void metaDataComesFromTheDefaultDataSource() throws SQLException {
            try (Connection c = ds.getConnection()) {
                var meta = c.getMetaData();
                assertThat(meta).isNotNull();
                assertThat(meta.getDatabaseProductName()).isEqualTo("H2");
                assertThat(meta.getURL()).contains(prefix + "_shard0");
            }
        }
    }

    // ------------------------------------------------------------------ statements

    @Nested
    class StatementSurface {

        @Test
        void executeReportsResultSetsAndUpdateCounts() throws SQLException {
            long u = user("ds2", 0);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThat(s.execute("INSERT INTO t_order (order_id, user_id, status) VALUES (1, " + u + ", 'new')"))
                        .isFalse();
                assertThat(s.getUpdateCount()).isEqualTo(1);
                assertThat(s.getResultSet()).isNull();

                assertThat(s.executeUpdate("UPDATE t_order SET status = 'paid' WHERE user_id = " + u)).isEqualTo(1);
                assertThat(s.getUpdateCount()).isEqualTo(1);

                assertThat(s.execute("SELECT status FROM t_order WHERE user_id = " + u)).isTrue();
                assertThat(s.getUpdateCount()).isEqualTo(-1);
                try (ResultSet rs = s.getResultSet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("paid");
                    assertThat(rs.next()).isFalse();
                }
                assertThat(s.getMoreResults()).isFalse();
                assertThat(s.getUpdateCount()).isEqualTo(-1);

                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_order WHERE user_id = " + u)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
                assertThat(s.executeUpdate("DELETE FROM t_order WHERE user_id = " + u)).isEqualTo(1);
            }
            assertThat(ordersOf(u)).isEmpty();
        }

        @Test
        void maxRowsLimitsASingleShardQuery() throws SQLException {
            long u = user("ds3", 0);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                for (int i = 1; i <= 5; i++) {
                    insertOrder(c, i, u, "new");
                }
                s.setMaxRows(2);
                assertThat(s.getMaxRows()).isEqualTo(2);
                assertThat(count(s.executeQuery("SELECT order_id FROM t_order WHERE user_id = " + u))).isEqualTo(2);
                s.setMaxRows(0);
                assertThat(count(s.executeQuery("SELECT order_id FROM t_order WHERE user_id = " + u))).isEqualTo(5);
            }
        }

        @Test
        void maxRowsIsLiftedAgainOnAReusedPreparedStatement() throws SQLException {
            long u = user("ds3", 0);
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT order_id FROM t_order WHERE user_id = ?")) {
                for (int i = 1; i <= 5; i++) {
                    insertOrder(c, i, u, "new");
                }
                ps.setLong(1, u);
                ps.setMaxRows(2);
                assertThat(count(ps.executeQuery())).isEqualTo(2);
                // The shard's physical statement is kept between executions; it must not keep the old limit.
                ps.setMaxRows(0);
                assertThat(count(ps.executeQuery())).isEqualTo(5);
            }
        }

        @Test
        void fetchSizeIsPassedToThePhysicalStatementAndTheQueryTimeoutIsShardsOwn() throws SQLException {
            long u = user("ds1", 0);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.setFetchSize(7);
                s.setQueryTimeout(3);
                assertThat(s.getFetchSize()).isEqualTo(7);
                assertThat(s.getQueryTimeout()).isEqualTo(3);
                try (ResultSet rs = s.executeQuery("SELECT order_id FROM t_order WHERE user_id = " + u)) {
                    JdbcStatement physical = s.unwrap(JdbcStatement.class);
                    assertThat(physical.getFetchSize()).isEqualTo(7);
                    // Shard enforces the timeout itself (QueryDeadline); the driver's own timer is not started.
                    assertThat(physical.getQueryTimeout()).isZero();
                    assertThat(rs.next()).isFalse();
                }
                assertThatThrownBy(() -> s.setQueryTimeout(-1)).isInstanceOf(SQLException.class);
            }
        }

        @Test
        void clearParametersThenExecuteNamesTheMissingParameter() throws SQLException {
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT status FROM t_order WHERE user_id = ?")) {
                ps.setLong(1, user("ds0", 0));
                ps.executeQuery().close();
                ps.clearParameters();
                assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class)
                        .hasMessageContaining("Parameter 1 is not set");
            }
        }

        @Test
        void aParameterThatIsNotTheShardKeyMustBeSetToo() throws SQLException {
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "UPDATE t_order SET status = ? WHERE user_id = ? AND order_id = ?")) {
                ps.setLong(2, user("ds0", 0));
                ps.setLong(3, 1);
                assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("Parameter 1 is not set");
            }
        }

        @Test
        void setNullRoundTrips() throws SQLException {
            long u = user("ds2", 1);
            try (Connection c = ds.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO t_order (order_id, user_id, status, amount, note) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setLong(1, 1);
                    ps.setLong(2, u);
                    ps.setString(3, "new");
                    ps.setNull(4, Types.DECIMAL);
                    ps.setNull(5, Types.VARCHAR);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT amount, note FROM t_order WHERE user_id = ?")) {
                    ps.setLong(1, u);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getBigDecimal(1)).isNull();
                        assertThat(rs.wasNull()).isTrue();
                        assertThat(rs.getString("note")).isNull();
                        assertThat(rs.wasNull()).isTrue();
                    }
                }
            }
        }

        @Test
        void commonParameterTypesRoundTrip() throws SQLException {
            long u = user("ds3", 1);
            byte[] bytes = {0, 1, -2, 127, -128};
            Date date = Date.valueOf("2024-02-29");
            Time time = Time.valueOf("13:45:30");
            Timestamp timestamp = Timestamp.valueOf("2024-03-01 08:09:10.123456");
            LocalDate localDate = LocalDate.of(1999, 12, 31);
            LocalDateTime localDateTime = LocalDateTime.of(2030, 1, 2, 3, 4, 5, 678_000_000);
            try (Connection c = ds.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO t_types (user_id, c_bool, c_byte,"
                        + " c_short, c_int, c_long, c_float, c_double, c_dec, c_str, c_bytes, c_date, c_time, c_ts,"
                        + " c_ld, c_ldt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setLong(1, u);
                    ps.setBoolean(2, true);
                    ps.setByte(3, (byte) -7);
                    ps.setShort(4, (short) 32000);
                    ps.setInt(5, -2_000_000_000);
                    ps.setLong(6, Long.MAX_VALUE);
                    ps.setFloat(7, 1.5f);
                    ps.setDouble(8, -2.25e10);
                    ps.setBigDecimal(9, new BigDecimal("123456789.125"));
                    ps.setString(10, "héllo 'quoted'");
                    ps.setBytes(11, bytes);
                    ps.setDate(12, date);
                    ps.setTime(13, time);
                    ps.setTimestamp(14, timestamp);
                    ps.setObject(15, localDate);
                    ps.setObject(16, localDateTime);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT c_bool, c_byte, c_short, c_int, c_long,"
                        + " c_float, c_double, c_dec, c_str, c_bytes, c_date, c_time, c_ts, c_ld, c_ldt"
                        + " FROM t_types WHERE user_id = ?")) {
                    ps.setLong(1, u);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getBoolean(1)).isTrue();
                        assertThat(rs.getByte(2)).isEqualTo((byte) -7);
                        assertThat(rs.getShort(3)).isEqualTo((short) 32000);
                        assertThat(rs.getInt(4)).isEqualTo(-2_000_000_000);
                        assertThat(rs.getLong(5)).isEqualTo(Long.MAX_VALUE);
                        assertThat(rs.getFloat(6)).isEqualTo(1.5f);
                        assertThat(rs.getDouble(7)).isEqualTo(-2.25e10);
                        assertThat(rs.getBigDecimal(8)).isEqualByComparingTo("123456789.125");
                        assertThat(rs.getString(9)).isEqualTo("héllo 'quoted'");
                        assertThat(rs.getBytes(10)).containsExactly(bytes);
                        assertThat(rs.getDate(11)).isEqualTo(date);
                        assertThat(rs.getTime(12)).isEqualTo(time);
                        assertThat(rs.getTimestamp(13)).isEqualTo(timestamp);
                        assertThat(rs.getObject(14, LocalDate.class)).isEqualTo(localDate);
                        assertThat(rs.getObject(15, LocalDateTime.class)).isEqualTo(localDateTime);
                        assertThat(rs.getObject(11, LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
                        assertThat(rs.getObject(13, LocalDateTime.class)).isEqualTo(timestamp.toLocalDateTime());
                        assertThat(rs.next()).isFalse();
                    }
                }
            }
            try (Connection c = direct(3); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_types WHERE user_id = " + u)) {
                rs.next();
                assertThat(rs.getInt(1)).as("the row is on ds3").isEqualTo(1);
            }
        }

        @Test
        void resultSetAnswersWithTheLogicalStatementAndDescribesItsColumns() throws SQLException {
            long u = user("ds1", 0);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                insertOrder(c, 1, u, "new");
                try (ResultSet rs = s.executeQuery(
                        "SELECT order_id AS id, status, amount AS total FROM t_order WHERE user_id = " + u)) {
                    assertThat(rs.getStatement()).isSameAs(s);
                    ResultSetMetaData meta = rs.getMetaData();
                    assertThat(meta.getColumnCount()).isEqualTo(3);
                    assertThat(List.of(meta.getColumnLabel(1), meta.getColumnLabel(2), meta.getColumnLabel(3)))
                            .containsExactly("id", "status", "total");
                    assertThat(meta.getColumnType(1)).isEqualTo(Types.BIGINT);
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong("id")).isEqualTo(1);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT status FROM t_order WHERE user_id = ?")) {
                    ps.setLong(1, u);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.getStatement()).isSameAs(ps);
                        assertThat(rs.getStatement().getConnection()).isSameAs(c);
                    }
                }
            }
        }

        @Test
        void generatedKeysOfASingleShardInsertPassThrough() throws SQLException {
            long u = user("ds2", 0);
            try (Connection c = ds.getConnection()) {
                long first;
                try (Statement s = c.createStatement()) {
                    assertThat(s.executeUpdate("INSERT INTO t_auto (user_id, name) VALUES (" + u + ", 'a')",
                            Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
                    try (ResultSet keys = s.getGeneratedKeys()) {
                        assertThat(keys.next()).isTrue();
                        first = keys.getLong(1);
                        assertThat(keys.next()).isFalse();
                    }
                }
                long second;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO t_auto (user_id, name) VALUES (?, ?)",
                        new String[] {"id"})) {
                    ps.setLong(1, u);
                    ps.setString(2, "b");
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        assertThat(keys.next()).isTrue();
                        second = keys.getLong(1);
                    }
                }
                long third;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO t_auto (user_id, name) VALUES (?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ps.setLong(1, u);
                    ps.setString(2, "c");
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        assertThat(keys.next()).isTrue();
                        third = keys.getLong(1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, name FROM t_auto WHERE user_id = ? ORDER BY id")) {
                    ps.setLong(1, u);
                    try (ResultSet rs = ps.executeQuery()) {
                        List<String> rows = new ArrayList<>();
                        while (rs.next()) {
                            rows.add(rs.getLong(1) + "=" + rs.getString(2));
                        }
                        assertThat(rows).containsExactly(first + "=a", second + "=b", third + "=c");
                    }
                }
            }
        }

        @Test
        void generatedKeysThatWereNotRequestedAreAnError() throws SQLException {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t_auto (user_id, name) VALUES (" + user("ds0", 0) + ", 'a')");
                assertThatThrownBy(s::getGeneratedKeys).isInstanceOf(SQLException.class)
                        .hasMessageContaining("RETURN_GENERATED_KEYS");
            }
        }
    }

    // ------------------------------------------------------------------ batches

    @Nested
    class Batches {

        @Test
        void preparedBatchOverSeveralShardsReturnsCountsInOrder() throws SQLException {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO t_order (order_id, user_id, status) VALUES (?, ?, ?)")) {
                for (int shard = 0; shard < SHARDS; shard++) {
                    ps.setLong(1, 100 + shard);
                    ps.setLong(2, user(NAMES.get(shard), 0));
                    ps.setString(3, "batch");
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).containsExactly(1, 1, 1, 1);
                // Executing again without adding: the batch was emptied.
                assertThat(ps.executeBatch()).isEmpty();
            }
            for (int shard = 0; shard < SHARDS; shard++) {
                assertThat(orderIdsOnShard(shard)).as(NAMES.get(shard)).containsExactly(100L + shard);
            }
        }

        @Test
        void statementBatchOfLiteralInsertsRoutesEachOnItsOwn() throws SQLException {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                for (int shard = SHARDS - 1; shard >= 0; shard--) {
                    s.addBatch("INSERT INTO t_order (order_id, user_id, status) VALUES (" + (200 + shard) + ", "
                            + user(NAMES.get(shard), 1) + ", 'batch')");
                }
                s.addBatch("UPDATE t_order SET status = 'x' WHERE user_id = " + user("ds0", 1));
                s.addBatch("INSERT INTO t_region (region_id, name) VALUES (1, 'north')");
                assertThat(s.executeBatch()).containsExactly(1, 1, 1, 1, 1, 1);
            }
            for (int shard = 0; shard < SHARDS; shard++) {
                assertThat(orderIdsOnShard(shard)).as(NAMES.get(shard)).containsExactly(200L + shard);
                try (Connection c = direct(shard); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_region")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("broadcast row on " + NAMES.get(shard)).isEqualTo(1);
                }
            }
        }

        @Test
        void aFailingPreparedBatchEntryReportsEveryEntrysCount() throws SQLException {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO t_order (order_id, user_id, status) VALUES (?, ?, ?)")) {
                long[][] entries = {{1, user("ds0", 0)}, {2, user("ds1", 0)}, {1, user("ds0", 1)},
                        {3, user("ds2", 0)}};
                for (long[] entry : entries) {
                    ps.setLong(1, entry[0]);
                    ps.setLong(2, entry[1]);
                    ps.setString(3, "batch");
                    ps.addBatch();
                }
                BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, ps::executeBatch);
                assertThat((Object) e).as("BatchUpdateException").isNotNull();
                // One count per entry, in the caller's order: each shard ran its own entries as one batch.
                assertThat(e.getUpdateCounts()).containsExactly(1, 1, Statement.EXECUTE_FAILED, 1);
                assertThat(e.getMessage()).contains("shard ds0");
                // The statement is still usable afterwards, with its own parameters.
                ps.setLong(1, 4);
                ps.setLong(2, user("ds3", 0));
                ps.setString(3, "after");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(orderIdsOnShard(0)).containsExactly(1L);
            assertThat(orderIdsOnShard(1)).containsExactly(2L);
            assertThat(orderIdsOnShard(2)).as("other shards' entries ran").containsExactly(3L);
            assertThat(orderIdsOnShard(3)).containsExactly(4L);
        }

        @Test
        void aFailingStatementBatchEntryReportsEveryEntrysCount() throws SQLException {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO t_order (order_id, user_id, status) VALUES (1, " + user("ds1", 0) + ", 'a')");
                s.addBatch("INSERT INTO t_order (order_id, user_id, status) VALUES (1, " + user("ds1", 1) + ", 'b')");
                s.addBatch("INSERT INTO t_order (order_id, user_id, status) VALUES (2, " + user("ds2", 0) + ", 'c')");
                BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, s::executeBatch);
                assertThat((Object) e).as("BatchUpdateException").isNotNull();
                assertThat(e.getUpdateCounts()).containsExactly(1, Statement.EXECUTE_FAILED, 1);
                assertThat(e.getMessage()).contains("shard ds1");
            }
            assertThat(orderIdsOnShard(1)).containsExactly(1L);
            assertThat(orderIdsOnShard(2)).containsExactly(2L);
        }

        @Test
        void aStatementThatCannotBeRoutedIsNamedByItsPlaceAndTheBatchAroundItDoesNotRun() throws SQLException {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO t_order (order_id, user_id, status) VALUES (1, " + user("ds1", 0) + ", 'a')");
                s.addBatch("INSERT INTO t_order (order_id, status) VALUES (2, 'no shard key')");
                s.addBatch("INSERT INTO t_order (order_id, user_id, status) VALUES (3, " + user("ds2", 0) + ", 'c')");
                BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, s::executeBatch);
                assertThat((Object) e).as("BatchUpdateException").isNotNull();
                assertThat(e.getMessage()).startsWith("Batch statement 2 of 3 failed: ")
                        .contains("sharding column user_id");
                assertThat(e.getUpdateCounts()).containsOnly(Statement.EXECUTE_FAILED);
                // The connection stays usable, and nothing of the batch was applied.
                assertThat(s.executeUpdate("INSERT INTO t_order (order_id, user_id, status) VALUES (4, "
                        + user("ds3", 0) + ", 'd')")).isEqualTo(1);
            }
            assertThat(orderIdsOnShard(1)).isEmpty();
            assertThat(orderIdsOnShard(2)).isEmpty();
            assertThat(orderIdsOnShard(3)).containsExactly(4L);
        }
    }

    // ------------------------------------------------------------------ errors

    @Nested
    class Errors {

        @Test
        void unsupportedMethodsSayWhichMethod() throws SQLException {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertUnsupported(() -> c.prepareCall("CALL something()"), "prepareCall");
                assertUnsupported(() -> c.prepareCall("CALL x()", ResultSet.TYPE_FORWARD_ONLY,
                        ResultSet.CONCUR_READ_ONLY), "prepareCall");
                assertUnsupported(() -> c.setCatalog("other"), "setCatalog");
                assertUnsupported(() -> c.setSchema("other"), "setSchema");
                assertUnsupported(() -> s.setCursorName("cursor"), "setCursorName");
                assertUnsupported(() -> ds.getConnection("user", "password"), "getConnection");
            }
        }

        private void assertUnsupported(ThrowingCallable call, String method) {
            assertThatThrownBy(call).isInstanceOf(SQLFeatureNotSupportedException.class)
                    .hasMessageContaining(method);
        }

        @Test
        void badInputLeavesTheConnectionUsable() throws SQLException {
            long u = user("ds2", 0);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                insertOrder(c, 42, u, "paid");
                assertThatThrownBy(() -> s.executeQuery("SELEC status FRM t_order WHERE user_id = " + u))
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> s.executeQuery("SELECT o.status FROM t_order o JOIN t_order p"
                        + " ON p.order_id = o.order_id"))
                        .isInstanceOf(SQLFeatureNotSupportedException.class);
                try (PreparedStatement ps = c.prepareStatement("SELECT status FROM t_order WHERE user_id = ?")) {
                    assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class)
                            .hasMessageContaining("Parameter 1 is not set");
                }
                assertThatThrownBy(() -> s.executeQuery("SELECT no_such_column FROM t_order WHERE user_id = " + u))
                        .isInstanceOf(SQLException.class).hasMessageContaining("no_such_column");
                assertThatThrownBy(() -> c.prepareStatement(
                        "SELECT no_such_column FROM t_order WHERE user_id = ?").executeQuery())
                        .isInstanceOf(SQLException.class);

                try (ResultSet rs = s.executeQuery("SELECT order_id, status FROM t_order WHERE user_id = " + u)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(42);
                    assertThat(rs.getString(2)).isEqualTo("paid");
                    assertThat(rs.next()).isFalse();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT status FROM t_order WHERE user_id = ?")) {
                    ps.setLong(1, u);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("paid");
                    }
                }
            }
        }

        @Test
        void invalidConnectionSettingsAreRefusedAtOnceNotAtTheNextStatement() throws SQLException {
            long u = user("ds3", 0);
            try (Connection c = ds.getConnection()) {
                // Nothing is open yet, so nothing would complain until a statement opened a physical connection.
                assertThatThrownBy(() -> c.setTransactionIsolation(12345)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("12345");
                assertThatThrownBy(() -> c.setTransactionIsolation(Connection.TRANSACTION_NONE))
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> c.setHoldability(777)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("777");
                assertThatThrownBy(() -> c.setNetworkTimeout(Runnable::run, -1)).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> c.setNetworkTimeout(null, 1000)).isInstanceOf(SQLException.class);
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM t_order WHERE user_id = ?")) {
                    ps.setLong(1, u);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isZero();
                    }
                }
                assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            }
        }

        @Test
        void badInputInsideATransactionLeavesItUsable() throws SQLException {
            long u = user("ds1", 0);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                insertOrder(c, 7, u, "new");
                assertThatThrownBy(() -> s.executeUpdate("UPDATE t_order SET nope = 1 WHERE user_id = " + u))
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> s.executeUpdate("UPDATE t_order SET user_id = 5, status = 'x'"))
                        .isInstanceOf(SQLFeatureNotSupportedException.class);
                c.commit();
            }
            assertThat(ordersOf(u)).containsExactly(7L);
        }

        @Test
        void closedConnectionsAndStatementsThrowSqlExceptions() throws SQLException {
            Connection c = ds.getConnection();
            Statement s = c.createStatement();
            PreparedStatement ps = c.prepareStatement("SELECT status FROM t_order WHERE user_id = ?");
            ps.setLong(1, user("ds1", 0));
            ResultSet rs = ps.executeQuery();
            c.close();
            assertThatCode(c::close).doesNotThrowAnyException();
            assertThat(c.isClosed()).isTrue();
            assertThat(s.isClosed()).isTrue();
            assertThat(ps.isClosed()).isTrue();
            assertThat(c.isValid(1)).isFalse();
            assertThat(activeConnections()).containsOnly(0);

            List<ThrowingCallable> calls = List.of(
                    c::createStatement,
                    () -> c.prepareStatement("SELECT 1"),
                    c::getMetaData,
                    c::getAutoCommit,
                    () -> c.setAutoCommit(false),
                    c::commit,
                    c::rollback,
                    c::setSavepoint,
                    c::getTransactionIsolation,
                    () -> c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED),
                    c::getCatalog,
                    c::getSchema,
                    c::getWarnings,
                    c::clearWarnings,
                    c::isReadOnly,
                    () -> c.setReadOnly(true),
                    c::getHoldability,
                    c::getNetworkTimeout,
                    () -> c.nativeSQL("SELECT 1"),
                    c::getTypeMap,
                    c::createBlob,
                    () -> c.setClientInfo("ApplicationName", "test"),
                    () -> c.getClientInfo("ApplicationName"),
                    c::getClientInfo,
                    () -> c.unwrap(org.h2.jdbc.JdbcConnection.class),
                    () -> s.executeQuery("SELECT status FROM t_order WHERE user_id = 1"),
                    () -> s.executeUpdate("DELETE FROM t_order WHERE user_id = 1"),
                    () -> s.addBatch("DELETE FROM t_order WHERE user_id = 1"),
                    s::getResultSet,
                    s::getUpdateCount,
                    () -> s.setFetchSize(1),
                    s::getConnection,
                    s::getMaxRows,
                    () -> s.setMaxRows(1),
                    s::getWarnings,
                    s::getGeneratedKeys,
                    s::getMoreResults,
                    s::executeBatch,
                    s::clearBatch,
                    s::cancel,
                    s::getResultSetHoldability,
                    ps::executeQuery,
                    () -> ps.setLong(1, 1),
                    ps::addBatch,
                    ps::executeBatch,
                    ps::clearParameters,
                    ps::getMetaData,
                    ps::getParameterMetaData,
                    ps::executeUpdate,
                    ps::execute,
                    () -> ps.setObject(1, 1L),
                    () -> ps.setNull(1, Types.BIGINT),
                    rs::next,
                    () -> rs.getString(1),
                    rs::getStatement,
                    rs::getMetaData,
                    () -> rs.getObject(1, Long.class));
            for (int i = 0; i < calls.size(); i++) {
                Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(calls.get(i));
                assertThat(thrown).as("call #%d after close", i).isInstanceOf(SQLException.class);
            }
            assertThatCode(() -> {
                s.close();
                ps.close();
                rs.close();
            }).doesNotThrowAnyException();
        }

        @Test
        void aClosedStatementOnAnOpenConnectionThrowsAndClosesTwiceQuietly() throws SQLException {
            try (Connection c = ds.getConnection()) {
                Statement s = c.createStatement();
                PreparedStatement ps = c.prepareStatement("SELECT status FROM t_order WHERE user_id = ?");
                s.close();
                ps.close();
                assertThatCode(() -> {
                    s.close();
                    ps.close();
                }).doesNotThrowAnyException();
                assertThatThrownBy(() -> s.executeQuery("SELECT status FROM t_order WHERE user_id = 1"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("closed");
                assertThatThrownBy(() -> ps.setLong(1, 1)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("closed");
                assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("closed");
                // The connection itself is unaffected.
                try (Statement other = c.createStatement();
                     ResultSet rs = other.executeQuery("SELECT COUNT(*) FROM t_audit")) {
                    assertThat(rs.next()).isTrue();
                }
            }
        }

        @Test
        void aBroadcastWriteFailingOnOneShardIsRolledBackEverywhere() throws SQLException {
            try (Connection c = direct(2); Statement s = c.createStatement()) {
                s.execute("DROP TABLE t_region");
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t_region (region_id, name) VALUES (9, 'x')"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("Shard ds2")
                        .hasMessageContaining("nothing was applied");
                // All or nothing: no other shard kept the row.
                for (int shard : new int[] {0, 1, 3}) {
                    try (Connection d = direct(shard); Statement t = d.createStatement();
                         ResultSet rs = t.executeQuery("SELECT COUNT(*) FROM t_region WHERE region_id = 9")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("region 9 on shard %d", shard).isZero();
                    }
                }
                // The connection stays usable.
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_audit")) {
                    assertThat(rs.next()).isTrue();
                }
            } finally {
                try (Connection c = direct(2); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE t_region (region_id INT NOT NULL, name VARCHAR(50) NOT NULL,"
                            + " PRIMARY KEY (region_id))");
                }
            }
        }

        @Test
        void aPreparedBroadcastWriteFailingOnOneShardIsRolledBackEverywhere() throws SQLException {
            try (Connection c = direct(1); Statement s = c.createStatement()) {
                s.execute("INSERT INTO t_region (region_id, name) VALUES (5, 'already here')");
            }
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO t_region (region_id, name) VALUES (?, ?)")) {
                ps.setInt(1, 5);
                ps.setString(2, "south");
                assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("Shard ds1")
                        .hasMessageContaining("nothing was applied");
            }
            for (int shard : new int[] {0, 2, 3}) {
                try (Connection d = direct(shard); Statement t = d.createStatement();
                     ResultSet rs = t.executeQuery("SELECT COUNT(*) FROM t_region WHERE region_id = 5")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("region 5 on shard %d", shard).isZero();
                }
            }
        }
    }

    static int count(ResultSet rs) throws SQLException {
        try (rs) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        }
    }
}
