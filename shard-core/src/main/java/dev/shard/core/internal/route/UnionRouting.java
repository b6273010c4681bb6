package dev.shard.core.internal.route;

import dev.shard.core.internal.dialect.NormalizedSql;
import dev.shard.core.internal.dialect.ParamSource;
import dev.shard.core.internal.sql.MergeSpec;
import dev.shard.core.internal.sql.UnionShape;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;

/**
 * Planning, routing and the shard calls of a UNION run branch by branch. Each branch is planned and routed as
 * the SELECT it is; when every branch lands on the same shard the statement runs there whole, as written (the
 * database then does the UNION itself). Otherwise each branch becomes a {@link Execution.ScatterQuery} of its
 * own, a one-shard branch included (one call, its rows passed through), and {@link Execution.UnionQuery}
 * combines their results.
 */
final class UnionRouting {

    /** A one-shard branch's rows, as the shard returns them. */
    private static final MergeSpec PASS_THROUGH = new MergeSpec(-1, 0, MergeSpec.Kind.CONCAT, List.of(), List.of(),
            List.of(), null, List.of(), false, null, null);

    private UnionRouting() {
    }

    static StatementPlan plan(UnionShape union, StatementPlanner planner) {
        List<UnionBranch> branches = new ArrayList<>();
        for (UnionShape.Branch branch : union.branches()) {
            branches.add(new UnionBranch(branch.text(), branch.firstParam(), branch.paramCount(),
                    planner.plan(branch.shape(), branch.text())));
        }
        return new StatementPlan.Union(branches, union.combine());
    }

    static Route route(StatementPlan.Union plan, Bindings bindings, ShardMap map, String sql) throws SQLException {
        List<UnionBranch> branches = plan.branches();
        List<Route> routes = new ArrayList<>(branches.size());
        for (int i = 0; i < branches.size(); i++) {
            UnionBranch branch = branches.get(i);
            try {
                routes.add(branch.plan().route(branch.bindings(bindings), map, sql));
            } catch (SQLException e) {
                throw inBranch(i, branches.size(), e);
            }
        }
        int shard = -1;
        boolean allDefault = true;
        for (Route route : routes) {
            int routeShard;
            if (route instanceof Route.AnyOne) {
                continue; // a broadcast table: any shard has its rows, the one the others use too
            } else if (route instanceof Route.Single single) {
                routeShard = single.shard();
                allDefault = false;
            } else if (route instanceof Route.Default byDefault) {
                routeShard = byDefault.shard();
            } else {
                return new Route.Union(routes);
            }
            if (shard >= 0 && routeShard != shard) {
                return new Route.Union(routes);
            }
            shard = routeShard;
        }
        return shard < 0 ? new Route.AnyOne() : allDefault ? new Route.Default(shard) : new Route.Single(shard);
    }

    /** The calls of a union that runs branch by branch. */
    static Execution build(RoutedStatement routed, Route.Union route, Bindings bindings, int anyShard,
                           int shardCount) throws SQLException {
        StatementPlan.Union plan = (StatementPlan.Union) routed.plan();
        List<ParamSource> params = routed.normalized().params();
        List<Execution.ScatterQuery> queries = new ArrayList<>();
        for (int i = 0; i < plan.branches().size(); i++) {
            UnionBranch branch = plan.branches().get(i);
            Route branchRoute = route.branches().get(i);
            Bindings branchBindings = branch.bindings(bindings);
            List<ParamSource> own = params.subList(branch.firstParam(), branch.firstParam() + branch.paramCount());
            int shard = branchRoute instanceof Route.Single single ? single.shard()
                    : branchRoute instanceof Route.Default byDefault ? byDefault.shard()
                    : branchRoute instanceof Route.AnyOne ? anyShard : -1;
            if (shard >= 0) {
                queries.add(new Execution.ScatterQuery(List.of(new ShardCall(shard, branch.text(), binds(own), false)),
                        PASS_THROUGH, branchBindings, branch.text()));
                continue;
            }
            RoutedStatement branchRouted = new RoutedStatement(routed.sql(),
                    new NormalizedSql(branch.text(), own, 0, true), branch.plan(), routed.readDirectives());
            Execution execution = ExecutionBuilder.build(branchRouted, branchRoute, branchBindings,
                    Execution.GeneratedValues.NONE, 0, anyShard, shardCount);
            if (!(execution instanceof Execution.ScatterQuery query)) {
                throw new SQLFeatureNotSupportedException("UNION branch " + (i + 1) + " does not run as a query on"
                        + " several shards (" + execution.routeKind() + "): " + routed.sql(), "0A000");
            }
            queries.add(query);
        }
        return new Execution.UnionQuery(queries, plan.combine(), bindings);
    }

    private static List<Bind> binds(List<ParamSource> params) {
        List<Bind> binds = new ArrayList<>(params.size());
        for (ParamSource param : params) {
            binds.add(param instanceof ParamSource.UserParameter user ? new Bind.User(user.userIndex())
                    : new Bind.Value(((ParamSource.Literal) param).value()));
        }
        return binds;
    }

    /** A branch's own refusal or error, saying which branch. */
    private static SQLException inBranch(int branch, int branches, SQLException e) {
        String message = "UNION branch " + (branch + 1) + " of " + branches + ": " + e.getMessage();
        SQLException named = e instanceof SQLFeatureNotSupportedException
                ? new SQLFeatureNotSupportedException(message, e.getSQLState(), e.getErrorCode(), e)
                : new SQLException(message, e.getSQLState(), e.getErrorCode(), e);
        return named;
    }
}
