package dev.shard.core.internal.route;

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
}
