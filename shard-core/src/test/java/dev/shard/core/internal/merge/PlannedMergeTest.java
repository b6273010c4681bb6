package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.route.Bindings;
import dev.shard.core.internal.route.MergePlanner;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import dev.shard.core.internal.sql.MergeSpec;
import dev.shard.core.internal.sql.ScatterSelect;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Statements as the analysis plans them, resolved by {@link MergePlanner} against the shards' result columns and
 * the bound values, and run over fake shard cursors: the path a scatter SELECT takes, without a database. Each
 * shard cursor holds what the rewritten shard query would return.
 */
class PlannedMergeTest {

    private static final Dialect MYSQL = new MySqlDialect();

    private static final JSqlParserAnalyzer ANALYZER = new JSqlParserAnalyzer(MYSQL, 10_000); // generous: the bound is not what these tests are about

    private static ScatterSelect scatter(String sql) throws Exception {
        ScatterSelect scatter = ANALYZER.analyze(MYSQL.normalize(sql).template()).scatter();
        assertThat(scatter).as(sql).isNotNull();
        return scatter;
    }

    private static List<ColumnInfo> plain(int n) {
        List<ColumnInfo> columns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            columns.add(MySqlMerge.PLAIN);
        }
        return columns;
    }

    private static List<String> run(MergeSpec spec, List<ColumnInfo> columns, Bindings bindings,
                                    RowCursor... shards) throws SQLException {
        return Rows.drain(MergePlanner.plan(spec, columns, bindings, 0).open(Arrays.asList(shards)));
    }

    @Test
    void avgDistinctAveragesEachValueOnceHoweverManyShardsHoldIt() throws Exception {
        ScatterSelect scatter = scatter("SELECT AVG(DISTINCT x), AVG(x), COUNT(*) FROM t");
        assertThat(scatter.shardSql())
                .isEqualTo("SELECT x, SUM(x), COUNT(*), COUNT(x) AS __shard_0 FROM t GROUP BY x ORDER BY 1");
        // x values: shard 0 has 1, 1, 1; shard 1 has 2, 4; shard 2 has NULL, 4. Rows: x, SUM(x), COUNT(*), COUNT(x).
        List<String> rows = run(scatter.merge(), plain(4), index -> null,
                Rows.cursor("1|3|3|3"),
                Rows.cursor("2|2|1|1", "4|4|1|1"),
                Rows.cursor("NULL|NULL|1|0", "4|4|1|1"));
        // AVG(DISTINCT x) = (1 + 2 + 4) / 3; AVG(x) = 13 / 6 over the six non-NULL values; COUNT(*) = 7.
        assertThat(rows).containsExactly("2.3333|2.1667|7");
    }

    @Test
    void avgDistinctPerGroupAndInHaving() throws Exception {
        ScatterSelect scatter = scatter("SELECT g, AVG(DISTINCT x) FROM t GROUP BY g HAVING AVG(DISTINCT x) > 2");
        assertThat(scatter.shardSql()).isEqualTo("SELECT g, x FROM t GROUP BY g, x ORDER BY 1, 2");
        RowCursor[] shards = {
            Rows.cursor("a|1", "a|2", "b|5"),
            Rows.cursor("a|2", "b|5", "b|7"),
        };
        // Group a holds 1 and 2, group b 5 and 7; the HAVING value is bound per execution.
        assertThat(run(scatter.merge(), plain(2), index -> 2L, shards)).containsExactly("'b'|6.0000");
        assertThat(run(scatter.merge(), plain(2), index -> 1L,
                Rows.cursor("a|1", "a|2", "b|5"), Rows.cursor("a|2", "b|5", "b|7")))
                .containsExactly("'a'|1.5000", "'b'|6.0000");
    }

    @Test
    void minAndMaxDistinctRunAsWrittenAndKeepTheirLabels() throws Exception {
        ScatterSelect scatter = scatter("SELECT min(distinct  x), MAX(DISTINCT x) AS top, avg(DISTINCT x), AVG(x),"
                + " COUNT(*) FROM t");
        assertThat(scatter.shardSql()).startsWith("SELECT min(DISTINCT x), MAX(DISTINCT x) AS top, x, SUM(x),");
        // Only the items whose shard column is named differently from the user's text get a label.
        assertThat(scatter.merge().labels())
                .containsExactly("min(distinct  x)", null, "avg(DISTINCT x)", "AVG(x)", null);
        assertThat(scatter.merge().aggregates()).extracting(AggregateColumn::kind).containsExactly(
                AggregateKind.MIN, AggregateKind.MAX, AggregateKind.AVG_DISTINCT, AggregateKind.AVG,
                AggregateKind.COUNT);
    }

    @Test
    void derivedSlotsOfSelectStarCountFromTheEndOfTheShardsColumns() throws Exception {
        MergeSpec spec = scatter("SELECT * FROM t ORDER BY x DESC").merge();
        assertThat(spec.userColumns()).isEqualTo(-1);
        // The table turns out to have three columns; the rewrite's x is the fourth.
        MergePlan plan = MergePlanner.plan(spec, plain(4), index -> null, 0);
        assertThat(plan.describe()).isEqualTo("""
                Project(columns=[0, 1, 2])
                  OrderedMerge(keys=[3 DESC])
                    Shards
                """);
        assertThat(Rows.drain(plan.open(List.of(Rows.cursor("1|a|b|9", "2|a|b|3"), Rows.cursor("3|c|d|5")))))
                .containsExactly("1|'a'|'b'", "3|'c'|'d'", "2|'a'|'b'");
    }

    @Test
    void collationsComeFromTheShardsColumns() throws Exception {
        MergeSpec spec = scatter("SELECT status, COUNT(*) FROM t GROUP BY status HAVING status <> 'x'").merge();
        List<ColumnInfo> columns = List.of(MySqlMerge.ci("status"), MySqlMerge.of("COUNT(*)"));
        MergePlan plan = MergePlanner.plan(spec, columns, index -> "X", 0);
        assertThat(plan.describe()).isEqualTo("""
                Filter(status <> 'X')
                  GroupAggregate(keys=[0 ASC ci], aggregates=[count(1)])
                    OrderedMerge(keys=[0 ASC ci])
                      Shards
                """);
        // 'paid' and 'PAID' are one group in a case-insensitive column; 'x' fails HAVING status <> 'X'.
        assertThat(Rows.drain(plan.open(List.of(Rows.cursor("paid|2", "x|1"), Rows.cursor("PAID|3")))))
                .containsExactly("'paid'|5");
    }

    @Test
    void aShardResultThatDoesNotFitThePlanIsAnSqlException() throws Exception {
        MergeSpec spec = scatter("SELECT * FROM t ORDER BY x").merge();
        // Only the derived column: no user column is left.
        assertThatThrownBy(() -> MergePlanner.plan(spec, plain(1), index -> null, 0))
                .isInstanceOf(SQLException.class).hasMessageContaining("Shards returned 1 columns");
        MergeSpec named = scatter("SELECT a, b FROM t ORDER BY c").merge();
        assertThatThrownBy(() -> MergePlanner.plan(named, plain(4), index -> null, 0))
                .isInstanceOf(SQLException.class).hasMessageContaining("selects 2 and adds 1");
    }

    @Test
    void distinctAggregatesOutsideTheSelectListAreRefused() throws Exception {
        for (String sql : List.of("SELECT g FROM t GROUP BY g HAVING AVG(DISTINCT x) > 1",
                "SELECT g, COUNT(*) FROM t GROUP BY g ORDER BY COUNT(DISTINCT x)")) {
            assertThat(ANALYZER.analyze(MYSQL.normalize(sql).template()).scatterRefusal()).as(sql)
                    .contains("only supported across shards in the select list");
        }
        // MIN(DISTINCT x) is MIN(x), so it may appear anywhere MIN may.
        assertThat(scatter("SELECT g FROM t GROUP BY g HAVING MIN(DISTINCT x) > 1").shardSql())
                .isEqualTo("SELECT g, MIN(DISTINCT x) AS __shard_0 FROM t GROUP BY g ORDER BY 1");
    }
}
