package dev.shard.core.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.dialect.NormalizedSql;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The template is what gets parsed and cached, so it must still be SQL that JSqlParser understands, and the '?' it
 * sees must be exactly our params: the analysis refers to parameters by their position in the template.
 */
class SqlNormalizerJSqlParserTest {

    private static final Dialect MYSQL = new MySqlDialect();

    @ParameterizedTest
    @ValueSource(strings = {
        // point lookups, ranges, IN, BETWEEN, LIKE
        "SELECT * FROM t_order WHERE user_id = 42",
        "SELECT * FROM t_order WHERE 42 = user_id AND status = 'PAID'",
        "SELECT id, amount FROM t_order WHERE user_id = -5 AND amount > 10.50",
        "SELECT * FROM t_order WHERE user_id IN (1, 2, 3, -4) AND created_at >= '2024-01-01'",
        "SELECT * FROM t_order WHERE amount BETWEEN 1.5 AND 1e3 AND note IS NOT NULL",
        "SELECT * FROM t_user WHERE name LIKE 'jo%' AND email NOT LIKE '%@example.com'",
        "SELECT * FROM t_user WHERE name LIKE 'a!_%' ESCAPE '!'",
        "SELECT * FROM t_user WHERE name = 'it''s' OR name = 'a\\'b' OR name = \"dq\"",
        "SELECT * FROM t_order WHERE user_id = ? AND status IN (?, 'NEW', ?) AND amount < 100",
        "SELECT * FROM t_order WHERE (user_id, order_id) IN ((1, 2), (3, 4))",
        "SELECT * FROM t_order WHERE user_id = 7 AND (status = 'A' OR (status = 'B' AND amount > 0))",
        "SELECT * FROM t_order WHERE flag = TRUE AND deleted = FALSE AND note IS NULL",
        // joins and subqueries
        "SELECT o.id, u.name FROM t_order o JOIN t_user u ON u.id = o.user_id WHERE o.user_id = 9",
        "SELECT o.id FROM t_order o LEFT JOIN t_item i ON i.order_id = o.id AND i.qty > 1 WHERE o.user_id = 3",
        "SELECT * FROM t_order WHERE user_id = 5 AND id IN (SELECT order_id FROM t_item WHERE sku = 'X-1')",
        "SELECT * FROM t_order o WHERE EXISTS (SELECT 1 FROM t_item i WHERE i.order_id = o.id AND i.qty >= 2)",
        "SELECT * FROM (SELECT user_id, SUM(amount) s FROM t_order WHERE amount > 0 GROUP BY user_id) x WHERE x.s > 100",
        "SELECT (SELECT MAX(amount) FROM t_order WHERE user_id = 1) AS m, 'label' AS l",
        "SELECT * FROM t_order WHERE user_id = 11 AND amount > (SELECT AVG(amount) * 1.5 FROM t_order)",
        // functions, CASE, arithmetic, casts
        "SELECT CASE WHEN amount > 100 THEN 'big' WHEN amount > 10 THEN 'mid' ELSE 'small' END FROM t_order",
        "SELECT CASE status WHEN 'A' THEN 1 ELSE 0 END AS s FROM t_order WHERE user_id = 2",
        "SELECT COALESCE(note, 'n/a'), IFNULL(amount, 0), CONCAT(first, ' ', last) FROM t_user WHERE id = 1",
        "SELECT ROUND(amount * 1.1, 2), amount - 5, amount-1, -amount FROM t_order WHERE user_id = 8",
        "SELECT SUBSTRING(name, 1, 3), UPPER(name), LENGTH(name) > 5 FROM t_user WHERE id = 4",
        "SELECT CAST(amount AS DECIMAL(10,2)), CAST('42' AS SIGNED) FROM t_order WHERE user_id = 6",
        "SELECT CONVERT(amount, CHAR(20)) FROM t_order WHERE user_id = 6",
        "SELECT DATE_FORMAT(created_at, '%Y-%m'), COUNT(*) FROM t_order WHERE user_id = 12 GROUP BY 1",
        "SELECT IF(amount > 0, 'pos', 'neg') FROM t_order WHERE user_id = 13",
        "SELECT * FROM t_order WHERE created_at > NOW() - INTERVAL 7 DAY AND user_id = 14",
        "SELECT DATE_ADD(created_at, INTERVAL 1 MONTH) FROM t_order WHERE user_id = 15",
        "SELECT * FROM t_order WHERE created_at < DATE_SUB('2024-06-01', INTERVAL 30 DAY)",
        "SELECT * FROM t_order WHERE d = DATE '2020-01-01' AND id = 16",
        "SELECT * FROM t_user WHERE name = _utf8mb4'abc' COLLATE utf8mb4_bin AND id = 17",
        "SELECT doc->>'$.name' FROM t_doc WHERE doc->>'$.kind' = 'x' AND id = 18",
        "SELECT * FROM t_bits WHERE mask = 0x1F AND b = b'101' AND id = 19",
        // ordering, grouping, limits
        "SELECT user_id, status FROM t_order WHERE amount > 5 ORDER BY 2 DESC, 1",
        "SELECT user_id, COUNT(*) FROM t_order GROUP BY 1 HAVING COUNT(*) > 3 ORDER BY 2 DESC LIMIT 10",
        "SELECT * FROM t_order WHERE user_id = 20 ORDER BY created_at DESC LIMIT 5, 10",
        "SELECT * FROM t_order WHERE user_id = 21 LIMIT 10 OFFSET 20",
        "SELECT * FROM t_order WHERE user_id = 22 LIMIT ?",
        "SELECT * FROM t_order WHERE user_id = 23 FOR UPDATE",
        "SELECT DISTINCT status FROM t_order WHERE user_id = 24",
        // set operations and window functions
        "SELECT id FROM t_order WHERE user_id = 1 UNION ALL SELECT id FROM t_order_archive WHERE user_id = 1",
        "(SELECT id FROM t_order WHERE user_id = 2 LIMIT 1) UNION (SELECT id FROM t_order WHERE user_id = 3 LIMIT 1)",
        "SELECT id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY created_at) rn FROM t_order WHERE amount > 0",
        "SELECT id, SUM(amount) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t_order WHERE user_id = 5",
        "WITH recent AS (SELECT * FROM t_order WHERE created_at > '2024-01-01') SELECT * FROM recent WHERE user_id = 25",
        // INSERT / REPLACE / UPDATE / DELETE
        "INSERT INTO t_order (user_id, amount, status) VALUES (1, 9.99, 'NEW')",
        "INSERT INTO t_order (user_id, amount, status) VALUES (1, 9.99, 'NEW'), (2, -3.5, 'OLD'), (?, ?, 'X')",
        "INSERT INTO t_counter (id, cnt) VALUES (1, 1) ON DUPLICATE KEY UPDATE cnt = cnt + 1",
        "INSERT INTO t_user (id, name) VALUES (5, 'bob') ON DUPLICATE KEY UPDATE name = VALUES(name)",
        "INSERT INTO t_order_archive (id, user_id) SELECT id, user_id FROM t_order WHERE created_at < '2020-01-01'",
        "INSERT IGNORE INTO t_user (id, name) VALUES (6, 'x')",
        "REPLACE INTO t_user (id, name) VALUES (7, 'y')",
        "UPDATE t_order SET status = 'PAID', amount = amount * 0.9 WHERE user_id = 26 AND id = 1001",
        "UPDATE t_order SET note = NULL, updated_at = NOW() WHERE user_id = 27 ORDER BY id LIMIT 100",
        "UPDATE t_order o JOIN t_user u ON u.id = o.user_id SET o.status = 'X' WHERE u.id = 28",
        "DELETE FROM t_order WHERE user_id = 29 AND status = 'CANCELLED'",
        "DELETE FROM t_order WHERE user_id = 30 ORDER BY id LIMIT 10",
        "DELETE FROM t_order WHERE created_at < NOW() - INTERVAL 1 YEAR",
        "/* trace=abc */ SELECT * FROM t_order WHERE user_id = 31 -- it's a comment\n",
        "SELECT /*+ MAX_EXECUTION_TIME(1000) */ * FROM t_order WHERE user_id = 32",
    })
    void templateParsesAndHasTheSameParameters(String sql) throws Exception {
        NormalizedSql n = MYSQL.normalize(sql);
        assertThat(n.normalized()).isTrue();

        Statement statement = CCJSqlParserUtil.parse(n.template());

        // JSqlParser deparses every JdbcParameter as '?': count them in its own rendering of the statement.
        assertThat(Placeholders.count(statement.toString())).as(n.template()).isEqualTo(n.params().size());
    }
}
