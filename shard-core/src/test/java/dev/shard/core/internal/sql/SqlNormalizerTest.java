package dev.shard.core.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.dialect.NormalizedSql;
import dev.shard.core.internal.dialect.ParamSource.Literal;
import dev.shard.core.internal.dialect.ParamSource.UserParameter;
import dev.shard.core.internal.dialect.ParamSource;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlNormalizerTest {

    private static final Dialect MYSQL = new MySqlDialect();

    /** Expected params: {@code u(n)} is the user's n-th '?', anything else the value of a lifted literal. */
    private static Arguments c(String sql, String template, Object... params) {
        List<ParamSource> expected = new ArrayList<>();
        for (Object p : params) {
            expected.add(p instanceof ParamSource ps ? ps : new Literal(p));
        }
        return Arguments.of(sql, template, expected);
    }

    private static UserParameter u(int index) {
        return new UserParameter(index);
    }

    static Stream<Arguments> golden() {
        return Stream.of(
                // --- the basic lift, either side of the operator
                c("SELECT * FROM t_order WHERE user_id = 42", "SELECT * FROM t_order WHERE user_id = ?", 42L),
                c("SELECT * FROM t_order WHERE 42 = user_id", "SELECT * FROM t_order WHERE ? = user_id", 42L),
                c("select * from t where a=1and b=2", "select * from t where a=1and b=?", 2L),

                // --- unary versus binary minus
                c("SELECT * FROM t WHERE user_id=-5", "SELECT * FROM t WHERE user_id=?", -5L),
                c("SELECT a-1 FROM t", "SELECT a-? FROM t", 1L),
                c("SELECT col - 5 FROM t", "SELECT col - ? FROM t", 5L),
                c("SELECT a - -5, -2, (-3), 1-2 FROM t", "SELECT a - ?, ?, (?), ?-? FROM t", -5L, -2L, -3L, 1L, 2L),
                c("SELECT * FROM t WHERE a = - 5", "SELECT * FROM t WHERE a = - ?", 5L),
                c("SELECT * FROM t WHERE a IN (-1, -2.5) AND b BETWEEN -3 AND -4",
                        "SELECT * FROM t WHERE a IN (?, ?) AND b BETWEEN ? AND ?",
                        -1L, new BigDecimal("-2.5"), -3L, -4L),
                c("SELECT x--1 FROM t", "SELECT x-? FROM t", -1L),
                c("SELECT CASE WHEN a THEN -1 ELSE -2 END - 3 FROM t",
                        "SELECT CASE WHEN a THEN ? ELSE ? END - ? FROM t", -1L, -2L, 3L),

                // --- strings: quotes, escapes, double quotes, adjacent strings
                c("SELECT * FROM t WHERE s = 'it''s'", "SELECT * FROM t WHERE s = ?", "it's"),
                c("SELECT * FROM t WHERE s = 'a\\'b'", "SELECT * FROM t WHERE s = ?", "a'b"),
                c("SELECT * FROM t WHERE s = \"x\" OR s = \"say \"\"hi\"\"\"", "SELECT * FROM t WHERE s = ? OR s = ?",
                        "x", "say \"hi\""),
                c("SELECT * FROM t WHERE s = 'a\\nb\\tc\\\\d\\0e\\rf\\Zg\\bh\\\"i\\qj'",
                        "SELECT * FROM t WHERE s = ?", "a\nb\tc\\d\0e\rf\u001Ag\bh\"iqj"),
                c("SELECT * FROM t WHERE s LIKE 'a\\%b\\_c%'", "SELECT * FROM t WHERE s LIKE ?", "a\\%b\\_c%"),
                c("SELECT * FROM t WHERE s = 'a' 'b'\n \"c\"", "SELECT * FROM t WHERE s = ?", "abc"),
                c("SELECT * FROM t WHERE s = '' AND u = 'héllo ☃'", "SELECT * FROM t WHERE s = ? AND u = ?", "", "héllo ☃"),

                // --- user '?' interleaved with literals, in template order
                c("SELECT * FROM t WHERE a = ? AND b = 5 AND c IN (?, 'x', ?) LIMIT ?",
                        "SELECT * FROM t WHERE a = ? AND b = ? AND c IN (?, ?, ?) LIMIT ?",
                        u(1), 5L, u(2), "x", u(3), u(4)),
                c("INSERT INTO t (a, b, c) VALUES (1, ?, 'z'), (?, 2, ?)",
                        "INSERT INTO t (a, b, c) VALUES (?, ?, ?), (?, ?, ?)", 1L, u(1), "z", u(2), 2L, u(3)),

                // --- what looks like a literal or a '?' but is inside a string or a comment
                c("SELECT * FROM t WHERE a = 'what?' AND b = '-- no' AND c = '/* no */' AND d = '#'",
                        "SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d = ?", "what?", "-- no", "/* no */", "#"),
                c("SELECT a /* it's 42? */ FROM t -- don't 7 ?\nWHERE b = 'x' # it's 8 ?\nAND c = 3",
                        "SELECT a /* it's 42? */ FROM t -- don't 7 ?\nWHERE b = ? # it's 8 ?\nAND c = ?", "x", 3L),
                c("SELECT 1--2\nFROM t", "SELECT ?-?\nFROM t", 1L, -2L),
                c("SELECT 1-- 2\nFROM t", "SELECT ?-- 2\nFROM t", 1L),

                // --- identifiers: backticks, digits in names, qualified names, variables
                c("SELECT `my col`, `a``b`, `42` FROM `t 1` WHERE `x` = 1",
                        "SELECT `my col`, `a``b`, `42` FROM `t 1` WHERE `x` = ?", 1L),
                c("SELECT t1.col_2, 2col, t.1, 1e FROM t1 WHERE col_2 = 7", "SELECT t1.col_2, 2col, t.1, 1e FROM t1 WHERE col_2 = ?",
                        7L),
                c("SELECT * FROM t WHERE a = @v AND b = @'x 1' AND c = @@session.sql_mode AND d = 2",
                        "SELECT * FROM t WHERE a = @v AND b = @'x 1' AND c = @@session.sql_mode AND d = ?", 2L),

                // --- number shapes
                c("SELECT .5, 1., 1.5, 1e3, 1.5E-2, 007 FROM t", "SELECT ?, ?, ?, ?, ?, ? FROM t",
                        new BigDecimal(".5"), new BigDecimal("1."), new BigDecimal("1.5"), new BigDecimal("1e3"),
                        new BigDecimal("1.5E-2"), 7L),
                c("SELECT * FROM t WHERE h = 0x1F OR h = X'1F' OR h = x'1f' OR b = 0b101 OR b = b'101'",
                        "SELECT * FROM t WHERE h = 0x1F OR h = X'1F' OR h = x'1f' OR b = 0b101 OR b = b'101'"),

                // --- keywords that stay
                c("UPDATE t SET a = NULL, b = TRUE, c = FALSE, d = DEFAULT WHERE e IS NOT NULL",
                        "UPDATE t SET a = NULL, b = TRUE, c = FALSE, d = DEFAULT WHERE e IS NOT NULL"),

                // --- ORDER BY / GROUP BY lists: ordinals stay, and so does everything else in the list
                c("SELECT a, b FROM t WHERE c = 3 ORDER BY 2 DESC, 1", "SELECT a, b FROM t WHERE c = ? ORDER BY 2 DESC, 1",
                        3L),
                c("SELECT a, COUNT(*) FROM t GROUP BY 1, 2 HAVING COUNT(*) > 3 ORDER BY a + 1 LIMIT 10",
                        "SELECT a, COUNT(*) FROM t GROUP BY 1, 2 HAVING COUNT(*) > ? ORDER BY a + 1 LIMIT 10", 3L),
                c("SELECT * FROM (SELECT * FROM t ORDER BY 1 LIMIT 5) x WHERE x.a = 3",
                        "SELECT * FROM (SELECT * FROM t ORDER BY 1 LIMIT 5) x WHERE x.a = ?", 3L),
                c("SELECT GROUP_CONCAT(a ORDER BY b SEPARATOR ', '), 'y' FROM t",
                        "SELECT GROUP_CONCAT(a ORDER BY b SEPARATOR ', '), ? FROM t", "y"),
                c("SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING), 3 FROM t",
                        "SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING), ? FROM t",
                        3L),

                // --- LIMIT / OFFSET
                c("SELECT * FROM t WHERE a = 1 LIMIT 5, 10", "SELECT * FROM t WHERE a = ? LIMIT 5, 10", 1L),
                c("SELECT * FROM t LIMIT 10 OFFSET 20 FOR UPDATE", "SELECT * FROM t LIMIT 10 OFFSET 20 FOR UPDATE"),
                c("SELECT * FROM t WHERE a = 1 OFFSET 20", "SELECT * FROM t WHERE a = ? OFFSET 20", 1L),
                c("(SELECT a FROM t LIMIT 1) UNION (SELECT a FROM u WHERE b = 2 LIMIT 1)",
                        "(SELECT a FROM t LIMIT 1) UNION (SELECT a FROM u WHERE b = ? LIMIT 1)", 2L),
                c("DELETE FROM t WHERE a = 1 ORDER BY id LIMIT 100; SELECT 2",
                        "DELETE FROM t WHERE a = ? ORDER BY id LIMIT 100; SELECT ?", 1L, 2L),

                // --- INTERVAL
                c("SELECT * FROM t WHERE d > NOW() - INTERVAL 1 DAY AND e < DATE_ADD(d, INTERVAL '1:30' HOUR_MINUTE)",
                        "SELECT * FROM t WHERE d > NOW() - INTERVAL 1 DAY AND e < DATE_ADD(d, INTERVAL '1:30' HOUR_MINUTE)"),
                c("SELECT d + INTERVAL -1 DAY, 5 FROM t", "SELECT d + INTERVAL -1 DAY, ? FROM t", 5L),

                // --- type parameters
                c("SELECT CAST('12.5' AS DECIMAL(10,2)), CONVERT(x, CHAR(20)), CAST(y AS SIGNED), 1 FROM t",
                        "SELECT CAST(? AS DECIMAL(10,2)), CONVERT(x, CHAR(20)), CAST(y AS SIGNED), ? FROM t", "12.5", 1L),
                c("SELECT CAST(a AS DATETIME (6)), CAST(b AS VARCHAR(20)), CAST(c AS DOUBLE(5, 2)) FROM t WHERE d = 1",
                        "SELECT CAST(a AS DATETIME (6)), CAST(b AS VARCHAR(20)), CAST(c AS DOUBLE(5, 2)) FROM t WHERE d = ?",
                        1L),

                // --- typed and introduced strings, charset and collation names, ESCAPE, aliases
                c("SELECT * FROM t WHERE d = DATE '2020-01-01' AND e = TIMESTAMP '2020-01-01 00:00:00' AND f = TIME '10:00'",
                        "SELECT * FROM t WHERE d = DATE '2020-01-01' AND e = TIMESTAMP '2020-01-01 00:00:00' AND f = TIME '10:00'"),
                c("SELECT * FROM t WHERE a = _utf8mb4'abc' AND b = _latin1 'x' AND c = N'abc' AND d = n'x' AND e = 'y'",
                        "SELECT * FROM t WHERE a = _utf8mb4'abc' AND b = _latin1 'x' AND c = N'abc' AND d = n'x' AND e = ?",
                        "y"),
                c("SELECT * FROM t WHERE a = 'x' COLLATE 'utf8mb4_bin' AND CONVERT(b USING utf8mb4) = 'y'",
                        "SELECT * FROM t WHERE a = ? COLLATE 'utf8mb4_bin' AND CONVERT(b USING utf8mb4) = ?", "x", "y"),
                c("SELECT CAST(a AS CHAR(10) CHARACTER SET 'utf8mb4'), CAST(b AS CHAR CHARSET 'latin1') FROM t",
                        "SELECT CAST(a AS CHAR(10) CHARACTER SET 'utf8mb4'), CAST(b AS CHAR CHARSET 'latin1') FROM t"),
                c("SELECT * FROM t WHERE a LIKE 'x!%%' ESCAPE '!'", "SELECT * FROM t WHERE a LIKE ? ESCAPE '!'", "x!%%"),
                c("SELECT 1 AS 'x', 2 AS \"y\", a 'z' FROM t", "SELECT ? AS 'x', ? AS \"y\", a 'z' FROM t", 1L, 2L),
                c("SELECT doc->'$.a', doc->>'$.b' FROM t WHERE doc->>'$.c' = 'v'",
                        "SELECT doc->'$.a', doc->>'$.b' FROM t WHERE doc->>'$.c' = ?", "v"),

                // --- executable comments and optimizer hints are kept whole; their '?' still count
                c("SELECT /*+ MAX_EXECUTION_TIME(1000) */ * FROM t /*!50000 WHERE a = 5 */",
                        "SELECT /*+ MAX_EXECUTION_TIME(1000) */ * FROM t /*!50000 WHERE a = 5 */"),
                c("SELECT /*!40001 SQL_NO_CACHE */ 1, ? FROM t /*! WHERE a = ? AND b = 'x' */ AND c = 3",
                        "SELECT /*!40001 SQL_NO_CACHE */ ?, ? FROM t /*! WHERE a = ? AND b = 'x' */ AND c = ?",
                        1L, u(1), u(2), 3L),

                // --- other DML starts
                c("/* tag */ (SELECT 1)", "/* tag */ (SELECT ?)", 1L),
                c("INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE cnt = cnt + 1, b = 'x'",
                        "INSERT INTO t (a) VALUES (?) ON DUPLICATE KEY UPDATE cnt = cnt + ?, b = ?", 1L, 1L, "x"),
                c("REPLACE INTO t SET a = 1", "REPLACE INTO t SET a = ?", 1L),
                c("WITH c AS (SELECT 1 AS x) SELECT * FROM c WHERE x = 2", "WITH c AS (SELECT ? AS x) SELECT * FROM c WHERE x = ?",
                        1L, 2L),
                c("VALUES ROW(1, 'a')", "VALUES ROW(?, ?)", 1L, "a"),
                c("TABLE t ORDER BY 1 LIMIT 2", "TABLE t ORDER BY 1 LIMIT 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void golden(String sql, String template, List<ParamSource> params) {
        NormalizedSql n = MYSQL.normalize(sql);

        assertThat(n.normalized()).isTrue();
        assertThat(n.template()).isEqualTo(template);
        assertThat(n.params()).containsExactlyElementsOf(params);
        assertThat(Placeholders.count(n.template())).isEqualTo(n.params().size());
    }

    @Test
    void literalValueTypes() {
        assertThat(only("SELECT * FROM t WHERE a = 42")).isEqualTo(42L).isInstanceOf(Long.class);
        assertThat(only("SELECT * FROM t WHERE a = -7")).isEqualTo(-7L).isInstanceOf(Long.class);
        assertThat(only("SELECT * FROM t WHERE a = 99999999999999999999"))
                .isEqualTo(new BigInteger("99999999999999999999"));
        assertThat(only("SELECT * FROM t WHERE a = 9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(only("SELECT * FROM t WHERE a = -9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(only("SELECT * FROM t WHERE a = 9223372036854775808"))
                .isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(only("SELECT * FROM t WHERE a = 000000000000000000000000001")).isEqualTo(1L);
        // Scale matters to MySQL (1.50 is DECIMAL(3,2)): BigDecimal.equals compares it too.
        assertThat(only("SELECT * FROM t WHERE a = 1.50")).isEqualTo(new BigDecimal("1.50"));
        assertThat(only("SELECT * FROM t WHERE a = 1e3")).isEqualTo(new BigDecimal("1E+3"));
        assertThat(only("SELECT * FROM t WHERE a = 'x'")).isEqualTo("x");
    }

    private static Object only(String sql) {
        NormalizedSql n = MYSQL.normalize(sql);
        assertThat(n.params()).hasSize(1);
        return ((Literal) n.params().get(0)).value();
    }

    @Test
    void unrepresentableNumberStaysInTheText() {
        NormalizedSql n = MYSQL.normalize("SELECT * FROM t WHERE a = 1e9999999999 AND b = 2");

        assertThat(n.template()).isEqualTo("SELECT * FROM t WHERE a = 1e9999999999 AND b = ?");
        assertThat(n.params()).containsExactly(new Literal(2L));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM t WHERE a = 'oops",
            "SELECT * FROM t WHERE a = 1 AND b = \"oops",
            "SELECT * FROM t WHERE a = 'x\\'",
            "SELECT * FROM t WHERE `oops = 1",
            "SELECT * FROM t /* oops",
            "SELECT * FROM t /*! WHERE a = 1",
            "SELECT * FROM t WHERE a = @'oops"})
    void unterminatedPassesThrough(String sql) {
        NormalizedSql n = MYSQL.normalize(sql);

        assertThat(n.normalized()).isFalse();
        assertThat(n.template()).isSameAs(sql);
        assertThat(n.params()).isEmpty();
    }

    @Test
    void unterminatedKeepsUserParametersBeforeIt() {
        String sql = "SELECT ?, 1, ? FROM t WHERE a = 'it? ?";
        NormalizedSql n = MYSQL.normalize(sql);

        assertThat(n.normalized()).isFalse();
        assertThat(n.template()).isSameAs(sql);
        assertThat(n.params()).containsExactly(new UserParameter(1), new UserParameter(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE TABLE t (a DECIMAL(10,2) DEFAULT 1, b VARCHAR(20) DEFAULT 'x')",
            "ALTER TABLE t ADD COLUMN c INT DEFAULT 5",
            "DROP TABLE t",
            "TRUNCATE TABLE t",
            "SET @a = 1",
            "SET NAMES 'utf8mb4'",
            "SHOW TABLES LIKE 'x%'",
            "USE db1",
            "CALL p(1, 'x')",
            "BEGIN",
            "COMMIT",
            "EXPLAIN SELECT * FROM t WHERE a = 1",
            "LOAD DATA INFILE 'x' INTO TABLE t",
            "GRANT SELECT ON db.* TO 'u'@'%'",
            "/*!40101 SET NAMES utf8 */",
            "'SELECT 1'",
            "42",
            "",
            "   -- only a comment",
            "(("})
    void nonDmlPassesThrough(String sql) {
        NormalizedSql n = MYSQL.normalize(sql);

        assertThat(n.normalized()).isFalse();
        assertThat(n.template()).isSameAs(sql);
        assertThat(n.params()).isEmpty();
    }

    @Test
    void nonDmlStillNumbersUserParameters() {
        String sql = "CALL p(?, 1, '?', ? /* ? */, `?`)";
        NormalizedSql n = MYSQL.normalize(sql);

        assertThat(n.normalized()).isFalse();
        assertThat(n.template()).isSameAs(sql);
        assertThat(n.params()).containsExactly(new UserParameter(1), new UserParameter(2));
    }

    @Test
    void statementsAfterANonDmlOneAreNotLifted() {
        // The original text is returned, so a lifted literal would have no '?' to stand for it.
        String sql = "SET @a = 1; SELECT * FROM t WHERE a = 2 AND b = ?";
        NormalizedSql n = MYSQL.normalize(sql);

        assertThat(n.normalized()).isFalse();
        assertThat(n.template()).isSameAs(sql);
        assertThat(n.params()).containsExactly(new UserParameter(1));
    }

    @Test
    void nonDmlStatementAfterADmlOneIsNotLifted() {
        NormalizedSql n = MYSQL.normalize("SELECT 1; SET @a = 2; SELECT 3");

        assertThat(n.template()).isEqualTo("SELECT ?; SET @a = 2; SELECT ?");
        assertThat(n.params()).containsExactly(new Literal(1L), new Literal(3L));
    }

    @Test
    void statementWithoutLiteralsIsReturnedAsIs() {
        String sql = "SELECT * FROM t WHERE id = ?";
        NormalizedSql n = MYSQL.normalize(sql);

        assertThat(n.normalized()).isTrue();
        assertThat(n.template()).isSameAs(sql);
        assertThat(n.params()).containsExactly(new UserParameter(1));
    }

    @Test
    void maxParenDepthCountsOnlyCode() {
        assertThat(MYSQL.normalize("SELECT 1").maxParenDepth()).isZero();
        assertThat(MYSQL.normalize("SELECT ((1)), (2) FROM t").maxParenDepth()).isEqualTo(2);
        assertThat(MYSQL.normalize("SELECT '((((' /* (((( */, `((` FROM t WHERE a IN ((1))").maxParenDepth())
                .isEqualTo(2);
        // Unbalanced input: ')' never drives the depth below zero.
        assertThat(MYSQL.normalize("SELECT ))) (1)").maxParenDepth()).isEqualTo(1);
        assertThat(MYSQL.normalize("DROP TABLE t (((").maxParenDepth()).isEqualTo(3);
    }

    @Test
    void literalsDoNotChangeTheCacheKey() {
        NormalizedSql one = MYSQL.normalize("SELECT * FROM t WHERE id = 1");
        NormalizedSql two = MYSQL.normalize("SELECT * FROM t WHERE id = 2");
        NormalizedSql str = MYSQL.normalize("SELECT * FROM t WHERE id = 'abc'");

        assertThat(one.template()).isEqualTo(two.template()).isEqualTo(str.template());
        assertThat(one.params()).isNotEqualTo(two.params());
    }

    @Test
    void ordinalsDoChangeTheCacheKey() {
        NormalizedSql one = MYSQL.normalize("SELECT a, b FROM t WHERE c = 5 ORDER BY 1");
        NormalizedSql two = MYSQL.normalize("SELECT a, b FROM t WHERE c = 6 ORDER BY 2");

        assertThat(one.template()).isNotEqualTo(two.template());
    }

    @Test
    void paramsAreImmutable() {
        NormalizedSql n = MYSQL.normalize("SELECT * FROM t WHERE id = 1");

        assertThatThrownBy(() -> n.params().add(new UserParameter(1))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void keywordsMatchAsciiOnly() {
        // U+017F (long s) upper-cases to 'S': it must not make "ſELECT" the keyword SELECT.
        assertThat(MYSQL.normalize("\u017FELECT 1").normalized()).isFalse();
        assertThat(MYSQL.normalize("sElEcT 1").normalized()).isTrue();
    }
}
