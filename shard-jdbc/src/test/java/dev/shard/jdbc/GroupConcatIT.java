package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.jdbc.testing.DifferentialDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GROUP_CONCAT over groups that span shards, merged from the shards' pieces: with DISTINCT, ORDER BY inside,
 * SEPARATOR, several expressions, NULLs, and the session's group_concat_max_len. Each statement runs through Shard
 * over four shards and on one plain MariaDB database, and the answers (rows, labels, types) must be the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupConcatIT {

    static final int SHARDS = 4;

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;
    private Connection reference;

    @BeforeAll
    void start() throws SQLException {
        databases = DifferentialDatabases.create("shard_it_gconcat", SHARDS);
        reference = databases.reference();
        sharded = databases.open(databases.config(3).shardedTable("t_tag", "user_id").build());
        String ddl = "CREATE TABLE t_tag (tag_id BIGINT NOT NULL, user_id BIGINT NOT NULL, category VARCHAR(20)"
                + " NOT NULL, label VARCHAR(20), score INT NOT NULL, price DECIMAL(6,2), PRIMARY KEY (tag_id))";
        String[] categories = {"fruit", "tool", "colour"};
        String[] labels = {"apple", "pear", "plum", "hammer", "saw", "red", "green", "blue", "crème", "über"};
        try (Connection c = sharded.getConnection()) {
            for (Connection target : List.of(c, reference)) {
                try (Statement s = target.createStatement()) {
                    s.execute(ddl);
                }
                Random values = new Random(3);
                try (PreparedStatement insert = target.prepareStatement("INSERT INTO t_tag (tag_id, user_id,"
                        + " category, label, score, price) VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (int id = 1; id <= 120; id++) {
                        insert.setLong(1, id);
                        insert.setLong(2, 1 + values.nextInt(40));
                        insert.setString(3, categories[values.nextInt(categories.length)]);
                        insert.setString(4, values.nextInt(10) == 0 ? null : labels[values.nextInt(labels.length)]);
                        insert.setInt(5, values.nextInt(20));
                        insert.setObject(6, values.nextInt(6) == 0 ? null
                                : java.math.BigDecimal.valueOf(values.nextInt(10_000), 2));
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
    void orderedDistinctAndSeparatedConcatenationsMatchTheReference() throws SQLException {
        assertSame("SELECT category, GROUP_CONCAT(label ORDER BY label, tag_id) FROM t_tag GROUP BY category"
                + " ORDER BY category");
        assertSame("SELECT category, GROUP_CONCAT(DISTINCT label ORDER BY label DESC SEPARATOR '; '), COUNT(*)"
                + " FROM t_tag GROUP BY category ORDER BY category");
        assertSame("SELECT category, GROUP_CONCAT(score ORDER BY score DESC, tag_id SEPARATOR ''),"
                + " GROUP_CONCAT(price ORDER BY tag_id) FROM t_tag GROUP BY category ORDER BY category");
        assertSame("SELECT category, GROUP_CONCAT(label, ':', score ORDER BY tag_id SEPARATOR ' | ') FROM t_tag"
                + " GROUP BY category ORDER BY category");
        assertSame("SELECT GROUP_CONCAT(DISTINCT category ORDER BY category), COUNT(*), SUM(score) FROM t_tag");
        assertSame("SELECT category, COUNT(DISTINCT user_id), GROUP_CONCAT(DISTINCT score ORDER BY score),"
                + " SUM(score) FROM t_tag GROUP BY category ORDER BY category");
        assertSame("SELECT category, GROUP_CONCAT(label ORDER BY tag_id) AS labels FROM t_tag WHERE score > ?"
                + " GROUP BY category HAVING COUNT(*) > 3 ORDER BY labels", 5);
        // No row has a label here: NULL, as on one database.
        assertSame("SELECT GROUP_CONCAT(label) FROM t_tag WHERE label IS NULL");
    }

    @Test
    void withoutOrderByTheSameValuesAreConcatenated() throws SQLException {
        String sql = "SELECT category, GROUP_CONCAT(score) FROM t_tag GROUP BY category ORDER BY category";
        try (Connection c = sharded.getConnection()) {
            assertThat(piecesSorted(RoutingConformanceSuite.query(c, sql)))
                    .isEqualTo(piecesSorted(RoutingConformanceSuite.query(reference, sql)));
        }
    }

    @Test
    void theSessionsGroupConcatMaxLenTruncatesAsMariaDbDoes() throws SQLException {
        String sql = "SELECT category, GROUP_CONCAT(label ORDER BY label, tag_id), GROUP_CONCAT(score ORDER BY tag_id)"
                + " FROM t_tag GROUP BY category ORDER BY category";
        try (ShardingDataSource shortConcat = new ShardingDataSource(databases.config(2,
                "sessionVariables=group_concat_max_len=23").shardedTable("t_tag", "user_id").build());
             Connection c = shortConcat.getConnection(); Statement s = reference.createStatement()) {
            s.execute("SET SESSION group_concat_max_len = 23");
            try {
                ScatterExpressionsIT.Answer expected = ScatterExpressionsIT.answer(reference, sql);
                ScatterExpressionsIT.Answer actual = ScatterExpressionsIT.answer(c, sql);
                assertThat(actual).isEqualTo(expected);
                assertThat(actual.rows()).allSatisfy(row -> assertThat(row.get(1).length()).isLessThanOrEqualTo(23));
            } finally {
                s.execute("SET SESSION group_concat_max_len = DEFAULT");
            }
        }
    }

    private void assertSame(String sql, Object... parameters) throws SQLException {
        ScatterExpressionsIT.assertSameAnswer(sharded, reference, sql, parameters);
    }

    /** Each row with its GROUP_CONCAT (column 2) split at the commas and sorted: MySQL leaves the order undefined. */
    private static List<List<String>> piecesSorted(List<List<String>> rows) {
        List<List<String>> result = new ArrayList<>();
        for (List<String> row : rows) {
            String[] pieces = row.get(1).split(",");
            Arrays.sort(pieces);
            result.add(List.of(row.get(0), String.join(",", pieces)));
        }
        return result;
    }
}
