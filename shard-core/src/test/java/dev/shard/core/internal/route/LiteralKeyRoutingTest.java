package dev.shard.core.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A literal key routes like the number MySQL compares it to, whatever form it is written in, in {@code =},
 * {@code IN} and INSERT values: the shard a row with key 37 lives on is the shard every spelling of 37 reaches.
 */
class LiteralKeyRoutingTest {

    private static final Dialect MYSQL = new MySqlDialect();
    private static final SlotMap SLOTS = SlotMap.consistent(List.of("ds0", "ds1", "ds2", "ds3"),
            List.of(1.0, 1.0, 1.0, 1.0));
    private static final ShardMap SHARDS = SqlRouterTestSupport.shards(4, SLOTS::shardIndexOf);

    private final SqlRouter router = new SqlRouter(GoldenRoutingTest.RULES, new JSqlParserAnalyzer(MYSQL, 2_000),
            MYSQL, 100);

    @Test
    void everySpellingOfANumberReachesTheShardOfThatNumber() throws Exception {
        assertSpellings(10, "b'1010'", "B'1010'", "0b1010", "0xA", "x'0a'", "X'0A'", "+10", "10.0", "'10'",
                "1e1", "+b'1010'", "(10)");
        assertSpellings(37, "0x25", "x'25'", "b'100101'", "+37", "37.00", "'37'", "'37.0'");
        assertSpellings(-3, "-3", "-b'11'", "-0x3", "'-3'", "-3.0");
        assertSpellings(1, "TRUE", "b'1'");
        // The bit literal's digits as a number would be another shard: the case this guards against.
        assertThat(SLOTS.shardIndexOf(1010L)).isNotEqualTo(SLOTS.shardIndexOf(10L));
    }

    @Test
    void aHexOrBitLiteralBeyondSixtyFourBitsPinsNothing() throws Exception {
        for (String sql : List.of("SELECT * FROM t_order WHERE user_id = 0x010000000000000000",
                "SELECT * FROM t_order WHERE user_id = x''")) {
            assertThat(route(sql)).as(sql).isInstanceOf(Route.Scatter.class);
        }
        assertThat(route("SELECT * FROM t_order WHERE user_id = 0xFFFFFFFFFFFFFFFF"))
                .isEqualTo(new Route.Single(SLOTS.shardIndexOf(new java.math.BigInteger("18446744073709551615"))));
    }

    private void assertSpellings(long number, String... spellings) throws Exception {
        Route expected = new Route.Single(SLOTS.shardIndexOf(number));
        for (String literal : spellings) {
            for (String sql : List.of("SELECT * FROM t_order WHERE user_id = " + literal,
                    "SELECT * FROM t_order WHERE " + literal + " = user_id",
                    "SELECT * FROM t_order WHERE user_id IN (" + literal + ", " + number + ")",
                    "SELECT * FROM t_order WHERE user_id = " + literal + " OR user_id = " + number,
                    "UPDATE t_order SET status = 'x' WHERE user_id = " + literal,
                    "INSERT INTO t_order (order_id, user_id, status) VALUES (1, " + literal + ", 'x')")) {
                assertThat(route(sql)).as(sql).isEqualTo(expected);
            }
        }
    }

    private Route route(String sql) throws Exception {
        RoutedStatement routed = router.prepare(sql);
        return routed.plan().route(SqlRouterTestSupport.literals(routed), SHARDS, sql);
    }
}
