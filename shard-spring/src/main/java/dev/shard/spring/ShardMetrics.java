package dev.shard.spring;

import dev.shard.core.RouteKind;
import dev.shard.jdbc.PoolStatistics;
import dev.shard.jdbc.ReplicaStatus;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.StatementListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Micrometer meters fed by the data source's {@link StatementListener}:
 * <ul>
 *   <li>{@code shard.statements} (counter, tag {@code route}): statements routed, by route kind;</li>
 *   <li>{@code shard.statement.shards} (distribution summary): how many shards each statement ran on;</li>
 *   <li>{@code shard.statements.scatter} (counter): statements that ran on more than one shard;</li>
 *   <li>{@code shard.merged.rows} (distribution summary): rows read from each merged multi-shard result;</li>
 *   <li>{@code shard.statements.refused} (counter): statements refused before reaching a database;</li>
 *   <li>{@code shard.pool.connections.active}, {@code .idle}, {@code .total}, {@code .pending} and {@code .max}
 *       (gauges, tag {@code shard}): each shard's connection pool, from
 *       {@link ShardingDataSource#poolStatistics(String)}; read replicas' pools too, tagged with the replica's
 *       name ({@code ds0-replica0});</li>
 *   <li>{@code shard.replica.lag} (gauge, milliseconds, tags {@code shard} and {@code replica}): how far behind its
 *       primary each replica was at its last check, NaN when unknown;</li>
 *   <li>{@code shard.replica.in.rotation} (gauge, tags {@code shard} and {@code replica}): 1 while reads go to the
 *       replica, 0 while it is out (down, stopped, lagging, or its breaker open).</li>
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
        List<String> pools = new ArrayList<>(dataSource.shardNames());
        for (ReplicaStatus replica : dataSource.replicaStatuses()) {
            pools.add(replica.name());
            replicaGauges(dataSource, replica);
        }
        for (String shard : pools) {
            poolGauge(dataSource, shard, "active", "Connections borrowed from the shard's pool",
                    PoolStatistics::active);
            poolGauge(dataSource, shard, "idle", "Connections ready in the shard's pool", PoolStatistics::idle);
            poolGauge(dataSource, shard, "total", "Connections open to the shard's database", PoolStatistics::total);
            poolGauge(dataSource, shard, "pending", "Threads waiting for a connection to the shard",
                    PoolStatistics::threadsAwaiting);
            poolGauge(dataSource, shard, "max", "Most connections the shard's pool opens",
                    PoolStatistics::maximumPoolSize);
        }
        dataSource.setStatementListener(this);
    }

    private void poolGauge(ShardingDataSource dataSource, String shard, String name, String description,
                           ToIntFunction<PoolStatistics> value) {
        Gauge.builder("shard.pool.connections." + name, dataSource,
                        source -> value.applyAsInt(source.poolStatistics(shard)))
                .description(description).tag("shard", shard).baseUnit("connections").register(registry);
    }

    private void replicaGauges(ShardingDataSource dataSource, ReplicaStatus replica) {
        String name = replica.name();
        Gauge.builder("shard.replica.lag", dataSource, source -> {
            long lag = replicaStatus(source, name).lagMillis();
            return lag < 0 ? Double.NaN : lag;
        }).description("How far behind its primary the replica was at its last check").baseUnit("milliseconds")
                .tag("shard", replica.dataSource()).tag("replica", name).register(registry);
        Gauge.builder("shard.replica.in.rotation", dataSource,
                        source -> replicaStatus(source, name).inRotation() ? 1 : 0)
                .description("1 while reads go to the replica, 0 while it is out of the rotation")
                .tag("shard", replica.dataSource()).tag("replica", name).register(registry);
    }

    private static ReplicaStatus replicaStatus(ShardingDataSource source, String name) {
        for (ReplicaStatus status : source.replicaStatuses()) {
            if (status.name().equals(name)) {
                return status;
            }
        }
        throw new IllegalStateException("No replica " + name);
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
