package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.StatementKind;
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
     * @param sql      the statement as the user wrote it, for error messages
     */
    Route route(Bindings bindings, String sql) throws SQLException;

    /** A route that does not depend on values. */
    record Fixed(StatementKind kind, Route fixedRoute) implements StatementPlan {
        @Override
        public Route route(Bindings bindings, String sql) {
            return fixedRoute;
        }
    }

    /** The statement must reach the shard its sharding-key values hash to. */
    record ByKey(StatementKind kind, List<KeyTarget> targets, List<KeyAssignment> assignments,
                 ShardingRules rules) implements StatementPlan {

        public ByKey {
            targets = List.copyOf(targets);
            assignments = List.copyOf(assignments);
        }

        @Override
        public Route route(Bindings bindings, String sql) throws SQLException {
            BitSet needed = new BitSet(rules.shardCount());
            boolean anyUnbound = false;
            String unboundTable = null;
            for (KeyTarget target : targets) {
                BitSet shards = shardsOf(target, bindings, sql);
                if (shards == null) {
                    anyUnbound = true;
                    unboundTable = target.table();
                    break;
                }
                needed.or(shards);
            }
            if (anyUnbound) {
                throw new SQLFeatureNotSupportedException("Statement on " + unboundTable
                        + " has no single shard key: it gives no " + columnOf(unboundTable) + " = value condition"
                        + " that pins one shard, and scatter-gather across shards is not supported yet: "
                        + PlanMessages.abbreviate(sql), "0A000");
            }
            if (needed.cardinality() > 1) {
                throw new SQLFeatureNotSupportedException("Statement on " + tableNames()
                        + " has no single shard key: its " + columnOf(targets.get(0).table())
                        + " values lie on shards " + shardNames(needed)
                        + ", and statements across several shards are not supported yet: "
                        + PlanMessages.abbreviate(sql), "0A000");
            }
            // No shard at all: the conditions contradict each other (user_id = 1 AND user_id = 2) or compare
            // with NULL, so no row matches; any shard gives that empty answer.
            int shard = needed.isEmpty() ? rules.defaultShard() : needed.nextSetBit(0);
            for (KeyAssignment assignment : assignments) {
                Object value = valueOf(assignment.value(), bindings);
                if (value == null || shardOf(value, assignment.table(), assignment.column(), sql) != shard) {
                    throw new SQLFeatureNotSupportedException("Statement changes sharding column "
                            + assignment.column() + " of " + assignment.table() + " to a value that belongs on "
                            + (value == null ? "no shard (NULL)" : "another shard")
                            + "; rows cannot move between shards: delete the row and insert it again: "
                            + PlanMessages.abbreviate(sql), "0A000");
                }
            }
            return new Route.Single(shard);
        }

        /** The shards the target's rows may lie on, or null if nothing pins them. */
        private BitSet shardsOf(KeyTarget target, Bindings bindings, String sql) throws SQLException {
            if (target.constraints().isEmpty()) {
                return null;
            }
            BitSet result = null;
            for (List<ValueRef> alternatives : target.constraints()) {
                BitSet shards = new BitSet(rules.shardCount());
                for (ValueRef ref : alternatives) {
                    Object value = valueOf(ref, bindings);
                    if (value == null) {
                        if (kind == StatementKind.INSERT) {
                            throw new java.sql.SQLIntegrityConstraintViolationException("INSERT into "
                                    + target.table() + " gives NULL for sharding column " + target.column()
                                    + ", which decides the shard and must have a value: "
                                    + PlanMessages.abbreviate(sql), "23000");
                        }
                        continue; // col = NULL matches no row
                    }
                    shards.set(shardOf(value, target.table(), target.column(), sql));
                }
                if (result == null) {
                    result = shards;
                } else {
                    result.and(shards);
                }
            }
            return result;
        }

        private int shardOf(Object value, String table, String column, String sql) throws SQLException {
            try {
                return rules.shardOf(value);
            } catch (IllegalArgumentException e) {
                throw new SQLException("Cannot route on sharding column " + column + " of " + table + ": "
                        + e.getMessage() + ": " + PlanMessages.abbreviate(sql), "22023", e);
            }
        }

        private static Object valueOf(ValueRef ref, Bindings bindings) throws SQLException {
            if (ref instanceof ValueRef.Param param) {
                return bindings.value(param.index());
            }
            return ((ValueRef.Constant) ref).value();
        }

        private String columnOf(String table) {
            return rules.shardingColumn(table);
        }

        private String tableNames() {
            List<String> names = new ArrayList<>();
            for (KeyTarget target : targets) {
                if (!names.contains(target.table())) {
                    names.add(target.table());
                }
            }
            return String.join(", ", names);
        }

        private String shardNames(BitSet shards) {
            StringJoiner joiner = new StringJoiner(", ");
            shards.stream().forEach(i -> joiner.add(rules.shardName(i)));
            return joiner.toString();
        }
    }

    /** A statement Shard cannot run correctly; every execution fails with the same explanation. */
    record Rejected(StatementKind kind, String problem, boolean unsupported) implements StatementPlan {
        @Override
        public Route route(Bindings bindings, String sql) throws SQLException {
            String message = problem + ": " + PlanMessages.abbreviate(sql);
            throw unsupported ? new SQLFeatureNotSupportedException(message, "0A000")
                    : new SQLException(message, "42000");
        }
    }
}
