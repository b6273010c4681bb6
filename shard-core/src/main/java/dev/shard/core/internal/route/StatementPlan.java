package dev.shard.core.internal.route;

import dev.shard.core.RouteKind;
import dev.shard.core.internal.sql.SqlText;
import dev.shard.core.internal.sql.ScatterSelect;
import dev.shard.core.internal.sql.StatementKind;
import dev.shard.core.internal.sql.UnionShape;
import dev.shard.core.internal.sql.ValueRef;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.StringJoiner;

/**
 * What to do with a statement, decided once per normalised text and cached; {@link #route} then picks the
 * shard for each execution's values.
 */
public sealed interface StatementPlan {

    StatementKind kind();

    /**
     * @param bindings the execution's values
     * @param shards   the topology the execution runs on
     * @param sql      the statement as the user wrote it, for error messages
     */
    Route route(Bindings bindings, ShardMap shards, String sql) throws SQLException;

    /**
     * A route that does not depend on values: the default data source, every shard, or any one.
     *
     * @param broadcastTable the broadcast table a write to every shard writes, for messages; null otherwise
     */
    record Fixed(StatementKind kind, RouteKind routeKind, String broadcastTable) implements StatementPlan {

        private static final Route ALL = new Route.All();
        private static final Route ANY = new Route.AnyOne();

        public Fixed(StatementKind kind, RouteKind routeKind) {
            this(kind, routeKind, null);
        }

        @Override
        public Route route(Bindings bindings, ShardMap shards, String sql) {
            return switch (routeKind) {
                case DEFAULT -> new Route.Default(shards.defaultShard());
                case ALL_SHARDS -> ALL;
                case ANY_SHARD -> ANY;
                case SINGLE_SHARD, SCATTER, SPLIT_INSERT ->
                        throw new IllegalStateException(routeKind + " depends on the statement's values");
            };
        }
    }

    /**
     * The statement must reach the shard(s) its sharding-key values hash to.
     *
     * @param scatter        for a SELECT, how to run it on several shards; null otherwise
     * @param scatterRefusal why the statement cannot run on several shards, or null if it can
     */
    record ByKey(StatementKind kind, List<KeyTarget> targets, List<KeyAssignment> assignments,
                 ShardingRules rules, ScatterSelect scatter, String scatterRefusal, InsertRows insertRows,
                 KeyGeneration keyGeneration)
            implements StatementPlan {

        public ByKey {
            targets = List.copyOf(targets);
            assignments = List.copyOf(assignments);
        }

        @Override
        public Route route(Bindings bindings, ShardMap map, String sql) throws SQLException {
            int shardCount = map.shardCount();
            BitSet union = new BitSet(shardCount);
            BitSet intersection = null;
            String unboundTable = null;
            boolean topLevelUnbound = false;
            for (KeyTarget target : targets) {
                BitSet shards = shardsOf(target, bindings, map, sql);
                if (shards == null) {
                    unboundTable = unboundTable == null ? target.table() : unboundTable;
                    topLevelUnbound |= target.depth() == 0;
                    continue;
                }
                union.or(shards);
                if (target.depth() > 0) {
                    // A subquery's pins filter its own rows, not the statement's: they do not narrow the shards.
                    continue;
                }
                if (intersection == null) {
                    intersection = shards; // shardsOf made it for this call, and union has taken its bits
                } else {
                    intersection.and(shards);
                }
            }
            // Every appearance pinned, all to one shard: the simple case, whether or not the tables are joined
            // on their shard columns.
            if (unboundTable == null && union.cardinality() <= 1) {
                return single(union.isEmpty() ? map.defaultShard() : union.nextSetBit(0), bindings, map, sql);
            }
            if (kind == StatementKind.INSERT && insertRows != null && unboundTable == null
                    && targets.size() == insertRows.rows().size()) {
                // One target per row, in row order (see StatementPlanner): each row goes to its own shard.
                int[] rowShards = new int[targets.size()];
                for (int row = 0; row < rowShards.length; row++) {
                    BitSet shards = shardsOf(targets.get(row), bindings, map, sql);
                    rowShards[row] = shards.nextSetBit(0);
                }
                if (scatterRefusal != null) {
                    throw new SQLFeatureNotSupportedException("INSERT into " + targets.get(0).table()
                            + " has rows whose " + targets.get(0).column() + " values lie on shards "
                            + shardNames(union, map) + ": " + scatterRefusal + ": " + SqlText.abbreviate(sql),
                            "0A000");
                }
                return new Route.InsertSplit(rowShards);
            }
            if (kind == StatementKind.INSERT && insertRows == null && scatterRefusal != null) {
                throw new SQLFeatureNotSupportedException(scatterRefusal + ": " + SqlText.abbreviate(sql),
                        "0A000");
            }
            if (kind == StatementKind.INSERT) {
                throw new SQLFeatureNotSupportedException("INSERT into " + targets.get(0).table()
                        + " has rows whose " + targets.get(0).column() + " values lie on shards " + shardNames(union, map)
                        + ", and its rows could not be split by shard: " + SqlText.abbreviate(sql),
                        "0A000");
            }
            if (scatterRefusal != null) {
                String table = unboundTable != null ? unboundTable : targets.get(0).table();
                throw new SQLFeatureNotSupportedException("Statement on " + table + " has no single shard key"
                        + (unboundTable != null ? " (no " + rules.shardingColumn(unboundTable) + " = value condition)"
                        : " (its " + targets.get(0).column() + " values lie on shards " + shardNames(union, map) + ")")
                        + " and cannot run on several shards: " + scatterRefusal + ": " + SqlText.abbreviate(sql),
                        "0A000");
            }
            // Co-located: every appearance is tied to the others on the shard key, so rows that meet in the
            // statement live on the same shard, and each shard's subset of the key values is all it needs.
            BitSet shards = intersection != null && !topLevelUnbound ? intersection : allShards(shardCount);
            if (shards.cardinality() <= 1) {
                return single(shards.isEmpty() ? map.defaultShard() : shards.nextSetBit(0), bindings, map, sql);
            }
            if (!assignments.isEmpty()) {
                throw new SQLFeatureNotSupportedException("UPDATE on several shards assigns sharding column "
                        + assignments.get(0).column() + " of " + assignments.get(0).table()
                        + "; rows cannot move between shards: " + SqlText.abbreviate(sql), "0A000");
            }
            return scatter(shards, bindings, map);
        }

        private Route single(int shard, Bindings bindings, ShardMap map, String sql) throws SQLException {
            for (KeyAssignment assignment : assignments) {
                Object value = assignment.value().value(bindings);
                if (value == null || shardOf(value, assignment.table(), assignment.column(), map, sql) != shard) {
                    throw new SQLFeatureNotSupportedException("Statement changes sharding column "
                            + assignment.column() + " of " + assignment.table() + " to a value that belongs on "
                            + (value == null ? "no shard (NULL)" : "another shard")
                            + "; rows cannot move between shards: delete the row and insert it again: "
                            + SqlText.abbreviate(sql), "0A000");
                }
            }
            return new Route.Single(shard);
        }

        /** Each key parameter goes to the shard its value lives on; the others bind NULL there. */
        private Route scatter(BitSet shards, Bindings bindings, ShardMap map) throws SQLException {
            List<int[]> pruned = new ArrayList<>();
            for (KeyTarget target : targets) {
                for (List<ValueRef> alternatives : target.constraints()) {
                    for (ValueRef ref : alternatives) {
                        if (ref instanceof ValueRef.Param param) {
                            Object value = bindings.value(param.index());
                            if (value != null && pruned.stream().noneMatch(p -> p[0] == param.index())) {
                                try {
                                    pruned.add(new int[] {param.index(),
                                            map.shardOf(value, target.table(), target.column())});
                                } catch (IllegalArgumentException e) {
                                    // Not a routable value (the shard set ignored it too): leave it unpruned.
                                }
                            }
                        }
                    }
                }
            }
            int[] params = new int[pruned.size()];
            int[] owners = new int[pruned.size()];
            for (int i = 0; i < params.length; i++) {
                params[i] = pruned.get(i)[0];
                owners[i] = pruned.get(i)[1];
            }
            return new Route.Scatter(shards.stream().toArray(), params, owners);
        }

        private static BitSet allShards(int count) {
            BitSet all = new BitSet(count);
            all.set(0, count);
            return all;
        }

        /** The shards the target's rows may lie on, or null if nothing pins them. */
        private BitSet shardsOf(KeyTarget target, Bindings bindings, ShardMap map, String sql) throws SQLException {
            if (target.constraints().isEmpty()) {
                return null;
            }
            BitSet result = null;
            for (List<ValueRef> alternatives : target.constraints()) {
                BitSet shards = new BitSet(map.shardCount());
                for (ValueRef ref : alternatives) {
                    Object value = ref.value(bindings);
                    if (value == null) {
                        if (kind == StatementKind.INSERT) {
                            throw new java.sql.SQLIntegrityConstraintViolationException("INSERT into "
                                    + target.table() + " gives NULL for sharding column " + target.column()
                                    + ", which decides the shard and must have a value: "
                                    + SqlText.abbreviate(sql), "23000");
                        }
                        continue; // col = NULL matches no row
                    }
                    shards.set(shardOf(value, target.table(), target.column(), map, sql));
                }
                if (result == null) {
                    result = shards;
                } else {
                    result.and(shards);
                }
            }
            return result;
        }

        private int shardOf(Object value, String table, String column, ShardMap map, String sql) throws SQLException {
            try {
                return map.shardOf(value, table, column);
            } catch (IllegalArgumentException e) {
                throw new SQLException("Cannot route on sharding column " + column + " of " + table + ": "
                        + e.getMessage() + ": " + SqlText.abbreviate(sql), "22023", e);
            }
        }


        private static String shardNames(BitSet shards, ShardMap map) {
            StringJoiner joiner = new StringJoiner(", ");
            shards.stream().forEach(i -> joiner.add(map.shardName(i)));
            return joiner.toString();
        }
    }

    /**
     * A UNION of SELECTs, each branch planned on its own: run whole where every branch lands on one shard, else
     * branch by branch, their rows combined (see {@link UnionRouting}).
     */
    record Union(List<UnionBranch> branches, UnionShape.Combine combine) implements StatementPlan {

        public Union {
            branches = List.copyOf(branches);
        }

        @Override
        public StatementKind kind() {
            return StatementKind.SELECT;
        }

        @Override
        public Route route(Bindings bindings, ShardMap shards, String sql) throws SQLException {
            return UnionRouting.route(this, bindings, shards, sql);
        }
    }

    /** A statement Shard cannot run correctly; every execution fails with the same explanation. */
    record Rejected(StatementKind kind, String problem, boolean unsupported) implements StatementPlan {
        @Override
        public Route route(Bindings bindings, ShardMap shards, String sql) throws SQLException {
            String message = problem + ": " + SqlText.abbreviate(sql);
            throw unsupported ? new SQLFeatureNotSupportedException(message, "0A000")
                    : new SQLException(message, "42000");
        }
    }
}
