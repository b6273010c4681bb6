package dev.shard.core.internal.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.dialect.ParamSource;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs routing/golden.txt: each line a statement, its parameters and the route (or error) it must get. */
class GoldenRoutingTest {

    private static final Dialect MYSQL = new MySqlDialect();

    /** Which tables are sharded, on which column, and which are broadcast. */
    static final ShardingRules RULES = new ShardingRules() {
        private final Map<String, String> sharded = Map.of("t_order", "user_id", "t_order_item", "user_id",
                "t_user", "id");

        @Override
        public String shardingColumn(String table) {
            return sharded.get(table);
        }

        @Override
        public boolean isBroadcast(String table) {
            return table.equals("t_region");
        }

        @Override
        public String defaultDataSource() {
            return "ds0";
        }
    };

    /** Integer key k lives on shard k mod 4. */
    static final ShardMap SHARDS = SqlRouterTestSupport.shards(4,
            value -> (int) Math.floorMod(new BigDecimal(value.toString()).longValueExact(), 4L));

    record Case(String expected, String sql, List<String> params, int line) {
        @Override
        public String toString() {
            return "line " + line + ": " + sql;
        }
    }

    static Stream<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = GoldenRoutingTest.class.getResourceAsStream("/routing/golden.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\|", -1);
                String params = parts[2].trim();
                cases.add(new Case(parts[0].trim(), parts[1].trim(),
                        params.isEmpty() ? List.of() : List.of(params.split(",")), i + 1));
            }
        }
        return cases.stream();
    }

    private final SqlRouter router = new SqlRouter(RULES, new JSqlParserAnalyzer(MYSQL, 2000), MYSQL, 100);

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void routesAsTheTableSays(Case c) {
        String actual;
        try {
            RoutedStatement routed = router.prepare(c.sql());
            List<ParamSource> sources = routed.normalized().params();
            Route route = routed.plan().route(index -> {
                ParamSource source = sources.get(index);
                if (source instanceof ParamSource.UserParameter user) {
                    String text = c.params().get(user.userIndex() - 1);
                    return text.matches("-?\\d+") ? (Object) Long.parseLong(text) : text;
                }
                return ((ParamSource.Literal) source).value();
            }, SHARDS, c.sql());
            if (route instanceof Route.Single s) {
                actual = "SINGLE_SHARD " + s.shard();
            } else if (route instanceof Route.Scatter scatter) {
                actual = "SCATTER " + java.util.Arrays.stream(scatter.shards()).mapToObj(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(","));
            } else if (route instanceof Route.InsertSplit split) {
                actual = "SPLIT_INSERT " + java.util.Arrays.stream(split.rowShards()).mapToObj(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(","));
            } else if (route instanceof Route.Default d) {
                actual = "DEFAULT " + d.shard();
            } else {
                actual = route.kind().name();
            }
        } catch (SQLException e) {
            if (!c.expected().startsWith("ERROR ")) {
                fail("line " + c.line() + " expected " + c.expected() + " but failed: " + e, e);
            }
            String[] expected = c.expected().split(" ", 3);
            assertThat(e.getClass().getSimpleName()).as("line %d exception for %s", c.line(), c.sql())
                    .isEqualTo(expected[1]);
            assertThat(e.getMessage()).as("line %d message", c.line()).contains(expected[2]).contains(c.sql());
            return;
        }
        assertThat(actual).as("line %d: %s", c.line(), c.sql()).isEqualTo(c.expected());
    }
}
