package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.RouteKind;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ResultSets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link ShardingDataSource#explain}: where a statement would run, what each shard would receive (SQL and bound
 * values) and how the results would be merged, checked against what actually happens when the statement runs on
 * four embedded H2 databases (MySQL mode).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScatterExplainTest {

    static final int SHARDS = 4;
    static final List<String> NAMES = List.of("ds0", "ds1", "ds2", "ds3");

    private final String prefix = "scatter_explain_" + System.nanoTime();
    ShardingDataSource ds;
    final Map<String, List<Long>> usersByShard = new LinkedHashMap<>();

    String url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_shard" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    @BeforeAll
    void setUp() throws Exception {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            // A leaked physical connection fails in seconds, not a hang; 10 s is ample on a busy machine.
            builder.dataSource(NAMES.get(i), Map.of("jdbcUrl", url(i), "username", "sa", "password", "",
                    "maximumPoolSize", "4", "minimumIdle", "0", "connectionTimeout", "10000"));
        }
        ds = new ShardingDataSource(builder.defaultDataSource("ds0").shardedTable("t_order", "user_id").build());
        NAMES.forEach(name -> usersByShard.put(name, new ArrayList<>()));
        for (long user = 1; usersByShard.values().stream().anyMatch(l -> l.size() < 3); user++) {
            String shard = ds.explain("SELECT * FROM t_order WHERE user_id = ?", user).shards().get(0);
            usersByShard.get(shard).add(user);
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_order (order_id BIGINT NOT NULL, user_id BIGINT NOT NULL,"
                    + " status VARCHAR(20) NOT NULL, amount DECIMAL(12,2), PRIMARY KEY (order_id))");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO t_order (order_id, user_id, status, amount) VALUES (?, ?, ?, ?)")) {
                long orderId = 1;
                for (List<Long> users : usersByShard.values()) {
                    for (long user : users) {
                        for (int k = 0; k < 3; k++) {
                            ps.setLong(1, orderId);
                            ps.setLong(2, user);
                            ps.setString(3, k == 0 ? "new" : "paid");
                            ps.setBigDecimal(4, java.math.BigDecimal.valueOf(orderId * 10 + k, 2));
                            ps.executeUpdate();
                            orderId++;
                        }
                    }
                }
            }
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        if (ds != null) {
            ds.close();
        }
        for (int i = 0; i < SHARDS; i++) {
            try (Connection c = DriverManager.getConnection(url(i), "sa", "")) {
                c.createStatement().execute("SHUTDOWN");
            }
        }
    }

    long user(String shard, int nth) {
        return usersByShard.get(shard).get(nth);
    }

    static RouteExplanation.ShardQuery queryOf(RouteExplanation explanation, String shard) {
        return explanation.shardQueries().stream().filter(q -> q.shard().equals(shard)).findFirst()
                .orElseThrow(() -> new AssertionError("no query for " + shard + " in " + explanation));
    }

    static int markers(String sql) {
        return (int) sql.chars().filter(ch -> ch == '?').count();
    }

    // ------------------------------------------------------------------ (a) IN list over several shards

    @Test
    void anInListOverSeveralShardsBindsOnEachShardOnlyItsOwnValues() throws SQLException {
        long a = user("ds3", 0);
        long b = user("ds0", 0);
        long c = user("ds1", 0);
        String sql = "SELECT * FROM t_order WHERE user_id IN (?, ?, ?)";
        RouteExplanation explanation = ds.explain(sql, a, b, c);

        assertThat(explanation.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(explanation.shards()).containsExactly("ds0", "ds1", "ds3");
        assertThat(explanation.normalizedSql()).contains("IN (?, ?, ?)");
        assertThat(explanation.shardQueries()).extracting(RouteExplanation.ShardQuery::shard)
                .containsExactly("ds0", "ds1", "ds3");
        for (RouteExplanation.ShardQuery query : explanation.shardQueries()) {
            assertThat(markers(query.sql())).as(query.shard()).isEqualTo(query.parameters().size()).isEqualTo(3);
            assertThat(query.sql()).containsIgnoringCase("IN (?, ?, ?)");
        }
        // Each shard binds its own user; the others' values are NULL, which never matches.
        assertThat(queryOf(explanation, "ds0").parameters()).containsExactly(null, b, null);
        assertThat(queryOf(explanation, "ds1").parameters()).containsExactly(null, null, c);
        assertThat(queryOf(explanation, "ds3").parameters()).containsExactly(a, null, null);
        // What each shard gets, without the NULLs standing in for the others' values.
        assertThat(queryOf(explanation, "ds0").values()).containsExactly(b);
        assertThat(queryOf(explanation, "ds0").otherShards()).containsExactly(1, 3);
        assertThat(queryOf(explanation, "ds1").values()).containsExactly(c);
        assertThat(queryOf(explanation, "ds3").values()).containsExactly(a);
        assertThat(explanation.toString()).contains("IN (?, ?, ?)  -- [" + b + "] (NULL for 2 values of other shards)")
                .doesNotContain("[null");
        assertThat(explanation.mergePlan()).contains("Concat").contains("Shards(3)");

        // Literals in the IN list are pruned the same way.
        RouteExplanation literals = ds.explain("SELECT order_id FROM t_order WHERE user_id IN (" + a + ", " + b
                + ") AND status = ?", "paid");
        assertThat(literals.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(literals.shards()).containsExactly("ds0", "ds3");
        assertThat(queryOf(literals, "ds0").parameters()).containsExactly(null, b, "paid");
        assertThat(queryOf(literals, "ds3").parameters()).containsExactly(a, null, "paid");
        assertThat(queryOf(literals, "ds3").values()).containsExactly(a, "paid");

        // A NULL the statement binds itself is a value the shard gets, and stays.
        RouteExplanation withNull = ds.explain("UPDATE t_order SET status = ? WHERE user_id IN (?, ?)", null, a, b);
        assertThat(queryOf(withNull, "ds0").parameters()).containsExactly(null, null, b);
        assertThat(queryOf(withNull, "ds0").values()).containsExactly(null, b);
        assertThat(queryOf(withNull, "ds0").otherShards()).containsExactly(2);

        // And running it gives each user's orders once.
        try (Connection connection = ds.getConnection();
             PreparedStatement ps = connection.prepareStatement(
                     "SELECT user_id, COUNT(*) FROM t_order WHERE user_id IN (?, ?, ?) GROUP BY user_id")) {
            ps.setLong(1, a);
            ps.setLong(2, b);
            ps.setLong(3, c);
            assertThat(ResultSets.rows(ps.executeQuery())).containsExactlyInAnyOrder(
                    List.of(String.valueOf(a), "3"), List.of(String.valueOf(b), "3"), List.of(String.valueOf(c), "3"));
        }
    }

    @Test
    void anInListWithTwoUsersOfOneShardBindsBothThere() throws SQLException {
        long a = user("ds2", 0);
        long b = user("ds2", 1);
        long c = user("ds1", 1);
        RouteExplanation explanation = ds.explain("SELECT order_id FROM t_order WHERE user_id IN (?, ?, ?)"
                + " ORDER BY order_id", a, c, b);
        assertThat(explanation.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(explanation.shards()).containsExactly("ds1", "ds2");
        assertThat(queryOf(explanation, "ds2").parameters()).containsExactly(a, null, b);
        assertThat(queryOf(explanation, "ds1").parameters()).containsExactly(null, c, null);
        assertThat(queryOf(explanation, "ds2").values()).containsExactly(a, b);
        assertThat(queryOf(explanation, "ds1").values()).containsExactly(c);
        assertThat(explanation.mergePlan()).contains("OrderedMerge");
    }

    // ------------------------------------------------------------------ (b) GROUP BY, HAVING, ORDER BY, LIMIT

    @Test
    void groupByHavingOrderByLimitHoldsBackHavingAndLimitAndPlansEveryMergeStep() throws SQLException {
        // MAX(amount) is not selected, so the shards return it as a derived column that Project hides again.
        String sql = "SELECT status, COUNT(*) AS n FROM t_order GROUP BY status HAVING MAX(amount) > ?"
                + " ORDER BY n DESC LIMIT ?";
        RouteExplanation explanation = ds.explain(sql, 1, 2);
        assertThat(explanation.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(explanation.shards()).containsExactlyElementsOf(NAMES);
        for (RouteExplanation.ShardQuery query : explanation.shardQueries()) {
            String shardSql = query.sql();
            assertThat(shardSql).as("HAVING runs after the merge, on whole groups")
                    .doesNotContainIgnoringCase("HAVING");
            assertThat(shardSql).as("partial groups cannot be limited on a shard").doesNotContainIgnoringCase("LIMIT");
            assertThat(shardSql).containsIgnoringCase("GROUP BY status");
            assertThat(shardSql).as("sorted by the group key, for a streaming merge")
                    .containsIgnoringCase("ORDER BY 1");
            assertThat(shardSql).doesNotContainIgnoringCase("DESC");
            assertThat(shardSql).containsIgnoringCase("MAX(amount)");
            assertThat(markers(shardSql)).isZero();
            assertThat(query.parameters()).isEmpty();
        }
        // The plan reads bottom-up, the last step first (as EXPLAIN does): shards, merge, then each step in turn.
        String plan = explanation.mergePlan();
        List<String> lines = Arrays.stream(plan.split("\n")).map(String::strip).toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).startsWith("Project(");
        assertThat(lines.get(1)).isEqualTo("Limit(offset=0, count=2)");
        assertThat(lines.get(2)).startsWith("MemorySort(").contains("DESC").contains("top=2");
        assertThat(lines.get(3)).startsWith("Filter(");
        assertThat(lines.get(4)).startsWith("GroupAggregate(");
        assertThat(lines.get(5)).startsWith("OrderedMerge(");
        assertThat(lines.get(6)).isEqualTo("Shards(4)");
        // Each line is indented one level deeper than the line above it.
        String[] raw = plan.split("\n");
        for (int i = 0; i < raw.length; i++) {
            assertThat(raw[i]).startsWith("  ".repeat(i)).doesNotStartWith("  ".repeat(i) + " ");
        }
        // Applied in the order GroupAggregate, Filter, MemorySort (top-N), Limit, Project.
        assertThat(indexesOf(plan, "Project", "Limit", "MemorySort", "Filter", "GroupAggregate")).isSorted();

        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, 1);
            ps.setInt(2, 2);
            // Every user has 3 orders: one "new" and two "paid".
            long users = usersByShard.values().stream().mapToLong(List::size).sum();
            assertThat(ResultSets.rows(ps.executeQuery())).containsExactly(
                    List.of("paid", String.valueOf(2 * users)), List.of("new", String.valueOf(users)));
        }
    }

    static List<Integer> indexesOf(String text, String... words) {
        List<Integer> indexes = new ArrayList<>();
        for (String word : words) {
            int index = text.indexOf(word);
            assertThat(index).as(word + " in " + text).isNotNegative();
            indexes.add(index);
        }
        return indexes;
    }

    // ------------------------------------------------------------------ (c) LIMIT with OFFSET

    @Test
    void limitWithOffsetSendsOffsetPlusCountToEachShardAndSkipsTheOffsetInTheMerge() throws SQLException {
        RouteExplanation literal = ds.explain("SELECT order_id FROM t_order ORDER BY amount LIMIT 10 OFFSET 20");
        assertThat(literal.routeKind()).isEqualTo(RouteKind.SCATTER);
        for (RouteExplanation.ShardQuery query : literal.shardQueries()) {
            assertThat(query.sql()).doesNotContainIgnoringCase("OFFSET");
            assertThat(shardLimit(query)).as(query.shard()).isEqualTo(30L);
        }
        assertThat(literal.mergePlan()).contains("Limit(offset=20, count=10)");

        RouteExplanation bound = ds.explain("SELECT order_id FROM t_order ORDER BY amount LIMIT ? OFFSET ?", 10, 20);
        for (RouteExplanation.ShardQuery query : bound.shardQueries()) {
            assertThat(query.sql()).doesNotContainIgnoringCase("OFFSET");
            assertThat(shardLimit(query)).as(query.shard()).isEqualTo(30L);
        }
        assertThat(bound.mergePlan()).contains("Limit(offset=20, count=10)");

        RouteExplanation mysqlForm = ds.explain("SELECT order_id FROM t_order ORDER BY amount LIMIT ?, ?", 20, 10);
        for (RouteExplanation.ShardQuery query : mysqlForm.shardQueries()) {
            assertThat(shardLimit(query)).as(query.shard()).isEqualTo(30L);
        }
        assertThat(mysqlForm.mergePlan()).contains("Limit(offset=20, count=10)");

        // What runs agrees: rows 21..30 by amount, which rises with order_id.
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            List<List<String>> rows = ResultSets.rows(
                    s.executeQuery("SELECT order_id FROM t_order ORDER BY amount LIMIT 10 OFFSET 20"));
            List<List<String>> expected = new ArrayList<>();
            for (int id = 21; id <= 30; id++) {
                expected.add(List.of(String.valueOf(id)));
            }
            assertThat(rows).isEqualTo(expected);
        }
    }

    /** The row count of a shard query's LIMIT, as a literal in its SQL or bound to its last '?'. */
    static long shardLimit(RouteExplanation.ShardQuery query) {
        Matcher literal = Pattern.compile("(?i)LIMIT\\s+(\\d+)\\s*$").matcher(query.sql().strip());
        if (literal.find()) {
            return Long.parseLong(literal.group(1));
        }
        assertThat(query.sql().strip()).as("LIMIT literal or '?'").matches("(?is).*LIMIT\\s+\\?$");
        Object value = query.parameters().get(query.parameters().size() - 1);
        return ((Number) value).longValue();
    }

    // ------------------------------------------------------------------ (d) single shard

    @Test
    void aSingleShardStatementKeepsItsSqlAndHasNoMerge() throws SQLException {
        long u = user("ds2", 1);
        String sql = "SELECT order_id, status FROM t_order WHERE user_id = ? AND status = ? ORDER BY order_id";
        RouteExplanation explanation = ds.explain(sql, u, "paid");
        assertThat(explanation.routeKind()).isEqualTo(RouteKind.SINGLE_SHARD);
        assertThat(explanation.shards()).containsExactly("ds2");
        assertThat(explanation.shardQueries()).hasSize(1);
        RouteExplanation.ShardQuery query = explanation.shardQueries().get(0);
        assertThat(query.shard()).isEqualTo("ds2");
        assertThat(query.sql()).isEqualTo(sql);
        assertThat(query.parameters()).containsExactly(u, "paid");
        assertThat(explanation.mergePlan()).isEmpty();
        assertThat(explanation.toString()).startsWith("Route: SINGLE_SHARD [ds2]").doesNotContain("Merge:");

        String literal = "SELECT * FROM t_order WHERE user_id = " + u;
        RouteExplanation byLiteral = ds.explain(literal);
        assertThat(byLiteral.routeKind()).isEqualTo(RouteKind.SINGLE_SHARD);
        assertThat(byLiteral.shardQueries()).singleElement().satisfies(q -> {
            assertThat(q.sql()).isEqualTo(literal);
            assertThat(q.parameters()).isEmpty();
        });
        assertThat(byLiteral.mergePlan()).isEmpty();
    }

    @Test
    void missingParametersAreAnSqlExceptionWhateverTheRoute() {
        // The shard key is missing.
        assertThatThrownBy(() -> ds.explain("SELECT * FROM t_order WHERE user_id = ?"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Parameter 1");
        // The key is given, another value is not: single shard, then scatter.
        assertThatThrownBy(() -> ds.explain("SELECT * FROM t_order WHERE user_id = ? AND status = ?", 1L))
                .isInstanceOf(SQLException.class).hasMessageContaining("Parameter 2");
        assertThatThrownBy(() -> ds.explain("SELECT * FROM t_order WHERE status = ? ORDER BY order_id"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Parameter 1");
        assertThatThrownBy(() -> ds.explain("SELECT * FROM t_order ORDER BY order_id LIMIT ?"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Parameter 1");
        assertThatThrownBy(() -> ds.explain("UPDATE t_order SET status = ? WHERE amount > ?", "x"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Parameter 2");
    }

    // ------------------------------------------------------------------ (e) toString, and writes

    @Test
    void toStringIsReadableMultiLineText() throws SQLException {
        RouteExplanation explanation = ds.explain("SELECT status, AVG(amount) FROM t_order WHERE user_id IN (?, ?)"
                + " GROUP BY status ORDER BY status", user("ds0", 0), user("ds3", 0));
        String text = explanation.toString();
        String[] lines = text.split("\n");
        assertThat(lines[0]).isEqualTo("Route: SCATTER [ds0, ds3]");
        assertThat(lines[1]).startsWith("  ds0: SELECT").contains("SUM(amount)").contains("COUNT(amount)")
                .endsWith("-- [" + user("ds0", 0) + "] (NULL for 1 value of another shard)");
        assertThat(lines[2]).startsWith("  ds3: SELECT")
                .endsWith("-- [" + user("ds3", 0) + "] (NULL for 1 value of another shard)");
        assertThat(lines[3]).isEqualTo("Merge:");
        assertThat(text).contains("GroupAggregate(").contains("avg(").contains("Shards(2)");
        assertThat(lines.length).isGreaterThan(5);
        for (int i = 4; i < lines.length; i++) {
            assertThat(lines[i]).as("merge lines are indented under Merge:").startsWith("  ");
        }
        assertThat(text).endsWith("\n");
    }

    @Test
    void aScatterWriteShowsTheStatementForEveryShardAndNoMerge() throws SQLException {
        RouteExplanation explanation = ds.explain("UPDATE t_order SET status = ? WHERE amount > ?", "x", 5);
        assertThat(explanation.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(explanation.shards()).containsExactlyElementsOf(NAMES);
        for (RouteExplanation.ShardQuery query : explanation.shardQueries()) {
            assertThat(query.sql()).startsWith("UPDATE t_order SET status = ?");
            assertThat(query.parameters()).containsExactly("x", 5);
        }
        assertThat(explanation.mergePlan()).isEmpty();
        assertThat(explanation.toString()).startsWith("Route: SCATTER").doesNotContain("Merge:");
    }
}
