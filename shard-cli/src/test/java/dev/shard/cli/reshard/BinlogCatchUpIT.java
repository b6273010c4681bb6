package dev.shard.cli.reshard;

import com.zaxxer.hikari.HikariDataSource;
import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.Readiness;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catch-up on a MariaDB server of the test's own with a ROW binary log: changes made after a recorded position
 * are replayed into two target databases (dst1 and dst2, on the same server: the replay reads only the source
 * database's events), and each target ends with exactly the source rows whose slot moves to it, value by value.
 *
 * <p>Slots stand in as {@code k mod 3}: 0 moves to dst1, 1 to dst2, 2 stays on the source.
 */
class BinlogCatchUpIT {

    private static final long PID = ProcessHandle.current().pid();
    private static final String SOURCE = "shard_it_binlog_src_" + PID;
    private static final String DST1 = "shard_it_binlog_dst1_" + PID;
    private static final String DST2 = "shard_it_binlog_dst2_" + PID;
    private static final String OTHER = "shard_it_binlog_other_" + PID;
    /** One column of each type the replay converts, and NULLs in any of them. */
    private static final String ALL_TYPES = """
            CREATE TABLE t_all (
              id BIGINT NOT NULL PRIMARY KEY, k INT NOT NULL,
              ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT,
              miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
              f FLOAT, d DOUBLE, dec_small DECIMAL(10,2), dec_big DECIMAL(65,30), b1 BIT(1), b10 BIT(10), b64 BIT(64),
              dt DATE, dtm DATETIME(6), dtm0 DATETIME, ts TIMESTAMP(3) NULL DEFAULT NULL, tm TIME(6), yr YEAR,
              ch CHAR(10), vc VARCHAR(100), latin VARCHAR(20) CHARACTER SET latin1, tx TEXT,
              bn BINARY(4), vb VARBINARY(20), bl BLOB, en ENUM('a','b','it''s'), st SET('x','y','z'), js JSON
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";
    private static final String COLUMNS = "id, k, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, f, d, dec_small, dec_big, "
            + "b1, b10, b64, dt, dtm, dtm0, ts, tm, yr, ch, vc, latin, tx, bn, vb, bl, en, st, js";

    private static ExtraMariaDb server;
    private static HikariDataSource dst1;
    private static HikariDataSource dst2;
    private static JdbcChangeApplier applier;

    @BeforeAll
    static void startServer() throws SQLException {
        server = ExtraMariaDb.start(ExtraMariaDb.replicationOptions(1));
        dst1 = pool(DST1);
        dst2 = pool(DST2);
        applier = new JdbcChangeApplier(Map.of("dst1", dst1, "dst2", dst2));
    }

    private static HikariDataSource pool(String database) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(server.jdbcUrl(database));
        pool.setUsername(server.user());
        pool.setPassword(server.password());
        pool.setMaximumPoolSize(2);
        pool.setInitializationFailTimeout(-1); // the databases are made per test
        return pool;
    }

    @AfterAll
    static void stopServer() {
        for (HikariDataSource pool : new HikariDataSource[] {dst1, dst2}) {
            if (pool != null) {
                pool.close();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshDatabases() throws SQLException {
        for (String database : List.of(SOURCE, DST1, DST2, OTHER)) {
            server.createDatabase(database);
        }
        for (String database : List.of(SOURCE, DST1, DST2, OTHER)) {
            execute(database, ALL_TYPES);
            execute(database, "CREATE TABLE t_plain (id INT PRIMARY KEY, k INT)");
        }
        Readiness.awaitConnection(dst1, "target pool dst1");
        Readiness.awaitConnection(dst2, "target pool dst2");
    }

    /** k mod 3: 0 to dst1, 1 to dst2, 2 stays. */
    static final MovingRows BY_K = new MovingRows() {
        @Override
        public Optional<String> newOwner(String table, Map<String, Object> row) {
            int k = ((Number) row.get("k")).intValue();
            return switch (Math.floorMod(k, 3)) {
                case 0 -> Optional.of("dst1");
                case 1 -> Optional.of("dst2");
                default -> Optional.empty();
            };
        }

        @Override
        public Set<String> tables() {
            return Set.of("t_all");
        }
    };

    @Test
    void replaysInsertsUpdatesAndDeletesOfEveryColumnTypeIntoTheNewOwners() throws Exception {
        // Rows that exist before the position: the copy brings them over, the replay must agree with it.
        insertRow(1, 0, 1);
        insertRow(2, 1, 2);
        insertRow(3, 2, 3);
        insertRow(4, 3, 4);
        BinlogPosition start = position();
        insertRow(10, 6, 5);
        insertRow(11, 7, 6);
        insertRow(12, 8, 7);
        insertRow(13, 9, 8); // extreme values
        insertRow(14, 12, 0); // NULLs
        // The copy runs between changes: those before it are replayed over rows that already have them, those
        // after it reach the targets only through the replay.
        copyMovingRows();
        inSource("UPDATE t_all SET vc = 'updated ünïcödé', dec_small = -12.50, ts = '2024-10-27 02:30:00.123', "
                + "tm = '838:59:59.000000', en = 'it''s', st = 'x,z', b10 = b'1000000001' WHERE id = 1");
        inSource("UPDATE t_all SET k = 5 WHERE id = 4"); // dst1 -> stays: deleted from dst1
        inSource("UPDATE t_all SET k = 15 WHERE id = 3"); // stays -> dst1: upserted there
        inSource("UPDATE t_all SET k = 16 WHERE id = 10"); // dst1 -> dst2: deleted from dst1, upserted into dst2
        inSource("UPDATE t_all SET id = 100 WHERE id = 11"); // key change within dst2
        inSource("DELETE FROM t_all WHERE id = 12");
        inSource("DELETE FROM t_all WHERE id = 2"); // a copied row deleted later
        // A transaction with several changes, some to other tables and another database, which are not replayed.
        try (Connection c = server.connect(SOURCE); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO t_plain VALUES (1, 3)");
            s.execute("UPDATE t_all SET ch = 'tx', k = 18 WHERE id = 14");
            s.execute("INSERT INTO " + OTHER + ".t_all (id, k) VALUES (500, 3)");
            c.commit();
        }

        BinlogPosition end = position();
        try (BinlogCatchUp catchUp = catchUp(start, applier)) {
            catchUp.start();
            assertThat(catchUp.awaitApplied(end, Readiness.BOUND)).as("applied %s, failure %s", catchUp.applied(),
                    catchUp.failure()).isTrue();
            assertThat(catchUp.failure()).isEmpty();
        }
        assertTargetsMatchSource();
        assertThat(ids(DST1)).containsExactly(1L, 3L, 13L, 14L);
        assertThat(ids(DST2)).containsExactly(10L, 100L);
    }

    @Test
    void aResumeFromAppliedAfterAFailureMidTransactionEndsInTheSameRows() throws Exception {
        BinlogPosition start = position();
        for (int t = 0; t < 12; t++) {
            try (Connection c = server.connect(SOURCE); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                for (int r = 0; r < 3; r++) {
                    int id = t * 3 + r;
                    s.execute("INSERT INTO t_all (id, k, vc) VALUES (" + id + ", " + id + ", 'v" + id + "')");
                }
                s.execute("UPDATE t_all SET vc = CONCAT(vc, '+') WHERE id = " + (t * 3));
                c.commit();
            }
        }
        BinlogPosition end = position();
        // Fails on its 14th write: the second of the fifth transaction (three writes each: two inserts and an
        // update move).
        AtomicInteger writes = new AtomicInteger();
        ChangeApplier failing = new ChangeApplier() {
            @Override
            public void upsert(String target, String table, Map<String, Object> row) throws SQLException {
                if (writes.incrementAndGet() == 14) {
                    throw new SQLException("injected failure");
                }
                applier.upsert(target, table, row);
            }

            @Override
            public void delete(String target, String table, Map<String, Object> row) throws SQLException {
                applier.delete(target, table, row);
            }
        };
        BinlogPosition stoppedAt;
        try (BinlogCatchUp first = catchUp(start, failing)) {
            first.start();
            assertThat(first.awaitApplied(end, Readiness.BOUND)).isFalse();
            assertThat(first.failure()).get().extracting(Throwable::getMessage).asString()
                    .contains("injected failure");
            stoppedAt = first.applied();
        }
        assertThat(stoppedAt).isGreaterThan(start).isLessThan(end);
        try (BinlogCatchUp second = catchUp(stoppedAt, applier)) {
            second.start();
            assertThat(second.awaitApplied(end, Readiness.BOUND)).as("failure %s", second.failure()).isTrue();
            // The targets are on the same server: their own writes follow in its binary log.
            assertThat(second.applied()).isGreaterThanOrEqualTo(end);
        }
        assertTargetsMatchSource();
        assertThat(ids(DST1).size() + ids(DST2).size()).isEqualTo(24);
    }

    @Test
    void followsTheBinaryLogAcrossRotations() throws Exception {
        BinlogPosition start = position();
        insertRow(1, 0, 1);
        inSource("FLUSH BINARY LOGS");
        insertRow(2, 1, 2);
        inSource("UPDATE t_all SET k = 3 WHERE id = 2");
        inSource("FLUSH BINARY LOGS");
        insertRow(3, 4, 3);
        BinlogPosition end = position();
        assertThat(end.file()).isNotEqualTo(start.file());
        try (BinlogCatchUp catchUp = catchUp(start, applier)) {
            catchUp.start();
            assertThat(catchUp.awaitApplied(end, Readiness.BOUND)).as("failure %s", catchUp.failure()).isTrue();
            assertThat(catchUp.applied().file()).isEqualTo(end.file());
        }
        assertTargetsMatchSource();
        assertThat(ids(DST1)).containsExactly(1L, 2L);
        assertThat(ids(DST2)).containsExactly(3L);
    }

    @Test
    void reachesTheCurrentPositionWithNothingToReplayAndReportsGtids() throws Exception {
        BinlogPosition start = position();
        assertThat(start.gtidSet()).isNotNull();
        inSource("INSERT INTO t_plain VALUES (7, 7)");
        BinlogPosition end = position();
        try (BinlogCatchUp catchUp = catchUp(start, applier)) {
            catchUp.start();
            assertThat(catchUp.awaitApplied(end, Readiness.BOUND)).isTrue();
            assertThat(catchUp.applied()).isEqualTo(end);
            assertThat(catchUp.applied().gtidSet()).isEqualTo(end.gtidSet());
        }
    }

    @Test
    void prerequisitesNameTheSettingToChange() throws Exception {
        try (Connection c = server.connect(SOURCE)) {
            assertThat(BinlogCatchUp.prerequisites(c)).isEmpty();
            try (Statement s = c.createStatement()) {
                s.execute("SET GLOBAL binlog_format = 'STATEMENT'");
                try {
                    assertThat(BinlogCatchUp.prerequisites(c)).singleElement().asString()
                            .contains("binlog_format is STATEMENT").contains("SET GLOBAL binlog_format = 'ROW'");
                } finally {
                    s.execute("SET GLOBAL binlog_format = 'ROW'");
                }
                s.execute("CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY 'pw'");
                s.execute("GRANT SELECT ON *.* TO 'reader'@'127.0.0.1'");
            }
        }
        try (Connection c = java.sql.DriverManager.getConnection(server.jdbcUrl(SOURCE), "reader", "pw")) {
            assertThat(BinlogCatchUp.prerequisites(c)).singleElement().asString()
                    .contains("REPLICATION SLAVE").contains("BINLOG MONITOR").contains("GRANT");
        } finally {
            inSource("DROP USER 'reader'@'127.0.0.1'");
        }
        try (Connection c = serverWithoutBinlog()) {
            List<String> problems = BinlogCatchUp.prerequisites(c);
            assertThat(problems).anySatisfy(p -> assertThat(p).contains("log_bin is OFF").contains("log_bin ="));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> BinlogCatchUp.currentPosition(c))
                    .isInstanceOf(SQLException.class).hasMessageContaining("log_bin=OFF");
        }
    }

    /** The shared test server when it has no binary log (as installed here), otherwise one started without. */
    private static Connection serverWithoutBinlog() throws SQLException {
        MySqlServer shared = MySqlServer.require();
        Connection c = shared.connect("");
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@log_bin")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return c;
            }
        }
        c.close();
        ExtraMariaDb plain = ExtraMariaDb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(plain::close));
        return plain.connect("");
    }

    private BinlogCatchUp catchUp(BinlogPosition start, ChangeApplier changes) {
        BinlogSource source = BinlogSource.fromJdbcUrl("src", server.jdbcUrl(SOURCE), server.user(),
                server.password());
        return new BinlogCatchUp(source, start, BY_K, changes, BinlogCatchUp.randomClientServerId());
    }

    private static BinlogPosition position() throws SQLException {
        try (Connection c = server.connect(SOURCE)) {
            return BinlogCatchUp.currentPosition(c);
        }
    }

    /**
     * One row of t_all with values chosen by {@code variant}: 0 NULLs everywhere it may, 8 the types' extremes,
     * others ordinary values that differ by row. The session's time zone is not the server's, so that a TIMESTAMP
     * taken in the wrong zone would show.
     */
    private static void insertRow(long id, int k, int variant) throws SQLException {
        String values;
        if (variant == 0) {
            values = id + ", " + k + ", NULL".repeat(33);
        } else if (variant == 8) {
            values = id + ", " + k + ", -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, "
                    + "-9223372036854775808, 18446744073709551615, -3.4e38, 1.7976931348623157e308, "
                    + "-99999999.99, 12345678901234567890123456789012345.123456789012345678901234567890, "
                    + "b'1', b'1111111111', b'1111111111111111111111111111111111111111111111111111111111111111', "
                    + "'0000-00-00', '9999-12-31 23:59:59.999999', '0000-00-00 00:00:00', '2038-01-19 03:14:07.999', "
                    + "'00:00:00', 2155, 'ten chars!', '" + "€".repeat(100) + "', 'àé€Ÿ', '" + "x".repeat(3000)
                    + "', x'00000000', x'', x'ff00ff', 'a', '', '[1, {\"a\": null}]'";
        } else {
            values = id + ", " + k + ", " + variant + ", " + (200 + variant) + ", -" + variant + ", " + (60000 + variant)
                    + ", " + variant + "00, " + (16000000 + variant) + ", -" + variant + "000, " + (4000000000L + variant)
                    + ", " + variant + "0000000000, " + "1800000000000000000" + variant + ", " + variant + ".5, "
                    + variant + ".25e-10, " + variant + ".05, -0." + variant + "00000000000000000000000000001, b'0', "
                    + "b'10101', b'1000000000000000000000000000000000000000000000000000000000000001', '2024-02-29', "
                    + "'1999-12-31 23:59:59.000001', '1000-01-01 00:00:00', '2024-03-31 01:59:59.5', '12:34:56.789', "
                    + (2000 + variant) + ", 'c" + variant + "', 'vc " + variant + " 😀', 'caf" + variant + "é', 'text "
                    + variant + "', x'0102', x'00ff" + variant + "0', x'deadbeef00', 'b', 'y,z', '{\"n\": " + variant
                    + "}'";
        }
        try (Connection c = server.connect(SOURCE); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+05:30'");
            s.execute("INSERT INTO t_all (" + COLUMNS + ") VALUES (" + values + ")");
        }
    }

    /** The copy's part: the source's rows in moving slots as they are now, upserted into their new owners. */
    private static void copyMovingRows() throws SQLException {
        for (Map<String, Object> row : readForCopy()) {
            Optional<String> owner = BY_K.newOwner("t_all", row);
            if (owner.isPresent()) {
                applier.upsert(owner.get(), "t_all", row);
            }
        }
    }

    /**
     * Rows as a copy might read them: getObject, except dates and times as text (zero dates, TIME beyond 24 hours
     * and YEAR do not fit java.sql types) and BIT as bytes.
     */
    private static List<Map<String, Object>> readForCopy() throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = server.connect(SOURCE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM t_all ORDER BY id")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = switch (meta.getColumnTypeName(i)) {
                        case "DATE", "DATETIME", "TIME" -> rs.getString(i);
                        case "YEAR" -> rs.getObject(i) == null ? null : rs.getInt(i);
                        case "BIT" -> rs.getBytes(i);
                        default -> rs.getObject(i);
                    };
                    row.put(meta.getColumnLabel(i), value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static void assertTargetsMatchSource() throws SQLException {
        List<List<String>> source = snapshot(SOURCE);
        Map<String, List<List<String>>> expected = Map.of("dst1", new ArrayList<>(), "dst2", new ArrayList<>());
        for (List<String> row : source) {
            int k = Integer.parseInt(row.get(1).substring("k=".length()));
            String owner = switch (Math.floorMod(k, 3)) {
                case 0 -> "dst1";
                case 1 -> "dst2";
                default -> null;
            };
            if (owner != null) {
                expected.get(owner).add(row);
            }
        }
        assertThat(snapshot(DST1)).as("dst1").containsExactlyElementsOf(expected.get("dst1"));
        assertThat(snapshot(DST2)).as("dst2").containsExactlyElementsOf(expected.get("dst2"));
    }

    /** Every row of t_all, every column as text (binary ones in hex), ordered by id. */
    private static List<List<String>> snapshot(String database) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT ");
        String[] columns = COLUMNS.split(", ");
        for (int i = 0; i < columns.length; i++) {
            String column = columns[i];
            boolean binary = column.startsWith("b") && !column.equals("bi") && !column.equals("biu");
            select.append(i == 0 ? "" : ", ").append(binary ? "HEX(" + column + ")" : column);
        }
        select.append(" FROM t_all ORDER BY id");
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(select.toString())) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns.length; i++) {
                    row.add(columns[i - 1] + "=" + rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<Long> ids(String database) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM t_all ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static void inSource(String sql) throws SQLException {
        execute(SOURCE, sql);
    }

    private static void execute(String database, String sql) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
