package dev.shard.jdbc.internal;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.route.SqlRouter;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Warms up parsing and routing at start-up, beside the pools' start. */
final class RoutingWarmUp {

    private RoutingWarmUp() {
    }

    /**
     * The first statement JSqlParser parses, and the first our analysis and rewrite see, cost about 150 ms of class
     * loading and interpretation. Routing two statements of the configuration's own tables on a throwaway router
     * (no cache: nothing it does is kept) moves that cost beside the pools' start, which mostly waits on the
     * network, instead of into the application's first request.
     */
    static void start(ShardConfig config, Dialect dialect, ConfigRules rules) {
        Thread warmUp = new Thread(() -> {
            SqlRouter router = new SqlRouter(rules,
                    new JSqlParserAnalyzer(dialect, config.settings().parseTimeoutMillis()), dialect, 0);
            List<String> statements = new ArrayList<>();
            config.tables().entrySet().stream().findFirst().ifPresentOrElse(table -> {
                String name = table.getKey();
                String column = table.getValue().shardingColumn();
                statements.add("SELECT " + column + " FROM " + name + " WHERE " + column + " = ?");
                statements.add("SELECT " + column + ", COUNT(*) FROM " + name + " GROUP BY " + column
                        + " ORDER BY " + column + " LIMIT 10");
            }, () -> statements.add("SELECT 1"));
            for (String sql : statements) {
                try {
                    router.prepare(sql);
                } catch (SQLException | RuntimeException ignored) {
                    // Only a warm-up: the application's own statements report their own problems.
                }
            }
        }, "shard-routing-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }
}
