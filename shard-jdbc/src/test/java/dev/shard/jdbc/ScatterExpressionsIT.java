package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.ResultSets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Select items, ORDER BY keys and HAVING conditions with aggregates inside expressions, on several shards: the
 * merge computes them from the merged aggregates. Each statement runs through Shard over four shards and on one
 * plain MariaDB database; the rows, and each column's label, type and scale, must be the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScatterExpressionsIT {

    static final int SHARDS = 4;

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;
    private Connection reference;

    @BeforeAll
    void start() throws SQLException {
        databases = DifferentialDatabases.create("shard_it_expr", SHARDS);
        reference = databases.reference();
        sharded = databases.open(databases.config(3).shardedTable("t_sale", "user_id").build());
        String ddl = "CREATE TABLE t_sale (sale_id BIGINT NOT NULL, user_id BIGINT NOT NULL, status VARCHAR(20)"
                + " NOT NULL, amount DECIMAL(10,2), qty INT NOT NULL, price DOUBLE, PRIMARY KEY (sale_id))";
        String[] statuses = {"new", "paid", "shipped", "cancelled"};
        try (Connection c = sharded.getConnection()) {
            for (Connection target : List.of(c, reference)) {
                try (Statement s = target.createStatement()) {
                    s.execute(ddl);
                }
                Random values = new Random(11);
                try (PreparedStatement insert = target.prepareStatement(
                        "INSERT INTO t_sale (sale_id, user_id, status, amount, qty, price) VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (int id = 1; id <= 400; id++) {
                        insert.setLong(1, id);
                        insert.setLong(2, 1 + values.nextInt(80));
                        insert.setString(3, statuses[values.nextInt(statuses.length)]);
                        insert.setBigDecimal(4, values.nextInt(8) == 0 ? null
                                : java.math.BigDecimal.valueOf(values.nextInt(100_000), 2));
                        insert.setInt(5, 1 + values.nextInt(9));
                        insert.setObject(6, values.nextInt(8) == 0 ? null : values.nextInt(1000) / 8.0);
                        insert.executeUpdate();
                    }
                }
            }
        }
    }

    @AfterAll
    void stop() throws SQLException {
        if (databases != null) {
            databases.close();
        }
    }

    @Test
    void aggregatesInsideSelectItemsMatchTheReference() throws SQLException {
        assertSame("SELECT SUM(amount) / COUNT(*) FROM t_sale");
        // INT / INT is a DECIMAL with div_precision_increment (4) places; division by zero is NULL.
        assertSame("SELECT SUM(qty) / COUNT(*), SUM(qty) / (COUNT(*) - COUNT(*)), COUNT(*) / 7 FROM t_sale");
        assertSame("SELECT MAX(amount) - MIN(amount), MAX(qty) - MIN(qty), MAX(price) - MIN(price) FROM t_sale");
        assertSame("SELECT status, ROUND(AVG(amount), 2), ROUND(AVG(qty), 1), ROUND(AVG(qty)), TRUNCATE(AVG(amount), 1)"
                + " FROM t_sale GROUP BY status ORDER BY status");
        assertSame("SELECT status, SUM(qty) / COUNT(*) AS mean, COUNT(*) > ?, SUM(amount) * 2 + 1 FROM t_sale"
                + " GROUP BY status ORDER BY status", 100);
        assertSame("SELECT user_id, COUNT(*) >= 5, SUM(qty) % 4, MIN(amount) IS NULL, MAX(qty) IN (8, 9),"
                + " SUM(qty) BETWEEN 10 AND 20, ABS(MIN(qty) - MAX(qty)), COUNT(*) + user_id * 2"
                + " FROM t_sale GROUP BY user_id ORDER BY user_id");
        assertSame("SELECT COALESCE(SUM(amount), 0), IFNULL(MAX(price), -1), COUNT(*) + 1, FLOOR(AVG(qty)),"
                + " CEILING(AVG(qty)) FROM t_sale WHERE qty > 100");
        // An aggregate also selected on its own, and AVG inside an expression.
        assertSame("SELECT status, AVG(amount), AVG(amount) * COUNT(*) - SUM(amount), COUNT(DISTINCT qty),"
                + " COUNT(DISTINCT qty) * 10 FROM t_sale GROUP BY status ORDER BY status");
    }

    @Test
    void aQuotientKeepsMariaDbsNinePlacesInsideAnExpression() throws SQLException {
        // 2 / 3 * 100 is 66.6667 (0.666666666 * 100, rounded at the end), not 66.6700.
        assertSame("SELECT status, SUM(qty) / COUNT(*) * 100, COUNT(*) / 7 * 1000000, ROUND(SUM(qty) / COUNT(*), 6),"
                + " (SUM(amount) / COUNT(*) - AVG(amount)) * 1000000000, ROUND(AVG(qty), 3) FROM t_sale"
                + " GROUP BY status ORDER BY status");
        // Compared as shown: at the quotient's own scale.
        assertSame("SELECT user_id, SUM(qty) / COUNT(*) FROM t_sale GROUP BY user_id"
                + " HAVING SUM(qty) / COUNT(*) = ROUND(SUM(qty) / COUNT(*), 4) ORDER BY user_id");
        assertSame("SELECT user_id, COUNT(*) FROM t_sale GROUP BY user_id HAVING SUM(qty) / 3 = ? ORDER BY user_id",
                new java.math.BigDecimal("6.6667"));
    }

    @Test
    void orderByAndHavingOnComputedValuesMatchTheReference() throws SQLException {
        assertSame("SELECT status, SUM(qty) / COUNT(*) AS mean FROM t_sale GROUP BY status ORDER BY mean DESC");
        assertSame("SELECT status, COUNT(*) FROM t_sale GROUP BY status ORDER BY SUM(qty) / COUNT(*) DESC");
        assertSame("SELECT user_id, SUM(qty) FROM t_sale GROUP BY user_id ORDER BY MAX(qty) - MIN(qty) DESC,"
                + " user_id LIMIT 7");
        assertSame("SELECT user_id, COUNT(*) FROM t_sale GROUP BY user_id HAVING SUM(qty) / COUNT(*) > ?"
                + " ORDER BY user_id", 6);
        assertSame("SELECT user_id, SUM(qty) / COUNT(*) AS mean FROM t_sale GROUP BY user_id HAVING mean < 4"
                + " ORDER BY mean, user_id LIMIT 5");
    }

    @Test
    void havingConditionsOnGroupedColumnsMatchTheReference() throws SQLException {
        assertSame("SELECT status, COUNT(*) FROM t_sale GROUP BY status HAVING status LIKE 'p%' ORDER BY status");
        assertSame("SELECT status, COUNT(*) FROM t_sale GROUP BY status HAVING status LIKE ? OR COUNT(*) > 120"
                + " ORDER BY status", "n%");
        assertSame("SELECT user_id, SUM(qty) FROM t_sale GROUP BY user_id HAVING user_id BETWEEN 10 AND 20"
                + " AND SUM(qty) > 5 ORDER BY user_id");
        assertSame("SELECT status FROM t_sale GROUP BY status HAVING UPPER(status) IN ('NEW', 'PAID') ORDER BY status");
        assertSame("SELECT COUNT(*) FROM t_sale GROUP BY status HAVING status <> 'new' ORDER BY 1");
    }

    @Test
    void selectDistinctOverGroupsMatchesTheReference() throws SQLException {
        assertSame("SELECT DISTINCT COUNT(*) FROM t_sale GROUP BY user_id ORDER BY 1");
        assertSame("SELECT DISTINCT status FROM t_sale GROUP BY status, user_id ORDER BY status");
        assertSame("SELECT DISTINCT status, MAX(qty) FROM t_sale GROUP BY status, user_id ORDER BY status DESC, 2"
                + " LIMIT 7");
        assertSame("SELECT DISTINCT qty > 5, COUNT(*) > 4 FROM t_sale GROUP BY user_id, qty ORDER BY 1, 2");
        assertSame("SELECT DISTINCT SUM(qty) / COUNT(*) AS mean FROM t_sale GROUP BY user_id ORDER BY mean LIMIT 10");
    }

    @Test
    void parenthesisedDistinctColumnsAreTheColumns() throws SQLException {
        assertSame("SELECT DISTINCT(user_id) FROM t_sale ORDER BY user_id");
        assertSame("SELECT DISTINCT (s.status), qty FROM t_sale s ORDER BY status DESC, s.qty LIMIT 9");
        assertSame("SELECT DISTINCT((qty)) FROM t_sale WHERE qty > ? ORDER BY qty", 3);
    }

    @Test
    void positionsInOrderByCountTheColumnsStarExpandsTo() throws SQLException {
        assertSame("SELECT * FROM t_sale s ORDER BY s.status, 2 DESC, s.sale_id");
        assertSame("SELECT * FROM t_sale ORDER BY 5 DESC, 1 LIMIT 20 OFFSET 3");
        assertSame("SELECT s.*, qty * 2 AS twice FROM t_sale s ORDER BY 7, sale_id DESC LIMIT 15");
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            // Past the last column: the shards say so, as one database would.
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM t_sale ORDER BY 9"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("9");
            assertThat(ResultSets.rows(s.executeQuery("SELECT COUNT(*) FROM t_sale"))).containsExactly(List.of("400"));
        }
    }

    @Test
    void anExpressionTheMergeCannotComputeIsRefusedWithTheStatement() throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELECT CONCAT(COUNT(*), ' sales') FROM t_sale"))
                    .isInstanceOf(SQLFeatureNotSupportedException.class)
                    .hasMessageContaining("cannot be computed from several shards' aggregates")
                    .hasMessageContaining("SELECT CONCAT(COUNT(*), ' sales') FROM t_sale");
            // The same statement on one shard runs there.
            try (ResultSet rs = s.executeQuery("SELECT CONCAT(COUNT(*), ' sales') FROM t_sale WHERE user_id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).endsWith(" sales");
            }
        }
    }

    private void assertSame(String sql, Object... parameters) throws SQLException {
        assertSameAnswer(sharded, reference, sql, parameters);
    }

    /** The statement's rows, and its columns' labels, types and scales, are the same through Shard and direct. */
    static void assertSameAnswer(ShardingDataSource sharded, Connection reference, String sql, Object... parameters)
            throws SQLException {
        try (Connection c = sharded.getConnection()) {
            Answer expected = answer(reference, sql, parameters);
            Answer actual = answer(c, sql, parameters);
            assertThat(actual.rows()).as(sql).isEqualTo(expected.rows());
            assertThat(actual.columns()).as("columns of %s", sql).isEqualTo(expected.columns());
        }
    }

    record Answer(List<List<String>> rows, List<String> columns) {
    }

    static Answer answer(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(meta.getColumnLabel(i) + " " + meta.getColumnTypeName(i) + " scale "
                            + meta.getScale(i));
                }
                return new Answer(ResultSets.rows(rs), columns);
            }
        }
    }
}
