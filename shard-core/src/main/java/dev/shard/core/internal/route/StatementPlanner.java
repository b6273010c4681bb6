package dev.shard.core.internal.route;

import dev.shard.core.RouteKind;
import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.sql.ColumnAssignment;
import dev.shard.core.internal.sql.InsertShape;
import dev.shard.core.internal.sql.OuterJoin;
import dev.shard.core.internal.sql.StatementKind;
import dev.shard.core.internal.sql.StatementShape;
import dev.shard.core.internal.sql.TableOccurrence;
import dev.shard.core.internal.sql.ValueRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Turns a statement's shape into a plan under the sharding rules. Pure; the result is cached by the router. */
final class StatementPlanner {

    private final ShardingRules rules;
    private final Dialect dialect;

    StatementPlanner(ShardingRules rules, Dialect dialect) {
        this.rules = rules;
        this.dialect = dialect;
    }

    StatementPlan plan(StatementShape shape) {
        return plan(shape, null);
    }

    /** @param text the statement text the shape was read from, to split multi-row INSERTs by row */
    StatementPlan plan(StatementShape shape, String text) {
        if (shape.union() != null) {
            return UnionRouting.plan(shape.union(), this);
        }
        return switch (shape.kind()) {
            case OTHER -> planOther(shape);
            case DDL -> planDdl(new TableRoles(shape, rules));
            case SELECT, INSERT, UPDATE, DELETE -> planDml(shape, text, new TableRoles(shape, rules));
        };
    }

    /** The statement's tables by where they live: on every shard by key, copied to every shard, or on the default. */
    private record TableRoles(Set<String> sharded, Set<String> broadcast, Set<String> unruled) {

        TableRoles(StatementShape shape, ShardingRules rules) {
            this(new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>());
            for (TableOccurrence occurrence : shape.tables()) {
                String table = occurrence.table();
                if (rules.shardingColumn(table) != null) {
                    sharded.add(table);
                } else if (rules.isBroadcast(table)) {
                    broadcast.add(table);
                } else {
                    unruled.add(table);
                }
            }
        }
    }

    private StatementPlan planOther(StatementShape shape) {
        for (TableOccurrence occurrence : shape.tables()) {
            if (rules.shardingColumn(occurrence.table()) != null || rules.isBroadcast(occurrence.table())) {
                // The statement names a table that lives on several shards, in a form Shard does not
                // analyse: running it on the default data source alone could be wrong.
                return new StatementPlan.Rejected(shape.kind(), "Shard cannot route this kind of statement on "
                        + occurrence.table() + ", which lives on several shards", true);
            }
        }
        return defaultRoute(shape.kind());
    }

    private StatementPlan planDml(StatementShape shape, String text, TableRoles tables) {
        StatementKind kind = shape.kind();
        Set<String> sharded = tables.sharded();
        Set<String> broadcast = tables.broadcast();
        Set<String> unruled = tables.unruled();
        if (!sharded.isEmpty() && !unruled.isEmpty()) {
            return new StatementPlan.Rejected(kind, "Statement combines sharded table " + first(sharded)
                    + " with " + first(unruled) + ", which has no rule and lives only on the default data source "
                    + rules.defaultDataSource() + "; declare " + first(unruled)
                    + " as sharded or broadcast", true);
        }
        String target = null;
        if (kind.isWrite()) {
            List<String> written = shape.written().isEmpty() && !shape.tables().isEmpty()
                    ? List.of(shape.tables().get(0).table()) : shape.written();
            for (String table : written) {
                if (rules.isBroadcast(table)) {
                    target = table;
                }
            }
        }
        boolean writesBroadcast = target != null;
        if (!sharded.isEmpty()) {
            if (writesBroadcast) {
                return new StatementPlan.Rejected(kind, "Statement writes broadcast table " + target
                        + " from sharded table " + first(sharded)
                        + ", which would leave the copies on each shard different", true);
            }
            return planByKey(shape, text);
        }
        if (!broadcast.isEmpty()) {
            if (writesBroadcast) {
                if (!unruled.isEmpty()) {
                    return new StatementPlan.Rejected(kind, "Statement writes broadcast table " + target
                            + " from " + first(unruled) + ", which lives only on the default data source", true);
                }
                return new StatementPlan.Fixed(kind, RouteKind.ALL_SHARDS, target);
            }
            if (unruled.isEmpty() && !kind.isWrite()) {
                return new StatementPlan.Fixed(kind, RouteKind.ANY_SHARD);
            }
        }
        return defaultRoute(kind);
    }

    private StatementPlan planDdl(TableRoles tables) {
        Set<String> sharded = tables.sharded();
        Set<String> broadcast = tables.broadcast();
        Set<String> unruled = tables.unruled();
        if (sharded.isEmpty() && broadcast.isEmpty()) {
            return defaultRoute(StatementKind.DDL);
        }
        if (!unruled.isEmpty()) {
            String ruled = sharded.isEmpty() ? first(broadcast) : first(sharded);
            return new StatementPlan.Rejected(StatementKind.DDL, "DDL names " + ruled
                    + ", which exists on every shard, together with " + first(unruled)
                    + ", which lives only on the default data source; run them as separate statements", true);
        }
        return new StatementPlan.Fixed(StatementKind.DDL, RouteKind.ALL_SHARDS);
    }

    private StatementPlan planByKey(StatementShape shape, String text) {
        StatementKind kind = shape.kind();
        List<KeyTarget> targets = new ArrayList<>();
        List<KeyAssignment> assignments = new ArrayList<>();
        InsertShape insert = shape.insert();
        List<TableOccurrence> occurrences = shape.tables();
        KeyGeneration generation = null;
        if (insert != null) {
            String column = rules.shardingColumn(insert.table());
            String generated = rules.generatedKeyColumn(insert.table());
            if (column != null && generated != null && !insert.columns().contains(generated) && !insert.fromSelect()
                    && !insert.columns().isEmpty()) {
                InsertRows original = text == null ? null
                        : InsertRows.split(text, insert.rows().size(), dialect.lexer());
                InsertRows extended = original == null ? null
                        : original.withGeneratedColumn(dialect.identifier(generated));
                if (extended == null) {
                    return new StatementPlan.Rejected(kind, "INSERT into " + insert.table() + " leaves out "
                            + generated + ", which its key generator fills, but Shard cannot add the column to this"
                            + " form of INSERT; use INSERT INTO t (columns) VALUES (...)", true);
                }
                generation = new KeyGeneration(insert.table(), generated, original.parameterCount(),
                        insert.rows().size(), extended);
            }
            if (column != null && insert.upsertColumns().contains(column)) {
                return new StatementPlan.Rejected(kind, "INSERT ... ON DUPLICATE KEY UPDATE (or ON CONFLICT"
                        + " DO UPDATE) on " + insert.table() + " assigns sharding column " + column
                        + ", which could move the row to another shard", true);
            }
            if (column != null) {
                if (insert.fromSelect()) {
                    String problem = insertSelectProblem(shape, column);
                    if (problem != null) {
                        return new StatementPlan.Rejected(kind, "INSERT ... SELECT into sharded table "
                                + insert.table() + " " + problem, true);
                    }
                    // Every inserted row takes its key from a source row: the statement goes where those are,
                    // which the source's own key pins (checked when it routes).
                    occurrences = occurrences.subList(1, occurrences.size());
                    for (TableOccurrence occurrence : occurrences) {
                        String sourceColumn = rules.shardingColumn(occurrence.table());
                        if (sourceColumn != null) {
                            targets.add(new KeyTarget(occurrence.table(), sourceColumn,
                                    occurrence.constraintsOn(sourceColumn), 0, occurrence.equalityClass(sourceColumn)));
                        }
                    }
                    return new StatementPlan.ByKey(kind, targets, assignments, rules, null,
                            "INSERT ... SELECT into " + insert.table() + " must read from one shard: pin the"
                                    + " source's shard key", null, null);
                }
                int position = insert.columns().indexOf(column);
                if (position < 0 && generation != null && generation.column().equals(column)) {
                    // The generated key is the shard key: each row routes on the value generated for it.
                    for (int row = 0; row < insert.rows().size(); row++) {
                        targets.add(new KeyTarget(insert.table(), column,
                                List.of(List.of(new ValueRef.Param(generation.firstParam() + row))), 0, "insert"));
                    }
                } else if (position < 0) {
                    return new StatementPlan.Rejected(kind, "INSERT into " + insert.table()
                            + " must give sharding column " + column + " (it decides the shard)"
                            + (insert.columns().isEmpty() ? "; list the columns explicitly" : ""), false);
                }
                for (List<ValueRef> row : position < 0 ? List.<List<ValueRef>>of() : insert.rows()) {
                    ValueRef value = position < row.size() ? row.get(position) : null;
                    if (value == null) {
                        return new StatementPlan.Rejected(kind, "INSERT into " + insert.table()
                                + " gives sharding column " + column
                                + " as an expression; it must be a literal or a '?' parameter", true);
                    }
                    targets.add(new KeyTarget(insert.table(), column, List.of(List.of(value)), 0, "insert"));
                }
                if (insert.upsertColumns().contains(column)) {
                    return new StatementPlan.Rejected(kind, "INSERT ... ON DUPLICATE KEY UPDATE (or ON CONFLICT"
                            + " DO UPDATE) on " + insert.table() + " assigns sharding column " + column
                            + ", which could move the row to another shard", true);
                }
            }
            // The target was handled above; the other occurrences come from subqueries in VALUES.
            occurrences = occurrences.subList(1, occurrences.size());
        }
        for (TableOccurrence occurrence : occurrences) {
            String column = rules.shardingColumn(occurrence.table());
            if (column != null) {
                targets.add(new KeyTarget(occurrence.table(), column, occurrence.constraintsOn(column),
                        occurrence.depth(), occurrence.equalityClass(column)));
            }
        }
        if (kind == StatementKind.UPDATE) {
            for (ColumnAssignment assigned : shape.assignments()) {
                String table = shardedTableAssigned(assigned, shape);
                if (table == null) {
                    continue;
                }
                if (assigned.value() == null) {
                    return new StatementPlan.Rejected(kind, "UPDATE assigns sharding column " + assigned.column()
                            + " of " + table + " from an expression; rows cannot move between shards", true);
                }
                // ORMs write every column back, the unchanged shard key included: allowed when it stays put.
                assignments.add(new KeyAssignment(table, assigned.column(), assigned.value()));
            }
        }
        String refusal = shape.scatterRefusal();
        if (refusal == null && insert == null) {
            refusal = colocationProblem(targets);
        }
        if (refusal == null) {
            refusal = outerJoinProblem(shape);
        }
        if (refusal == null && kind == StatementKind.SELECT && shape.scatter() == null) {
            refusal = "this form of SELECT is not supported across shards";
        }
        InsertRows rows = generation != null ? generation.rows()
                : insert != null && insert.rows().size() > 1 && text != null
                ? InsertRows.split(text, insert.rows().size(), dialect.lexer()) : null;
        return new StatementPlan.ByKey(kind, targets, assignments, rules, shape.scatter(), refusal, rows,
                generation);
    }

    /**
     * An outer join that keeps every row of a table that is not sharded (a broadcast table) while padding a sharded
     * one: each shard would return all of the kept table's rows, so the merged result would repeat them.
     */
    private String outerJoinProblem(StatementShape shape) {
        for (OuterJoin join : shape.outerJoins()) {
            String kept = join.preserved().stream().filter(t -> rules.shardingColumn(t) == null).findFirst()
                    .orElse(null);
            String padded = join.nullable().stream().filter(t -> rules.shardingColumn(t) != null).findFirst()
                    .orElse(null);
            if (kept != null && padded != null) {
                return "the outer join keeps every row of " + kept + " (not sharded) against sharded " + padded
                        + ", so every shard would return them; pin one shard key, or join the other way round";
            }
        }
        return null;
    }

    /**
     * A statement can run shard by shard only if every sharded appearance is tied, by equalities on the shard
     * columns, to one in the statement's own query block: then rows that meet lie on the same shard.
     */
    private static String colocationProblem(List<KeyTarget> targets) {
        KeyTarget anchor = targets.stream().filter(t -> t.depth() == 0).findFirst().orElse(null);
        if (anchor == null) {
            return "sharded table " + targets.get(0).table() + " appears only inside a subquery, derived table or"
                    + " CTE, whose result on one shard would be partial";
        }
        for (KeyTarget target : targets) {
            if (!target.keyClass().equals(anchor.keyClass())) {
                if (target.depth() == 0) {
                    return "the join of " + anchor.table() + " and " + target.table()
                            + " is not on their sharding columns (" + anchor.table() + "." + anchor.column() + ", "
                            + target.table() + "." + target.column() + "), so rows to join may lie on different"
                            + " shards; join on the sharding column, or pin one shard key";
                }
                return "the subquery on " + target.table() + " is not tied to " + anchor.table() + "."
                        + anchor.column() + " (add " + target.table() + "." + target.column() + " = "
                        + anchor.table() + "." + anchor.column() + "), so on each shard it would see only that"
                        + " shard's rows";
            }
        }
        return null;
    }

    /**
     * Why an INSERT ... SELECT into a sharded table cannot stay on one shard, or null: the value it inserts into
     * the sharding column must be the sharding column of a sharded table it reads, so that every inserted row
     * belongs where its source row lives.
     */
    private String insertSelectProblem(StatementShape shape, String column) {
        InsertShape insert = shape.insert();
        int position = insert.columns().indexOf(column);
        if (position < 0) {
            return "must give sharding column " + column + " in its column list";
        }
        String source = position < insert.selectSources().size() ? insert.selectSources().get(position) : null;
        if (source != null) {
            int dot = source.indexOf('.');
            TableOccurrence occurrence = shape.tables().get(Integer.parseInt(source.substring(0, dot)));
            if (source.substring(dot + 1).equals(rules.shardingColumn(occurrence.table()))) {
                return null;
            }
        }
        return "must take " + column + " from the sharding column of the sharded table it selects from, so that"
                + " both sides route to the same shard";
    }

    /** The sharded table whose sharding column this assignment sets, or null. */
    private String shardedTableAssigned(ColumnAssignment assigned, StatementShape shape) {
        for (TableOccurrence occurrence : shape.tables()) {
            boolean named = assigned.table() == null || assigned.table().equals(occurrence.table());
            if (named && assigned.column().equals(rules.shardingColumn(occurrence.table()))) {
                return occurrence.table();
            }
        }
        return null;
    }

    private static StatementPlan.Fixed defaultRoute(StatementKind kind) {
        return new StatementPlan.Fixed(kind, RouteKind.DEFAULT);
    }

    private static String first(Set<String> names) {
        return names.iterator().next();
    }
}
