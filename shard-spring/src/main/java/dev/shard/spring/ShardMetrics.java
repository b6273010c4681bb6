package dev.shard.spring;

import dev.shard.core.RouteKind;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.StatementListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer meters fed by the data source's {@link StatementListener}:
 * <ul>
 *   <li>{@code shard.statements} (counter, tag {@code route}): statements routed, by route kind;</li>
 *   <li>{@code shard.statement.shards} (distribution summary): how many shards each statement ran on;</li>
 *   <li>{@code shard.statements.scatter} (counter): statements that ran on more than one shard;</li>
 *   <li>{@code shard.merged.rows} (distribution summary): rows read from each merged multi-shard result;</li>
 *   <li>{@code shard.statements.refused} (counter): statements refused before reaching a database.</li>
 * </ul>
 * The refusal reason is deliberately not a tag: it is free text, and a tag per message would grow the registry
 * without bound.
 */
class ShardMetrics implements StatementListener {

    private final MeterRegistry registry;
    private final Map<RouteKind, Counter> byRoute = new ConcurrentHashMap<>(RouteKind.values().length);
    private final DistributionSummary shardsPerStatement;
    private final Counter scatter;
    private final DistributionSummary mergedRows;
    private final Counter refused;

    ShardMetrics(ShardingDataSource dataSource, MeterRegistry registry) {
        this.registry = registry;
        this.shardsPerStatement = DistributionSummary.builder("shard.statement.shards")
                .description("Shards each statement ran on").baseUnit("shards").register(registry);
        this.scatter = Counter.builder("shard.statements.scatter")
                .description("Statements that ran on more than one shard").register(registry);
        this.mergedRows = DistributionSummary.builder("shard.merged.rows")
                .description("Rows read from each result merged from several shards").baseUnit("rows")
                .register(registry);
        this.refused = Counter.builder("shard.statements.refused")
                .description("Statements refused before reaching any database").register(registry);
        dataSource.setStatementListener(this);
    }

    @Override
    public void routed(RouteKind routeKind, int shards) {
        byRoute.computeIfAbsent(routeKind, kind -> Counter.builder("shard.statements")
                .description("Statements routed, by route kind").tag("route", kind.name()).register(registry))
                .increment();
        shardsPerStatement.record(shards);
        if (shards > 1) {
            scatter.increment();
        }
    }

    @Override
    public void merged(long rows) {
        mergedRows.record(rows);
    }

    @Override
    public void refused(String reason) {
        refused.increment();
    }
}
