package dev.shard.core.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.dialect.ParamSource;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whatever text and values arrive, routing answers with a route or an SQLException: never an unchecked
 * exception, which would escape JDBC callers that only expect SQLException.
 */
class RouterRobustnessTest {

    private static final Dialect MYSQL = new MySqlDialect();

    private static final String[] PIECES = {
        "SELECT", "INSERT INTO", "UPDATE", "DELETE FROM", "CREATE TABLE", "DROP TABLE", "SET", "WITH x AS",
        "t_order", "t_order_item", "t_region", "t_audit", "o", "i", "user_id", "o.user_id", "i.user_id", "status",
        "*", ",", "(", ")", "=", "<>", "IN", "NOT", "AND", "OR", "WHERE", "FROM", "JOIN", "LEFT JOIN", "ON",
        "VALUES", "SET user_id =", "?", "?", "42", "-7", "'x'", "NULL", "1.5", "EXISTS", "GROUP BY", "ORDER BY 1",
        "LIMIT 10", "UNION", "ON DUPLICATE KEY UPDATE", ";", "--", "/*", "*/", "`t_order`", "BETWEEN 1 AND 2"};

    @Test
    void randomStatementsGiveARouteOrAnSqlException() {
        SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, new JSqlParserAnalyzer(MYSQL, 500), MYSQL, 1000);
        Random random = new Random(99);
        int routed = 0;
        int refused = 0;
        List<String> defects = new java.util.ArrayList<>();
        for (int n = 0; n < 5_000; n++) {
            StringBuilder sql = new StringBuilder();
            int length = 2 + random.nextInt(14);
            for (int i = 0; i < length; i++) {
                sql.append(PIECES[random.nextInt(PIECES.length)]).append(' ');
            }
            List<Object> values = List.of(1L, "abc", -3, 2.5, "", new Object());
            try {
                RoutedStatement statement = router.prepare(sql.toString());
                List<ParamSource> params = statement.normalized().params();
                statement.plan().route(index -> {
                    if (params.get(index) instanceof ParamSource.Literal literal) {
                        return literal.value();
                    }
                    return values.get(random.nextInt(values.size()));
                }, GoldenRoutingTest.SHARDS, sql.toString());
                routed++;
            } catch (SQLException expected) {
                assertThat(expected.getMessage()).isNotBlank();
                if (expected.getMessage().contains("please report")) {
                    defects.add(expected.getMessage());
                }
                refused++;
            }
        }
        // The generator must exercise both outcomes, or this test proves nothing.
        assertThat(defects).as("analyser defects").isEmpty();
        assertThat(routed).isGreaterThan(50);
        assertThat(refused).isGreaterThan(50);
    }
}
