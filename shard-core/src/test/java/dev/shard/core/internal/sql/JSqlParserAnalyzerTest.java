package dev.shard.core.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import java.sql.SQLSyntaxErrorException;
import java.time.Duration;
import java.sql.SQLTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JSqlParserAnalyzerTest {

    private static final Dialect MYSQL = new MySqlDialect();

    private final JSqlParserAnalyzer analyzer = new JSqlParserAnalyzer(MYSQL, 2000);

    /** table -> column -> constraints, rendered compactly: "t_order.user_id=[[?0]]". */
    private String constraints(String sql) throws Exception {
        StatementShape shape = analyzer.analyze(sql);
        return shape.tables().stream()
                .map(t -> t.table() + t.constraints().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> "." + e.getKey() + "=" + render(e.getValue()))
                        .collect(Collectors.joining()))
                .collect(Collectors.joining(" "));
    }

    private static String render(List<List<ValueRef>> lists) {
        return lists.stream().map(l -> l.stream().map(v -> v instanceof ValueRef.Param p ? "?" + p.index()
                : String.valueOf(((ValueRef.Constant) v).value())).collect(Collectors.joining(",", "[", "]")))
                .collect(Collectors.joining());
    }

    @Test
    void findsEqualityOnEitherSideAndParameterPositions() throws Exception {
        assertThat(constraints("SELECT * FROM t_order WHERE user_id = ?")).isEqualTo("t_order.user_id=[?0]");
        assertThat(constraints("SELECT * FROM t_order WHERE status = ? AND ? = user_id"))
                .isEqualTo("t_order.status=[?0].user_id=[?1]");
        assertThat(constraints("SELECT * FROM t_order WHERE 42 = user_id")).isEqualTo("t_order.user_id=[42]");
        assertThat(constraints("SELECT * FROM t_order WHERE user_id = -7")).isEqualTo("t_order.user_id=[-7]");
        assertThat(constraints("SELECT * FROM t_order o WHERE o.user_id = 'abc'"))
                .isEqualTo("t_order.user_id=[abc]");
    }

    @Test
    void inListsAndChainsAndOrsThatPinEveryBranch() throws Exception {
        assertThat(constraints("SELECT * FROM t_order WHERE user_id IN (?, ?) AND (status = 'x')"))
                .isEqualTo("t_order.status=[x].user_id=[?0,?1]");
        assertThat(constraints("SELECT * FROM t_order WHERE user_id = 1 OR user_id = 2"))
                .isEqualTo("t_order.user_id=[1,2]");
        assertThat(constraints("SELECT * FROM t_order WHERE (user_id = 1 AND status = 'a') OR user_id IN (2, 3)"))
                .isEqualTo("t_order.user_id=[1,2,3]");
        assertThat(constraints("SELECT * FROM t_order WHERE user_id = 1 OR status = 'a'")).isEqualTo("t_order");
        assertThat(constraints("SELECT * FROM t_order WHERE user_id = 1 OR user_id IS NULL")).isEqualTo("t_order");
        assertThat(constraints("SELECT * FROM t_order WHERE NOT (user_id = 1)")).isEqualTo("t_order");
        assertThat(constraints("SELECT * FROM t_order WHERE user_id NOT IN (1)")).isEqualTo("t_order");
    }

    @Test
    void joinEqualitiesPropagateValues() throws Exception {
        assertThat(constraints("SELECT * FROM t_order o JOIN t_order_item i ON o.user_id = i.user_id "
                + "WHERE o.user_id = ?"))
                .isEqualTo("t_order.user_id=[?0] t_order_item.user_id=[?0]");
        assertThat(constraints("SELECT * FROM t_order o, t_order_item i WHERE i.user_id = o.user_id "
                + "AND o.user_id = 5"))
                .isEqualTo("t_order.user_id=[5] t_order_item.user_id=[5]");
        assertThat(constraints("SELECT * FROM t_order o JOIN t_order_item i USING (user_id) WHERE o.user_id = 5"))
                .isEqualTo("t_order.user_id=[5] t_order_item.user_id=[5]");
    }

    @Test
    void outerJoinOnValueDoesNotPinThePreservedSide() throws Exception {
        assertThat(constraints("SELECT * FROM t_order o LEFT JOIN t_order_item i "
                + "ON o.user_id = i.user_id AND i.user_id = 5"))
                .isEqualTo("t_order t_order_item");
        assertThat(constraints("SELECT * FROM t_order o LEFT JOIN t_order_item i "
                + "ON o.user_id = i.user_id WHERE o.user_id = 5"))
                .isEqualTo("t_order.user_id=[5] t_order_item.user_id=[5]");
    }

    @Test
    void subqueriesInheritButNeverRestrictOuterScope() throws Exception {
        assertThat(constraints("SELECT * FROM t_order o WHERE o.user_id = 3 AND EXISTS "
                + "(SELECT 1 FROM t_order_item i WHERE i.user_id = o.user_id)"))
                .isEqualTo("t_order.user_id=[3] t_order_item.user_id=[3]");
        assertThat(constraints("SELECT (SELECT COUNT(*) FROM t_order_item i WHERE i.user_id = o.user_id "
                + "AND i.user_id = 9) FROM t_order o"))
                .isEqualTo("t_order t_order_item.user_id=[9]");
        assertThat(constraints("SELECT * FROM (SELECT * FROM t_order WHERE user_id = 1) x"))
                .isEqualTo("t_order.user_id=[1]");
    }

    @Test
    void insertRowsUpdateAssignmentsDeleteScope() throws Exception {
        StatementShape insert = analyzer.analyze(
                "INSERT INTO `t_order` (order_id, USER_ID) VALUES (?, ?), (3, 4) ON DUPLICATE KEY UPDATE x = 1");
        assertThat(insert.kind()).isEqualTo(StatementKind.INSERT);
        assertThat(insert.insert().table()).isEqualTo("t_order");
        assertThat(insert.insert().columns()).containsExactly("order_id", "user_id");
        assertThat(insert.insert().rows()).hasSize(2);
        assertThat(insert.insert().rows().get(0).get(1)).isEqualTo(new ValueRef.Param(1));
        assertThat(insert.insert().rows().get(1).get(1)).isEqualTo(new ValueRef.Constant(4L));
        assertThat(insert.insert().upsertColumns()).containsExactly("x");

        StatementShape update = analyzer.analyze("UPDATE t_order o SET o.user_id = ?, amount = amount + 1 "
                + "WHERE o.user_id = ?");
        assertThat(update.assignments()).containsExactly(
                new ColumnAssignment("t_order", "user_id", new ValueRef.Param(0)),
                new ColumnAssignment(null, "amount", null));
        assertThat(update.tables().get(0).constraintsOn("user_id")).containsExactly(List.of(new ValueRef.Param(1)));

        assertThat(constraints("DELETE FROM t_order WHERE user_id = ? AND order_id = ?"))
                .isEqualTo("t_order.order_id=[?1].user_id=[?0]");
    }

    @Test
    void ddlAndOtherStatements() throws Exception {
        assertThat(analyzer.analyze("CREATE TABLE t_order (id BIGINT PRIMARY KEY, user_id BIGINT)").kind())
                .isEqualTo(StatementKind.DDL);
        assertThat(constraints("ALTER TABLE t_order ADD COLUMN note VARCHAR(20)")).isEqualTo("t_order");
        assertThat(constraints("DROP TABLE IF EXISTS t_order, t_region")).isEqualTo("t_order t_region");
        assertThat(constraints("CREATE INDEX idx_status ON t_order (status)")).isEqualTo("t_order");
        assertThat(constraints("TRUNCATE TABLE t_order")).isEqualTo("t_order");
        assertThat(analyzer.analyze("SET @x = 1").kind()).isEqualTo(StatementKind.OTHER);
    }

    @Test
    void tablesInUnwalkedPlacesAreStillReported() throws Exception {
        assertThat(constraints("SELECT * FROM t_region WHERE id IN (SELECT region_id FROM t_order)"))
                .contains("t_order");
        assertThat(constraints("WITH recent AS (SELECT * FROM t_order WHERE user_id = 1) SELECT * FROM recent"))
                .isEqualTo("t_order.user_id=[1]");
    }

    @Test
    void syntaxErrorsNameThePosition() {
        assertThatThrownBy(() -> analyzer.analyze("SELECT * FROM WHERE x = 1"))
                .isInstanceOf(SQLSyntaxErrorException.class)
                .hasMessageContaining("line 1, column")
                .hasMessageContaining("SELECT * FROM WHERE x = 1");
    }

    @Test
    void pathologicalNestingIsBounded() {
        // Unbounded, JSqlParser spends over 20 s on this before overflowing its stack.
        JSqlParserAnalyzer impatient = new JSqlParserAnalyzer(MYSQL, 100);
        String deep = "SELECT " + "(".repeat(3000) + "1" + ")".repeat(3000) + " FROM t";
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                assertThatThrownBy(() -> impatient.analyze(deep))
                        .isInstanceOfAny(SQLTimeoutException.class, SQLSyntaxErrorException.class)
                        .hasMessageContaining("SELECT (((("));
    }
}
