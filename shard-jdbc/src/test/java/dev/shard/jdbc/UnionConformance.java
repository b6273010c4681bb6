package dev.shard.jdbc;

import static dev.shard.jdbc.RoutingConformanceSuite.folded;
import static dev.shard.jdbc.RoutingConformanceSuite.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.jdbc.RoutingConformanceSuite.CatalogueQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * UNION and UNION ALL across shards, against the reference database, on the conformance suite's data: branches on
 * one shard, on several, on a broadcast table; duplicates removed by the database's equality (NULL with NULL,
 * INT with DECIMAL, 'paid' with 'PAID' where the collation ignores case); the union's own ORDER BY and LIMIT; the
 * first branch's column labels. Kept apart from {@link RoutingConformanceSuite}, which calls it.
 */
final class UnionConformance {

    private static final int USERS = RoutingConformanceSuite.USERS;

    private static Object user(Random random) {
        return 1 + random.nextInt(USERS);
    }

    static final List<CatalogueQuery> UNIONS = List.of(
            new CatalogueQuery("SELECT order_id, status FROM t_order WHERE user_id = ?"
                    + " UNION ALL SELECT order_id, status FROM t_order WHERE user_id = ?", false,
                    r -> new Object[] {user(r), user(r)}),
            // Statuses include 'paid' and 'PAID': one row under a case-insensitive collation, two under a binary one.
            new CatalogueQuery("SELECT status FROM t_order WHERE user_id IN (?, ?, ?)"
                    + " UNION SELECT status FROM t_order WHERE order_id < ?", false,
                    r -> new Object[] {user(r), user(r), user(r), 20 + r.nextInt(60)}),
            new CatalogueQuery("(SELECT order_id, amount FROM t_order WHERE user_id = ?)"
                    + " UNION (SELECT order_id, amount FROM t_order WHERE amount < ?) ORDER BY 2 DESC, 1 LIMIT 5", true,
                    r -> new Object[] {user(r), r.nextInt(50)}),
            new CatalogueQuery("SELECT user_id, COUNT(*) FROM t_order WHERE amount > ? GROUP BY user_id"
                    + " UNION SELECT user_id, COUNT(*) FROM t_order_item WHERE qty = ? GROUP BY user_id"
                    + " ORDER BY 2 DESC, 1 LIMIT 10", true, r -> new Object[] {r.nextInt(1000), 1 + r.nextInt(5)}),
            // INT and DECIMAL values of one column are duplicates when equal: 3 and 3.00.
            new CatalogueQuery("SELECT qty FROM t_order_item WHERE user_id = ?"
                    + " UNION SELECT CAST(qty AS DECIMAL(5,2)) FROM t_order_item WHERE sku = ?", false,
                    r -> new Object[] {user(r), "sku-" + r.nextInt(50)}),
            // NULL notes are one row.
            new CatalogueQuery("SELECT note FROM t_order WHERE user_id = ?"
                    + " UNION SELECT note FROM t_order WHERE amount IS NULL AND user_id < ?", false,
                    r -> new Object[] {user(r), r.nextInt(USERS)}),
            // UNION DISTINCT covers the branches to its left; the UNION ALL after it appends.
            new CatalogueQuery("SELECT sku FROM t_order_item WHERE user_id = ? UNION ALL"
                    + " SELECT sku FROM t_order_item WHERE qty = ? AND item_id < ? UNION"
                    + " SELECT sku FROM t_order_item WHERE user_id = ? UNION ALL SELECT sku FROM t_order_item WHERE user_id = ?",
                    false, r -> {
                        Object u = user(r);
                        return new Object[] {u, 1 + r.nextInt(5), 2000 + r.nextInt(2000), user(r), u};
                    }),
            new CatalogueQuery("SELECT region_id, name FROM t_region UNION ALL"
                    + " SELECT user_id, status FROM t_order WHERE order_id < ?", false,
                    r -> new Object[] {r.nextInt(40)}),
            new CatalogueQuery("SELECT order_id AS a, status AS b FROM t_order WHERE user_id = ?"
                    + " UNION SELECT item_id, sku FROM t_order_item WHERE qty = ? ORDER BY a DESC LIMIT ?, 7", true,
                    r -> new Object[] {user(r), 1 + r.nextInt(5), r.nextInt(30)}),
            // One user: every branch on its shard, sent whole.
            new CatalogueQuery("SELECT order_id FROM t_order WHERE user_id = ?"
                    + " UNION SELECT order_id FROM t_order_item WHERE user_id = ? ORDER BY 1", true, r -> {
                        Object u = user(r);
                        return new Object[] {u, u};
                    }),
            new CatalogueQuery("SELECT order_id, note FROM t_order WHERE user_id = ? UNION ALL"
                    + " SELECT order_id, note FROM t_order ORDER BY note DESC, order_id LIMIT 12", true,
                    r -> new Object[] {user(r)}));

    private UnionConformance() {
    }

    static void assertMatchTheReference(Connection sharded, Connection reference, RoutingConformanceSuite engine)
            throws SQLException {
        Random params = new Random(13);
        for (int round = 0; round < 25; round++) {
            for (CatalogueQuery q : UNIONS) {
                Object[] values = q.params().apply(params);
                if (engine.notOnThisEngine(q.sql()) != null) {
                    continue;
                }
                List<List<String>> expected = engine.comparable(query(reference, q.sql(), values));
                List<List<String>> actual = engine.comparable(query(sharded, q.sql(), values));
                if (q.ordered()) {
                    assertThat(actual).as("%s %s", q.sql(), Arrays.toString(values)).isEqualTo(expected);
                } else {
                    assertThat(actual).as("%s %s", q.sql(), Arrays.toString(values))
                            .containsExactlyInAnyOrderElementsOf(expected);
                }
            }
        }
        // Every status, across all shards: MariaDB's default utf8mb4_general_ci makes 'paid' and 'PAID' one row
        // (4 statuses), H2's binary comparison two (5); the sharded union must agree with its own database.
        String statuses = "SELECT status FROM t_order UNION SELECT status FROM t_order WHERE amount > 500";
        assertThat(engine.comparable(query(sharded, statuses))).containsExactlyInAnyOrderElementsOf(
                engine.comparable(query(reference, statuses)));
        // setMaxRows limits the union's rows, after its ORDER BY and duplicate removal, never a branch's.
        String ordered = "SELECT order_id FROM t_order WHERE user_id = 7 UNION SELECT order_id FROM t_order"
                + " UNION SELECT order_id FROM t_order ORDER BY 1 DESC";
        try (Statement limited = sharded.createStatement(); Statement whole = reference.createStatement()) {
            limited.setMaxRows(3);
            whole.setMaxRows(3);
            assertThat(RoutingConformanceSuite.rows(limited.executeQuery(ordered)))
                    .isEqualTo(RoutingConformanceSuite.rows(whole.executeQuery(ordered))).hasSize(3);
        }
        String labelled = "SELECT order_id AS first_id, status FROM t_order WHERE user_id = 5"
                + " UNION ALL SELECT item_id AS second_id, sku AS other FROM t_order_item WHERE qty = 2";
        assertThat(labels(sharded, labelled)).isEqualTo(labels(reference, labelled))
                .containsExactly("first_id", "status");
    }

    private static List<String> labels(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return List.of(rs.getMetaData().getColumnLabel(1).toLowerCase(java.util.Locale.ROOT),
                    rs.getMetaData().getColumnLabel(2).toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Unions Shard cannot combine are refused with the reason, and the connection stays usable. */
    static void assertRefusals(Connection sharded) throws SQLException {
        Map<String, String> refused = Map.of(
                "SELECT user_id FROM t_order INTERSECT SELECT user_id FROM t_order_item",
                "INTERSECT and EXCEPT are not supported across shards",
                "SELECT user_id FROM t_order EXCEPT SELECT user_id FROM t_order_item WHERE qty = 1",
                "INTERSECT and EXCEPT are not supported across shards",
                "SELECT user_id FROM t_order WHERE user_id = 1 UNION SELECT CONCAT(COUNT(*), 'x') FROM t_order",
                "UNION branch 2 of 2");
        try (Statement s = sharded.createStatement()) {
            for (Map.Entry<String, String> entry : refused.entrySet()) {
                assertThatThrownBy(() -> s.executeQuery(entry.getKey())).as(entry.getKey())
                        .isInstanceOf(SQLFeatureNotSupportedException.class)
                        .hasMessageContaining(entry.getValue());
            }
            // The second branch runs when the union reaches it, so the mismatch shows when the rows are read.
            assertThatThrownBy(() -> query(sharded, "SELECT order_id, status FROM t_order WHERE user_id = 1"
                    + " UNION SELECT order_id FROM t_order"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("different numbers of columns")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("21000");
            try (PreparedStatement ps = sharded.prepareStatement("SELECT order_id FROM t_order WHERE user_id = ?"
                    + " UNION SELECT order_id FROM t_order ORDER BY missing")) {
                ps.setLong(1, 3);
                assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class)
                        .hasMessageContaining("Unknown column 'missing' in the ORDER BY of the UNION");
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_order UNION ALL SELECT COUNT(*) FROM t_region")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.next()).isTrue();
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
