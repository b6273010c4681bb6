package dev.shard.core.internal.route;

import dev.shard.core.RouteKind;
import dev.shard.core.internal.route.Execution.GeneratedValues;
import dev.shard.core.internal.dialect.ParamSource;
import dev.shard.core.internal.sql.ScatterSelect;
import dev.shard.core.internal.sql.StatementKind;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a route into the {@link Execution} that runs it: which text each shard receives and where each of its
 * '?' values comes from. Pure: the same statement, route and values always give the same calls.
 */
public final class ExecutionBuilder {

    /** User parameter binds 1..n, shared: most statements have a handful, and a point query needs no new list. */
    private static final List<List<Bind>> USER_BINDS = new ArrayList<>();

    static {
        for (int n = 0; n <= 32; n++) {
            USER_BINDS.add(userBinds(n));
        }
    }

    private ExecutionBuilder() {
    }

    /**
     * @param routed         the statement and its cached plan
     * @param route          where this execution goes
     * @param bindings       this execution's values by template position (generated keys included)
     * @param generated      keys made for this execution's rows, or {@link GeneratedValues#NONE}
     * @param userParameters how many '?' the user wrote
     * @param anyShard       the shard an ANY_SHARD route runs on (one the connection already holds)
     * @param shardCount     how many shards the topology has
     */
    public static Execution build(RoutedStatement routed, Route route, Bindings bindings, GeneratedValues generated,
                                  int userParameters, int anyShard, int shardCount) throws SQLException {
        List<Bind> asWritten = userParameters < USER_BINDS.size() ? USER_BINDS.get(userParameters)
                : userBinds(userParameters);
        KeyGeneration generation = routed.plan() instanceof StatementPlan.ByKey byKey ? byKey.keyGeneration() : null;
        RouteKind kind = route.kind();
        switch (kind) {
            case SINGLE_SHARD, DEFAULT, ANY_SHARD -> {
                int shard = route instanceof Route.Single single ? single.shard()
                        : route instanceof Route.Default byDefault ? byDefault.shard() : anyShard;
                if (generation != null) {
                    int[] rows = java.util.stream.IntStream.range(0, generation.rowCount()).toArray();
                    InsertRows text = generation.rows();
                    return new Execution.KeyedInsert(new ShardCall(shard, text.sqlFor(rows),
                            templateBinds(text.paramsFor(rows), routed, bindings, generation, null, shard), false),
                            generated);
                }
                return new Execution.OneShard(kind, new ShardCall(shard, routed.sql(), asWritten, true));
            }
            case SCATTER -> {
                Route.Scatter scatter = (Route.Scatter) route;
                StatementPlan.ByKey plan = (StatementPlan.ByKey) routed.plan();
                List<ShardCall> calls = new ArrayList<>();
                if (plan.kind() == StatementKind.SELECT) {
                    ScatterSelect select = plan.scatter();
                    for (int shard : scatter.shards()) {
                        calls.add(new ShardCall(shard, select.shardSql(),
                                scatterSelectBinds(select, routed, bindings, scatter, shard), false));
                    }
                    return new Execution.ScatterQuery(calls, select.merge(), bindings,
                            routed.normalized().template());
                }
                int[] all = java.util.stream.IntStream.range(0, routed.normalized().params().size()).toArray();
                for (int shard : scatter.shards()) {
                    calls.add(new ShardCall(shard, routed.normalized().template(),
                            templateBinds(all, routed, bindings, generation, scatter, shard), false));
                }
                return new Execution.MultiShardWrite(kind, calls, false, generated, routed.normalized().template());
            }
            case SPLIT_INSERT -> {
                Route.InsertSplit split = (Route.InsertSplit) route;
                InsertRows rows = ((StatementPlan.ByKey) routed.plan()).insertRows();
                List<ShardCall> calls = new ArrayList<>();
                for (int shard : split.shards()) {
                    int[] shardRows = split.rowsOf(shard);
                    calls.add(new ShardCall(shard, rows.sqlFor(shardRows),
                            templateBinds(rows.paramsFor(shardRows), routed, bindings, generation, null, shard),
                            false));
                }
                return new Execution.MultiShardWrite(kind, calls, false, generated, routed.normalized().template());
            }
            case ALL_SHARDS -> {
                List<ShardCall> calls = new ArrayList<>();
                boolean ddl = routed.plan().kind() == StatementKind.DDL;
                for (int shard = 0; shard < shardCount; shard++) {
                    // DDL runs through the statement's own physical statement, one shard after another; a
                    // broadcast write is prepared on every shard at once, as one all-or-nothing step.
                    calls.add(new ShardCall(shard, routed.sql(), asWritten, ddl));
                }
                return ddl ? new Execution.EveryShard(calls)
                        : new Execution.MultiShardWrite(kind, calls, true, generated,
                        routed.normalized().template());
            }
        }
        throw new IllegalStateException("unreachable: every route kind returns above");
    }

    private static List<Bind> scatterSelectBinds(ScatterSelect select, RoutedStatement routed, Bindings bindings,
                                                 Route.Scatter scatter, int shard) throws SQLException {
        List<Bind> binds = new ArrayList<>(select.shardParams().size());
        for (ScatterSelect.ShardParam param : select.shardParams()) {
            if (param instanceof ScatterSelect.ShardParam.FromTemplate template) {
                binds.add(templateBind(template.index(), routed, bindings, null, scatter, shard));
            } else {
                ScatterSelect.ShardParam.LimitSum sum = (ScatterSelect.ShardParam.LimitSum) param;
                long offset = sum.offset() == null ? 0 : MergePlanner.number(sum.offset(), bindings, "offset");
                binds.add(new Bind.Value(dev.shard.core.internal.sql.RowLimits.sum(offset,
                        MergePlanner.number(sum.count(), bindings, "row count"))));
            }
        }
        return binds;
    }

    private static List<Bind> templateBinds(int[] templateParams, RoutedStatement routed, Bindings bindings,
                                            KeyGeneration generation, Route.Scatter scatter, int shard)
            throws SQLException {
        List<Bind> binds = new ArrayList<>(templateParams.length);
        for (int index : templateParams) {
            binds.add(templateBind(index, routed, bindings, generation, scatter, shard));
        }
        return binds;
    }

    /** One '?' of the normalised template on one shard. */
    private static Bind templateBind(int index, RoutedStatement routed, Bindings bindings, KeyGeneration generation,
                                     Route.Scatter scatter, int shard) throws SQLException {
        if (generation != null && index >= generation.firstParam()) {
            return new Bind.Value(bindings.value(index));
        }
        if (scatter != null && scatter.prunes(shard, index)) {
            return Bind.Pruned.INSTANCE;
        }
        ParamSource source = routed.normalized().params().get(index);
        return source instanceof ParamSource.UserParameter user ? new Bind.User(user.userIndex())
                : new Bind.Value(((ParamSource.Literal) source).value());
    }

    private static List<Bind> userBinds(int count) {
        List<Bind> binds = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            binds.add(new Bind.User(i));
        }
        return List.copyOf(binds);
    }
}
