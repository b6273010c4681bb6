package dev.shard.core.internal.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import dev.shard.core.internal.sql.UnionShape;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a UNION is cut into branches, routed branch by branch, and turned into shard calls. */
class UnionRoutingTest {

    private static final MySqlDialect MYSQL = new MySqlDialect();
    private final SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, new JSqlParserAnalyzer(MYSQL, 2000),
            MYSQL, 100);

    private Execution execute(String sql, Object... user) throws SQLException {
        RoutedStatement routed = router.prepare(sql);
        Bindings bindings = Bindings.of(routed, new Bind.UserParameters() {
            @Override
            public Object value(int index) {
                return user[index - 1];
            }

            @Override
            public void bind(java.sql.PreparedStatement target, int position, int index) {
                throw new UnsupportedOperationException();
            }
        });
        Route route = routed.plan().route(bindings, GoldenRoutingTest.SHARDS, sql);
        return ExecutionBuilder.build(routed, route, bindings, Execution.GeneratedValues.NONE,
                routed.userParameterCount(), 0, 4);
    }

    @Test
    void eachBranchGetsItsOwnTextAndItsOwnValuesWhereverTheyWereLifted() throws SQLException {
        Execution execution = execute("SELECT order_id FROM t_order WHERE user_id = ? AND status = 'paid'"
                + " UNION ALL SELECT item_id FROM t_order_item WHERE user_id IN (?, 6) ORDER BY 1 DESC LIMIT 2, ?",
                5L, 7L, 10L);
        Execution.UnionQuery union = (Execution.UnionQuery) execution;
        assertThat(union.branches()).hasSize(2);
        ShardCall first = union.branches().get(0).calls().get(0);
        assertThat(first.shard()).isEqualTo(1);
        assertThat(first.sql()).isEqualTo("SELECT order_id FROM t_order WHERE user_id = ? AND status = ?");
        assertThat(first.binds()).containsExactly(new Bind.User(1), new Bind.Value("paid"));
        // The second branch's IN values live on shards 3 and 2: each shard binds its own and NULL for the other.
        assertThat(union.branches().get(1).calls()).extracting(ShardCall::shard).containsExactly(2, 3);
        assertThat(union.branches().get(1).calls().get(0).binds()).containsExactly(Bind.Pruned.INSTANCE,
                new Bind.Value(6L));
        UnionShape.Combine combine = union.combine();
        assertThat(combine.distinctBranches()).isZero();
        assertThat(combine.order()).containsExactly(new UnionShape.OrderKey(0, null, true));
        assertThat(MergePlanner.number(combine.limit().count(), union.bindings(), "count")).isEqualTo(10L);
        assertThat(MergePlanner.number(combine.limit().offset(), union.bindings(), "offset")).isEqualTo(2L);
    }

    @Test
    void aLimitAfterAnUnparenthesisedLastSelectBelongsToTheWholeUnion() throws SQLException {
        Execution.UnionQuery union = (Execution.UnionQuery) execute("SELECT order_id AS id FROM t_order UNION ALL"
                + " SELECT order_id FROM t_order WHERE user_id = 1 UNION SELECT item_id FROM t_order_item"
                + " LIMIT 3 OFFSET 1");
        assertThat(union.branches().get(2).calls().get(0).sql()).doesNotContain("LIMIT");
        assertThat(union.combine().distinctBranches()).as("the DISTINCT union covers every branch to its left")
                .isEqualTo(3);
        assertThat(MergePlanner.number(union.combine().limit().count(), union.bindings(), "count")).isEqualTo(3L);

        Execution.UnionQuery parenthesised = (Execution.UnionQuery) execute("(SELECT order_id AS id FROM t_order"
                + " ORDER BY order_id LIMIT 3) UNION ALL (SELECT order_id FROM t_order WHERE user_id = 2) ORDER BY id");
        assertThat(parenthesised.combine().order()).containsExactly(new UnionShape.OrderKey(-1, "id", false));
        assertThat(parenthesised.combine().limit()).isNull();
        assertThat(parenthesised.branches().get(0).merge().limit()).as("the first branch keeps its own LIMIT")
                .isNotNull();
        assertThat(parenthesised.branches().get(1).calls().get(0).sql())
                .isEqualTo("SELECT order_id FROM t_order WHERE user_id = ?");
    }

    @Test
    void branchesOnOneShardSendTheStatementWhole() throws SQLException {
        String sql = "SELECT user_id FROM t_order WHERE user_id = 5 UNION SELECT region_id FROM t_region"
                + " UNION SELECT user_id FROM t_order_item WHERE user_id = ?";
        Execution execution = execute(sql, 9L);
        assertThat(execution).isInstanceOf(Execution.OneShard.class);
        assertThat(execution.calls()).singleElement().satisfies(call -> {
            assertThat(call.shard()).isEqualTo(1);
            assertThat(call.sql()).isEqualTo(sql);
            assertThat(call.asWritten()).isTrue();
        });
        assertThat(execute("SELECT region_id FROM t_region UNION ALL SELECT region_id FROM t_region").calls())
                .hasSize(1);
    }

    @Test
    void aBranchThatCannotRunOnSeveralShardsIsRefusedNamingTheBranch() {
        assertThatThrownBy(() -> execute("SELECT user_id FROM t_order WHERE user_id = 1"
                + " UNION SELECT COUNT(*) FROM (SELECT user_id FROM t_order GROUP BY user_id) x"))
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessageContaining("UNION branch 2 of 2")
                .hasMessageContaining("only inside a subquery")
                .hasMessageContaining("SELECT user_id FROM t_order WHERE user_id = 1 UNION");
    }

    @Test
    void intersectExceptAndUnionsThatCannotBeCutAreRefusedAcrossShardsWithTheReason() {
        for (String sql : List.of("SELECT user_id FROM t_order INTERSECT SELECT user_id FROM t_order_item",
                "SELECT user_id FROM t_order EXCEPT SELECT user_id FROM t_order_item")) {
            assertThatThrownBy(() -> execute(sql)).as(sql).isInstanceOf(SQLFeatureNotSupportedException.class)
                    .hasMessageContaining("INTERSECT and EXCEPT are not supported across shards");
        }
        assertThatThrownBy(() -> execute("WITH o AS (SELECT user_id FROM t_order) SELECT user_id FROM o"
                + " UNION SELECT user_id FROM t_order_item"))
                .isInstanceOf(SQLFeatureNotSupportedException.class).hasMessageContaining("WITH clause over a UNION");
        assertThatThrownBy(() -> execute("SELECT user_id FROM t_order UNION SELECT user_id FROM t_order_item"
                + " ORDER BY user_id + 1"))
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessageContaining("by position or by the first SELECT's column names");
        assertThatThrownBy(() -> execute("SELECT user_id FROM t_order UNION (SELECT user_id FROM t_order_item"
                + " UNION SELECT id FROM t_user)"))
                .isInstanceOf(SQLFeatureNotSupportedException.class).hasMessageContaining("nested UNION");
    }
}
