package dev.shard.core.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import dev.shard.core.internal.sql.SqlAnalyzer;
import dev.shard.core.internal.sql.StatementShape;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SqlRouterTest {

    private static final Dialect MYSQL = new MySqlDialect();

    /** Counts parses, so the tests can see what the cache saves. */
    private static final class CountingAnalyzer implements SqlAnalyzer {
        final AtomicInteger parses = new AtomicInteger();
        final JSqlParserAnalyzer delegate = new JSqlParserAnalyzer(MYSQL, 2000);

        @Override
        public StatementShape analyze(String sql) throws SQLException {
            parses.incrementAndGet();
            return delegate.analyze(sql);
        }
    }

    @Test
    void statementsThatDifferOnlyInLiteralsAreParsedOnce() throws Exception {
        CountingAnalyzer analyzer = new CountingAnalyzer();
        SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, analyzer, MYSQL, 100);
        for (int user = 0; user < 500; user++) {
            RoutedStatement routed = router.prepare("SELECT * FROM t_order WHERE user_id = " + user
                    + " AND status = 'paid'");
            Route route = routed.plan().route(SqlRouterTestSupport.literals(routed), GoldenRoutingTest.SHARDS, routed.sql());
            assertThat(route).isEqualTo(new Route.Single(user % 4));
        }
        assertThat(analyzer.parses).hasValue(1);
        assertThat(router.cachedPlans()).isEqualTo(1);
    }

    /**
     * Read/write splitting asks every execution where a query may run; the answer is read from the text when it
     * is routed, so a query that plans from the literal-free cache must carry its own text's answer, and two texts
     * sharing one plan (they differ only in literals and the hint) must not share it.
     */
    @Test
    void everyRoutedTextCarriesWhatItsOwnTextSaysAboutWhereItRuns() throws Exception {
        SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, new CountingAnalyzer(), MYSQL, 100);
        String locking = "SELECT * FROM t_order WHERE user_id = ? FOR UPDATE";
        assertThat(router.prepare(locking).readDirectives().locks()).isTrue();
        assertThat(router.prepare(locking).readDirectives().locks()).isTrue(); // from the literal-free cache
        assertThat(router.prepare("SELECT * FROM t_order WHERE user_id = ?").readDirectives())
                .isEqualTo(dev.shard.core.internal.sql.ReadDirectives.NONE);
        assertThat(router.prepare("/* shard:primary */ SELECT * FROM t_order WHERE user_id = 7")
                .readDirectives().primaryHinted()).isTrue();
        assertThat(router.prepare("SELECT * FROM t_order WHERE user_id = 8").readDirectives().primaryHinted())
                .isFalse();
        assertThat(router.prepare("SELECT * FROM t_order WHERE note = 'FOR UPDATE'").readDirectives().locks())
                .isFalse();
        assertThat(router.prepare("UPDATE t_order SET status = 'x' WHERE user_id = 1").readDirectives())
                .isEqualTo(dev.shard.core.internal.sql.ReadDirectives.NONE);
    }

    @Test
    void ordinalsStayPartOfTheCacheKey() throws Exception {
        CountingAnalyzer analyzer = new CountingAnalyzer();
        SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, analyzer, MYSQL, 100);
        router.prepare("SELECT status, COUNT(*) FROM t_order WHERE user_id = 1 GROUP BY 1 ORDER BY 2");
        router.prepare("SELECT status, COUNT(*) FROM t_order WHERE user_id = 2 GROUP BY 1 ORDER BY 1");
        assertThat(analyzer.parses).hasValue(2);
    }

    @Test
    void theCacheIsBounded() throws Exception {
        CountingAnalyzer analyzer = new CountingAnalyzer();
        SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, analyzer, MYSQL, 10);
        for (int i = 0; i < 200; i++) {
            router.prepare("SELECT c" + i + " FROM t_order WHERE user_id = 1");
        }
        assertThat(router.cachedPlans()).isLessThanOrEqualTo(10);
    }

    @Test
    void aStatementWithoutLiteralsIsPreparedAgainFromItsOwnTextAndOneWithLiteralsIsNormalisedEachTime()
            throws Exception {
        SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, new CountingAnalyzer(), MYSQL, 100);
        String placeholders = "SELECT * FROM t_order WHERE user_id = ? AND status = ?";
        assertThat(router.prepare(placeholders)).isSameAs(router.prepare(placeholders));

        // Kept whole, text with literals would need one entry per value; each gets its own bound literals instead.
        RoutedStatement seven = router.prepare("SELECT * FROM t_order WHERE user_id = 7");
        RoutedStatement sevenAgain = router.prepare("SELECT * FROM t_order WHERE user_id = 7");
        assertThat(sevenAgain).isNotSameAs(seven).isEqualTo(seven);
        assertThat(sevenAgain.plan()).isSameAs(seven.plan());
    }

    /** Columns of t_order as a test database would report them, with the reads and generations counted. */
    private static final class FakeColumns implements TableColumns {
        final AtomicInteger reads = new AtomicInteger();
        volatile java.util.List<String> current = java.util.List.of("order_id", "user_id", "status");
        volatile java.util.List<String> cached;
        volatile long generation;

        @Override
        public java.util.List<String> of(String table, String written, boolean refresh) {
            assertThat(table).isEqualTo("t_order");
            if (cached == null || refresh) {
                reads.incrementAndGet();
                cached = current;
            }
            return cached;
        }

        @Override
        public long generation() {
            return generation;
        }

        void schemaChanged() {
            cached = null;
            generation++;
        }
    }

    private static Route routeOf(SqlRouter router, String sql) throws SQLException {
        RoutedStatement routed = router.prepare(sql);
        return routed.plan().route(SqlRouterTestSupport.literals(routed), GoldenRoutingTest.SHARDS, routed.sql());
    }

    @Test
    void anInsertWithoutColumnsIsRoutedByTheTablesColumnsUntilTheyChange() throws Exception {
        CountingAnalyzer analyzer = new CountingAnalyzer();
        FakeColumns columns = new FakeColumns();
        SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, analyzer, MYSQL, 100, columns);
        assertThat(routeOf(router, "INSERT INTO t_order VALUES (10, 5, 'new')")).isEqualTo(new Route.Single(1));
        assertThat(routeOf(router, "INSERT INTO t_order VALUES (11, 6, 'new'), (12, 7, 'x')"))
                .isEqualTo(new Route.InsertSplit(new int[] {2, 3}));
        assertThat(routeOf(router, "INSERT INTO t_order VALUES (13, 9, 'new')")).isEqualTo(new Route.Single(1));
        assertThat(columns.reads).hasValue(1);
        assertThat(analyzer.parses).hasValue(2);

        // DDL reorders the columns: the cached plans are made again from the columns read anew.
        columns.current = java.util.List.of("user_id", "order_id", "status");
        columns.schemaChanged();
        assertThat(routeOf(router, "INSERT INTO t_order VALUES (6, 5, 'new')")).isEqualTo(new Route.Single(2));
        assertThat(columns.reads).hasValue(2);
        assertThat(analyzer.parses).hasValue(3);

        // Changed where Shard did not see it: values that do not fit make it read the columns again.
        columns.current = java.util.List.of("region", "user_id", "order_id", "status");
        assertThat(routeOf(router, "INSERT INTO t_order VALUES (0, 7, 5, 'new')")).isEqualTo(new Route.Single(3));
        assertThat(columns.reads).hasValue(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> routeOf(router, "INSERT INTO t_order VALUES (1, 2)"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("gives 2 values per row, but t_order has 4 columns [region, user_id, order_id,"
                        + " status]; list the columns it gives");
    }
}
