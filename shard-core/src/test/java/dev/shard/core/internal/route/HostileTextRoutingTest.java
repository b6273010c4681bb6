package dev.shard.core.internal.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import java.sql.SQLSyntaxErrorException;
import org.junit.jupiter.api.Test;

/** Statement text built to break the analysis gets an SQLException naming it, quickly, and nothing else. */
class HostileTextRoutingTest {

    private static final Dialect MYSQL = new MySqlDialect();

    private final SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, new JSqlParserAnalyzer(MYSQL, 2_000),
            MYSQL, 100);

    @Test
    void twoValuesWithNoOperatorBetweenThemAreASyntaxError() {
        for (String sql : new String[] {"SELECT * FROM t_order WHERE user_id = 4 2",
                "SELECT * FROM t_order WHERE user_id = ? 2", "SELECT * FROM t_order WHERE user_id = ?2",
                "UPDATE t_order SET status = 'a' WHERE user_id = 4 /* c */ 2"}) {
            assertThatThrownBy(() -> router.prepare(sql)).as(sql).isInstanceOf(SQLSyntaxErrorException.class)
                    .hasMessageContaining(sql);
        }
    }

    @Test
    void joinsOfDerivedTablesAreAnalysed() throws Exception {
        assertThat(router.prepare("SELECT a.x FROM (SELECT 1 AS x) a JOIN (SELECT 1 AS y) b ON a.x = b.y").plan())
                .isInstanceOf(StatementPlan.Fixed.class);
        // USING with a derived table on the right ties nothing: the earlier tables are not equated to each other.
        StatementPlan plan = router.prepare("SELECT * FROM t_order o JOIN t_order_item i ON i.order_id = o.order_id"
                + " JOIN (SELECT 1 AS user_id) d USING (user_id) WHERE o.status = 'x'").plan();
        assertThat(((StatementPlan.ByKey) plan).scatterRefusal()).contains("not on their sharding columns");
    }

    @Test
    void deepParenthesesAreRefusedBeforeParsing() throws Exception {
        String sql = "SELECT * FROM t_order WHERE user_id = " + "(".repeat(50_000) + "1" + ")".repeat(50_000);
        long start = System.nanoTime();
        assertThatThrownBy(() -> router.prepare(sql)).isInstanceOf(SQLSyntaxErrorException.class)
                .hasMessageContaining("50000 levels").hasMessageContaining("SELECT * FROM t_order WHERE");
        // Refused from the normaliser's count: far inside the parse bound, which this statement used to exceed.
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
        String fine = "SELECT * FROM t_order WHERE user_id = " + "(".repeat(100) + "1" + ")".repeat(100);
        assertThat(router.prepare(fine).plan()).isInstanceOf(StatementPlan.ByKey.class);
    }

    @Test
    void deepNotsAndLongOrChainsGiveAnSqlExceptionOrARoute() throws Exception {
        String nots = "SELECT * FROM t_order WHERE " + "NOT ".repeat(5_000) + "user_id = 1";
        StringBuilder or = new StringBuilder("SELECT * FROM t_order WHERE user_id = 0");
        for (int i = 1; i < 20_000; i++) {
            or.append(" OR user_id = ").append(i);
        }
        for (String sql : new String[] {nots, or.toString()}) {
            try {
                assertThat(router.prepare(sql).plan()).isNotNull();
            } catch (java.sql.SQLException expected) {
                assertThat(expected.getMessage()).contains(sql.substring(0, 40));
            }
        }
    }
}
