package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.route.Bind;
import dev.shard.core.internal.route.Bindings;
import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.MergePlanner;
import dev.shard.core.internal.route.RoutedStatement;
import dev.shard.core.internal.route.ShardCall;
import dev.shard.core.internal.sql.MergeSpec;
import dev.shard.jdbc.RouteExplanation;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@code explain}: the {@link Execution} a statement would run, rendered for people. */
final class Explanations {

    private Explanations() {
    }

    /**
     * What a statement would do with these parameter values, rendered from the same {@link Execution} the
     * executor runs. A key generator makes keys for an INSERT that leaves its key out, as an execution would:
     * the statement shown is the one with the key column added.
     */
    static RouteExplanation explain(ShardRuntime runtime, String sql, Object... params) throws SQLException {
        RoutedStatement routed = runtime.router().prepare(sql);
        ExplainParameters parameters = new ExplainParameters(sql, params, routed.userParameterCount());
        Topology shards = runtime.topology();
        Execution execution = runtime.route(routed, parameters, true, shards, shards.defaultShard());
        List<RouteExplanation.ShardQuery> queries = new ArrayList<>();
        Topology.Intent intent = ReadRouting.intentOf(routed);
        List<String> names = new ArrayList<>();
        for (ShardCall call : execution.calls()) {
            List<Object> values = new ArrayList<>();
            List<Integer> otherShards = new ArrayList<>();
            for (Bind bind : call.binds()) {
                values.add(bind.valueOf(parameters));
                if (bind instanceof Bind.Pruned) {
                    otherShards.add(values.size());
                }
            }
            if (!names.contains(shards.shardName(call.shard()))) {
                names.add(shards.shardName(call.shard())); // a union's branches may share shards
            }
            // As outside a transaction, on a connection not set to primary only: what explain knows. With no
            // replica in the rotation now, the read would fall back to the primary (unless that is turned off).
            String server = ReadRouting.mayUseReplica(intent, false, false, shards.replicaCount(call.shard()))
                    && shards.replicas(call.shard()).wouldServeReads()
                    ? RouteExplanation.ShardQuery.REPLICA : RouteExplanation.ShardQuery.PRIMARY;
            queries.add(new RouteExplanation.ShardQuery(shards.shardName(call.shard()), call.sql(), values, server,
                    otherShards));
        }
        String merge = execution instanceof Execution.ScatterQuery query
                ? describeMerge(runtime, query.merge(), query.bindings(), query.calls().size())
                : execution instanceof Execution.UnionQuery union ? UnionQueryRun.describe(runtime, union) : "";
        return new RouteExplanation(execution.routeKind(), names, routed.normalized().template(), queries,
                merge);
    }

    /** explain's parameter values, given as an array in '?' order. */
    private record ExplainParameters(String sql, Object[] given, int count) implements StatementParameters {

        @Override
        public Object value(int index) throws SQLException {
            if (index > given.length) {
                throw new SQLException("Parameter " + index + " is not given: " + sql, "07001");
            }
            return given[index - 1];
        }

        @Override
        public void bind(java.sql.PreparedStatement target, int position, int index) throws SQLException {
            target.setObject(position, value(index));
        }

        @Override
        public void checkReplayable(String ignored) {
        }
    }

    /**
     * The merge plan as it would run. Collations are only known from the shards' result metadata, so explain
     * shows every column as binary; with SELECT *, the column count is a placeholder too.
     */
    static String describeMerge(ShardRuntime runtime, MergeSpec spec, Bindings bindings, int shards) throws SQLException {
        int user = spec.userColumns() >= 0 ? spec.userColumns() : 1;
        List<ColumnInfo> columns = new ArrayList<>();
        for (int i = 0; i < user + spec.derivedColumns(); i++) {
            columns.add(new ColumnInfo("", runtime.dialect().comparator(false)));
        }
        return MergePlanner.plan(spec, columns, bindings, 0).describe(shards).stripTrailing();
    }
}
