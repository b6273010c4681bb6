package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.ResultSets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Statements that suites from outside the project found answered wrongly or crashing: each runs through Shard over
 * four shards and on one plain MariaDB database, and the answers must be the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutsideSuiteCasesIT {

    static final int SHARDS = 4;

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;
    private Connection reference;
    private SlotMap slots;

    @BeforeAll
    void start() throws SQLException {
        databases = DifferentialDatabases.create("shard_it_outside", SHARDS);
        reference = databases.reference();
        sharded = databases.open(databases.config(3)
                .shardedTable("t_order", "user_id")
                .shardedTable("t_order_item", "user_id")
                .build());
        slots = SlotMap.of(sharded.config());
        both("CREATE TABLE t_order (order_id BIGINT NOT NULL, user_id BIGINT NOT NULL, status VARCHAR(20),"
                + " amount DECIMAL(10,2), PRIMARY KEY (order_id))");
        both("CREATE TABLE t_order_item (item_id BIGINT NOT NULL, order_id BIGINT NOT NULL, user_id BIGINT NOT NULL,"
                + " qty INT, PRIMARY KEY (item_id))");
        for (int id = 1; id <= 300; id++) {
            int user = 1 + (id * 7) % 60;
            both("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (" + id + ", " + user + ", '"
                    + (id % 3 == 0 ? "paid" : "new") + "', " + (id % 11) + "." + (id % 100) + ")");
            both("INSERT INTO t_order_item (item_id, order_id, user_id, qty) VALUES (" + id + ", " + id + ", "
                    + user + ", " + (id % 5) + ")");
        }
    }

    @AfterAll
    void stop() throws SQLException {
        if (databases != null) {
            databases.close();
        }
    }

    @Test
    void joinsOfDerivedTablesRunAndMatchTheReference() throws SQLException {
        assertSameRows("SELECT a.x FROM (SELECT 1 AS x) a JOIN (SELECT 1 AS y) b ON a.x = b.y");
        assertSameRows("SELECT a.x, b.y FROM (SELECT 1 AS x UNION ALL SELECT 2) a JOIN (SELECT 2 AS y) b"
                + " ON a.x = b.y");
        assertSameRows("SELECT a.order_id, b.qty FROM (SELECT order_id, user_id FROM t_order WHERE user_id = 8) a"
                + " JOIN (SELECT order_id, qty FROM t_order_item WHERE user_id = 8) b ON a.order_id = b.order_id"
                + " ORDER BY a.order_id");
        assertSameRows("SELECT o.order_id, d.y FROM t_order o JOIN (SELECT 8 AS y) d ON o.user_id = d.y"
                + " WHERE o.user_id = 8 ORDER BY o.order_id");
        assertSameRows("SELECT o.order_id, d.user_id FROM t_order o JOIN (SELECT 8 AS user_id) d USING (user_id)"
                + " WHERE o.user_id = 8 ORDER BY o.order_id");
    }

    @Test
    void literalKeysFindTheRowsOfTheNumberMySqlComparesThemTo() throws SQLException {
        String[][] spellings = {
            {"10", "b'1010'", "B'1010'", "0b1010", "0xA", "x'0A'", "+10", "10.0", "'10'", "'10.0'", "(10)", "1e1"},
            {"37", "0x25", "X'25'", "b'100101'", "+37", "37.00", "'37'"},
        };
        for (String[] forms : spellings) {
            for (String form : forms) {
                assertSameRows("SELECT order_id, user_id FROM t_order WHERE user_id = " + form + " ORDER BY order_id");
                assertSameRows("SELECT order_id FROM t_order WHERE user_id IN (" + form + ", 3) ORDER BY order_id");
                assertSameRows("SELECT COUNT(*) FROM t_order o JOIN t_order_item i ON i.user_id = o.user_id"
                        + " AND i.order_id = o.order_id WHERE " + form + " = o.user_id");
            }
        }
        // Inserted rows land where their key, read as MySQL reads it, hashes to.
        String[] keys = {"b'1010'", "0x25", "+41", "'42'", "43.0", "0x2C"};
        for (int i = 0; i < keys.length; i++) {
            both("INSERT INTO t_order (order_id, user_id, status) VALUES (" + (1000 + i) + ", " + keys[i] + ", 'lit')");
        }
        assertSameRows("SELECT order_id, user_id FROM t_order WHERE status = 'lit' ORDER BY order_id");
        List<Connection> shards = databases.shards();
        for (int shard = 0; shard < SHARDS; shard++) {
            for (List<String> row : rows(shards.get(shard), "SELECT user_id FROM t_order WHERE status = 'lit'")) {
                assertThat(slots.shardIndexOf(Long.parseLong(row.get(0)))).as("user %s on shard %d", row, shard)
                        .isEqualTo(shard);
            }
        }
    }

    @Test
    void selectItemsAfterAStarSortAsHiddenColumnsAndExplainShowsThem() throws SQLException {
        for (String sql : List.of("SELECT *, order_id, o.* FROM t_order o ORDER BY o.order_id",
                "SELECT *, status FROM t_order ORDER BY status, order_id",
                "SELECT amount, t_order.* FROM t_order ORDER BY amount DESC, order_id DESC LIMIT 40",
                "SELECT o.*, amount AS a FROM t_order o ORDER BY a, order_id LIMIT 7, 30",
                "SELECT o.*, i.qty FROM t_order o JOIN t_order_item i ON i.user_id = o.user_id"
                        + " AND i.order_id = o.order_id ORDER BY i.qty, o.order_id")) {
            assertSameRows(sql);
            assertThat(sharded.explain(sql).toString()).as(sql).contains("AS __shard_0");
        }
    }

    @Test
    void limitsBeyondALongMeanToTheEnd() throws SQLException {
        for (String sql : List.of("SELECT order_id FROM t_order ORDER BY order_id LIMIT 10, 18446744073709551615",
                "SELECT order_id FROM t_order ORDER BY order_id LIMIT 18446744073709551615 OFFSET 290",
                "SELECT order_id FROM t_order ORDER BY order_id LIMIT 9223372036854775807, 9223372036854775807",
                "SELECT order_id FROM t_order ORDER BY order_id LIMIT 18446744073709551615",
                "SELECT user_id, COUNT(*) FROM t_order GROUP BY user_id ORDER BY user_id LIMIT 50, 18446744073709551615")) {
            assertSameRows(sql);
            assertThat(sharded.explain(sql).toString()).as(sql).doesNotContain("LIMIT -").doesNotContain("LIMIT 9\n");
        }
        String prepared = "SELECT order_id FROM t_order ORDER BY order_id LIMIT ?, ?";
        try (Connection c = sharded.getConnection(); var ps = c.prepareStatement(prepared);
             var reference = this.reference.prepareStatement(prepared)) {
            for (var target : List.of(ps, reference)) {
                target.setLong(1, 280);
                target.setObject(2, new java.math.BigInteger("18446744073709551615"));
            }
            try (ResultSet mine = ps.executeQuery(); ResultSet theirs = reference.executeQuery()) {
                assertThat(ResultSets.rows(mine)).hasSize(20).isEqualTo(ResultSets.rows(theirs));
            }
        }
    }

    /**
     * getDate/getTime/getTimestamp with a Calendar on a merged result answer as the shard's own (Connector/J)
     * result set does when the key pins one shard, for every temporal column type.
     */
    @Test
    void calendarGettersOfAMergedResultAnswerAsASingleShardResultDoes() throws SQLException {
        both("CREATE TABLE t_when (id BIGINT NOT NULL, user_id BIGINT NOT NULL, c_dt DATETIME(3), c_date DATE,"
                + " c_time TIME, c_ts TIMESTAMP(3) NULL, PRIMARY KEY (id))");
        for (int id = 1; id <= 12; id++) {
            String at = "'2024-0" + (1 + id % 9) + "-1" + id % 10 + " 0" + id % 10 + ":3" + id % 6 + ":07.250'";
            both("INSERT INTO t_when (id, user_id, c_dt, c_date, c_time, c_ts) VALUES (" + id + ", " + id * 3 + ", "
                    + (id == 5 ? "NULL, NULL, NULL, NULL" : at + ", " + at + ", " + at + ", " + at) + ")");
        }
        java.util.Calendar calendar = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone(
                "Asia/Kathmandu".equals(java.util.TimeZone.getDefault().getID()) ? "America/St_Johns"
                        : "Asia/Kathmandu"));
        java.util.Map<Long, List<Object>> merged = new java.util.HashMap<>();
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, c_dt, c_date, c_time, c_ts FROM t_when ORDER BY id")) {
            while (rs.next()) {
                merged.put(rs.getLong(1), calendarGetters(rs, calendar));
            }
        }
        assertThat(merged).hasSize(12);
        try (Connection c = sharded.getConnection(); var ps = c.prepareStatement(
                "SELECT id, c_dt, c_date, c_time, c_ts FROM t_when WHERE user_id = ?")) {
            for (long id = 1; id <= 12; id++) {
                ps.setLong(1, id * 3);
                try (ResultSet single = ps.executeQuery()) {
                    assertThat(single.next()).isTrue();
                    assertThat(merged.get(id)).as("row %d: merged, then single-shard", id)
                            .isEqualTo(calendarGetters(single, calendar));
                }
            }
        }
    }

    private static List<Object> calendarGetters(ResultSet rs, java.util.Calendar calendar) throws SQLException {
        return java.util.Arrays.asList(rs.getTimestamp(2, calendar), rs.getDate(2, calendar), rs.getTime(2, calendar),
                rs.getDate(3, calendar), rs.getTimestamp(3, calendar), rs.getTime(4, calendar),
                rs.getTimestamp(5, calendar), rs.getDate("c_ts", calendar), rs.getTime("C_DT", calendar));
    }

    /** The same rows, in the same order, through Shard and from the reference database. */
    private void assertSameRows(String sql) throws SQLException {
        try (Connection c = sharded.getConnection()) {
            assertThat(rows(c, sql)).as(sql).isEqualTo(rows(reference, sql));
        }
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return ResultSets.rows(rs);
        }
    }

    private void both(String sql) throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            s.execute(sql);
            r.execute(sql);
        }
    }
}
