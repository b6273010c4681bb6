package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.ResultSets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The merge orders, groups and compares strings as the database does, whatever the column's collation: the same
 * rows, sharded by id over three shards and in one plain reference database, give the same answers to ORDER BY,
 * GROUP BY, DISTINCT, COUNT(DISTINCT) and MIN/MAX. Strings that tie under the collation ('ß' and 's' under
 * general_ci, 'ß' and 'ss' under unicode_ci, 'x' and 'x ' under PAD SPACE) may come back in either spelling or
 * order among themselves, as from one database; those answers are compared under the collation (by the reference
 * database's STRCMP), everything else exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollationMergeIT {

    static final int SHARDS = 3;
    static final List<String> WORDS = List.of("s", "ß", "ss", "Straße", "strase", "STRASSE", "a", "Å", "b", "bob",
            "æ", "ae", "zed", "Zed", "zeta", "x", "x ", "x\t", "é", "E", "ö", "o", "_", "9", "Ǆ", "dž", "ﬁ", "fi");
    static final List<String> ENUMS = List.of("zeta", "alpha", "mid");

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;
    private Connection reference;

    @BeforeAll
    void start() throws SQLException {
        databases = DifferentialDatabases.create("shard_it_coll", SHARDS);
        reference = databases.reference();
        sharded = databases.open(databases.config(3).shardedTable("t_word", "id").shardedTable("t_name", "k")
                .build());
    }

    @AfterAll
    void stop() throws SQLException {
        if (databases != null) {
            databases.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_bin", "utf8mb4_0900_ai_ci",
            "utf8mb4_uca1400_ai_ci", "utf8mb4_nopad_bin"})
    void stringKeysMergeAsOneDatabase(String collation) throws SQLException {
        Assumptions.assumeTrue(serverHas(collation), "the server has no collation " + collation);
        createTable(collation);
        exactly("SELECT w, id FROM t_word ORDER BY w, id");
        exactly("SELECT w, id FROM t_word ORDER BY w DESC, id");
        exactly("SELECT id FROM t_word ORDER BY w, id LIMIT 5 OFFSET 3");
        exactly("SELECT COUNT(DISTINCT w) FROM t_word");
        underCollation(collation, "SELECT w FROM t_word ORDER BY w", true);
        underCollation(collation, "SELECT w FROM t_word ORDER BY w DESC", true);
        underCollation(collation, "SELECT w, COUNT(*), MIN(id), MAX(id) FROM t_word GROUP BY w", false);
        underCollation(collation, "SELECT w, COUNT(*) FROM t_word GROUP BY w ORDER BY w DESC", false);
        underCollation(collation, "SELECT w, COUNT(*) FROM t_word GROUP BY w ORDER BY COUNT(*) DESC, w", false);
        underCollation(collation, "SELECT DISTINCT w FROM t_word", false);
        underCollation(collation, "SELECT DISTINCT w FROM t_word ORDER BY w DESC", false);
        underCollation(collation, "SELECT DISTINCT w FROM t_word ORDER BY w LIMIT 12", false);
        underCollation(collation, "SELECT MIN(w), MAX(w) FROM t_word", false);
        underCollation(collation, "SELECT id % 2, MIN(w), MAX(w), COUNT(DISTINCT w) FROM t_word GROUP BY id % 2", false);
        underCollation(collation, "SELECT w FROM t_word WHERE id IN (2, 3, 17, 23) ORDER BY w", true);
    }

    @Test
    void enumKeysSortByMemberPosition() throws SQLException {
        createTable("utf8mb4_general_ci");
        exactly("SELECT e, id FROM t_word ORDER BY e, id");
        exactly("SELECT e, id FROM t_word ORDER BY e DESC, id");
        exactly("SELECT e, COUNT(*) FROM t_word GROUP BY e");
        exactly("SELECT e, COUNT(*) FROM t_word GROUP BY e ORDER BY e DESC");
        exactly("SELECT DISTINCT e FROM t_word ORDER BY e");
        exactly("SELECT COUNT(DISTINCT e) FROM t_word");
        exactly("SELECT MIN(e), MAX(e) FROM t_word");
        exactly("SELECT e, w, id FROM t_word ORDER BY e, w, id");
    }

    /**
     * A column changed behind Shard's back (not through it, so its catalog was not told): a column that turned
     * into an ENUM is read again as soon as a shard's result shows a string where a number was; new ENUM members
     * fail the first statement that meets one, with a message saying so, and are read for the next.
     */
    @Test
    void columnsChangedBehindShardsBackAreReadAgain() throws SQLException {
        createTable("utf8mb4_general_ci");
        direct("ALTER TABLE t_word ADD COLUMN n INT");
        direct("UPDATE t_word SET n = id % 4");
        exactly("SELECT n, id FROM t_word ORDER BY n, id");
        direct("ALTER TABLE t_word DROP COLUMN n, ADD COLUMN n ENUM('three', 'one', 'two', 'zero')");
        direct("UPDATE t_word SET n = ELT(id % 4 + 1, 'zero', 'one', 'two', 'three')");
        exactly("SELECT n, id FROM t_word ORDER BY n, id");

        exactly("SELECT e, id FROM t_word ORDER BY e, id");
        direct("ALTER TABLE t_word MODIFY e ENUM('zeta', 'alpha', 'beta', 'mid')");
        direct("UPDATE t_word SET e = 'beta' WHERE id % 3 = 0");
        String sql = "SELECT e, id FROM t_word ORDER BY e, id";
        assertThatThrownBy(() -> exactly(sql)).isInstanceOf(SQLException.class)
                .hasMessageContaining("ENUM column t_word.e holds 'beta'");
        exactly(sql);
    }

    /** A statement on every shard database and the reference, bypassing Shard. */
    private void direct(String sql) throws SQLException {
        for (Connection target : databases.shards()) {
            try (Statement s = target.createStatement()) {
                s.execute(sql);
            }
        }
        try (Statement s = reference.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * A string shard key finds every row its column holds equal: the rows were routed by the collation's weights,
     * so 'Straße' and 'strase' (general_ci), 'ß' and 'ss' (unicode_ci), 'x' and 'x ' (PAD SPACE) are on one shard.
     */
    @ParameterizedTest
    @ValueSource(strings = {"utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_bin"})
    void stringShardKeysRouteByTheColumnCollation(String collation) throws SQLException {
        both("DROP TABLE IF EXISTS t_name");
        both("CREATE TABLE t_name (k VARCHAR(30) CHARACTER SET utf8mb4 COLLATE " + collation + " NOT NULL, v INT)");
        for (Connection target : List.of(sharded.getConnection(), reference)) {
            try (PreparedStatement insert = target.prepareStatement("INSERT INTO t_name VALUES (?, ?)")) {
                for (int i = 0; i < WORDS.size(); i++) {
                    insert.setString(1, WORDS.get(i));
                    insert.setInt(2, i);
                    insert.executeUpdate();
                }
            } finally {
                if (target != reference) {
                    target.close();
                }
            }
        }
        for (String word : WORDS) {
            for (String sql : List.of("SELECT k, v FROM t_name WHERE k = ? ORDER BY v",
                    "SELECT v FROM t_name WHERE k IN (?, 'no such key') ORDER BY v")) {
                List<List<String>> expected;
                try (PreparedStatement s = reference.prepareStatement(sql)) {
                    s.setString(1, word);
                    try (ResultSet rs = s.executeQuery()) {
                        expected = ResultSets.rows(rs);
                    }
                }
                try (Connection c = sharded.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                    s.setString(1, word);
                    try (ResultSet rs = s.executeQuery()) {
                        assertThat(ResultSets.rows(rs)).as(sql + " with '" + word + "'").isEqualTo(expected);
                    }
                }
            }
        }
    }

    private void createTable(String collation) throws SQLException {
        both("DROP TABLE IF EXISTS t_word");
        both("CREATE TABLE t_word (id BIGINT NOT NULL PRIMARY KEY, w VARCHAR(20) CHARACTER SET utf8mb4 COLLATE "
                + collation + ", e ENUM('" + String.join("','", ENUMS) + "'))");
        for (Connection target : List.of(sharded.getConnection(), reference)) {
            try (PreparedStatement insert = target.prepareStatement("INSERT INTO t_word VALUES (?, ?, ?)")) {
                for (int i = 0; i < WORDS.size(); i++) {
                    insert.setLong(1, i + 1);
                    insert.setString(2, WORDS.get(i));
                    insert.setString(3, i % 5 == 4 ? null : ENUMS.get(i % ENUMS.size()));
                    insert.executeUpdate();
                }
            } finally {
                if (target != reference) {
                    target.close();
                }
            }
        }
    }

    private void exactly(String sql) throws SQLException {
        assertThat(query(sharded.getConnection(), sql, true)).as(sql).isEqualTo(query(reference, sql, false));
    }

    /**
     * Same row count; in each row, strings equal under the collation and everything else exactly. With {@code
     * sortedOnly}, the rows may be any order among ties, so both sides are checked sorted and compared as sorted
     * by the reference (the merged ones must be in the database's order, not just hold the same values).
     */
    private void underCollation(String collation, String sql, boolean sortedOnly) throws SQLException {
        List<List<String>> merged = query(sharded.getConnection(), sql, true);
        List<List<String>> expected = query(reference, sql, false);
        assertThat(merged).as(sql).hasSameSizeAs(expected);
        if (!sql.contains("ORDER BY") && !sql.startsWith("SELECT MIN")) {
            merged = sortedByReference(collation, merged);
            expected = sortedByReference(collation, expected);
        }
        for (int i = 0; i < merged.size(); i++) {
            List<String> got = merged.get(i);
            List<String> want = expected.get(i);
            assertThat(got).as(sql + " row " + i).hasSameSizeAs(want);
            for (int c = 0; c < got.size(); c++) {
                if (got.get(c) != null && want.get(c) != null && !isNumber(want.get(c))) {
                    assertThat(strcmp(collation, got.get(c), want.get(c)))
                            .as(sql + " row " + i + ": " + got + " vs " + want).isZero();
                } else {
                    assertThat(got.get(c)).as(sql + " row " + i + ": " + got + " vs " + want).isEqualTo(want.get(c));
                }
            }
        }
        if (sortedOnly) {
            boolean descending = sql.endsWith("DESC");
            for (int i = 1; i < merged.size(); i++) {
                int c = strcmp(collation, merged.get(i - 1).get(0), merged.get(i).get(0));
                assertThat(descending ? -c : c).as(sql + " order at row " + i + ": " + merged).isLessThanOrEqualTo(0);
            }
        }
    }

    /** Rows sorted by their first column under the collation, then by the rest's text: for unordered answers. */
    private List<List<String>> sortedByReference(String collation, List<List<String>> rows) throws SQLException {
        List<List<String>> sorted = new ArrayList<>(rows);
        SQLException[] failure = {null};
        sorted.sort((a, b) -> {
            try {
                int c = a.get(0) == null || b.get(0) == null ? 0 : strcmp(collation, a.get(0), b.get(0));
                return c != 0 ? c : String.valueOf(a.subList(1, a.size())).compareTo(String.valueOf(b.subList(1, b.size())));
            } catch (SQLException e) {
                failure[0] = e;
                return 0;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        return sorted;
    }

    private int strcmp(String collation, String a, String b) throws SQLException {
        try (PreparedStatement s = reference.prepareStatement("SELECT STRCMP(CONVERT(? USING utf8mb4) COLLATE "
                + collation + ", CONVERT(? USING utf8mb4) COLLATE " + collation + ")")) {
            s.setString(1, a);
            s.setString(2, b);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static boolean isNumber(String s) {
        return s.matches("-?\\d+(\\.\\d+)?");
    }

    private static List<List<String>> query(Connection connection, String sql, boolean close) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return ResultSets.rows(rs);
        } finally {
            if (close) {
                connection.close();
            }
        }
    }

    private boolean serverHas(String collation) {
        try (Statement s = reference.createStatement();
             ResultSet rs = s.executeQuery("SELECT CONVERT('a' USING utf8mb4) COLLATE " + collation)) {
            return rs.next();
        } catch (SQLException e) {
            return false;
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
