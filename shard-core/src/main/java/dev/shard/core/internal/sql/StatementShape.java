package dev.shard.core.internal.sql;

import java.util.List;

/**
 * What the parser learnt of one statement, independent of any sharding configuration, so that it can be cached
 * by text and planned against whichever rules apply.
 *
 * @param kind            what the statement does
 * @param tables          every table it touches, once per appearance (subqueries included)
 * @param insert          the INSERT details, or null for other kinds
 * @param assignments     for UPDATE: the columns it assigns
 * @param scatter         for a SELECT: the rewrite that runs it on several shards, or null
 * @param scatterRefusal  why the statement cannot run on several shards, or null if it can
 * @param written         the tables the statement writes
 * @param outerJoins      its outer joins
 * @param union           for a UNION of SELECTs: its branches, each analysed on its own, and how their rows
 *                        combine; null otherwise
 */
public record StatementShape(StatementKind kind, List<TableOccurrence> tables, InsertShape insert,
                             List<ColumnAssignment> assignments, ScatterSelect scatter, String scatterRefusal,
                             List<String> written, List<OuterJoin> outerJoins, UnionShape union) {

    public StatementShape {
        tables = List.copyOf(tables);
        assignments = List.copyOf(assignments);
        written = List.copyOf(written);
        outerJoins = List.copyOf(outerJoins);
    }

    public StatementShape(StatementKind kind, List<TableOccurrence> tables, InsertShape insert,
                          List<ColumnAssignment> assignments) {
        this(kind, tables, insert, assignments, null, null, List.of(), List.of());
    }

    public StatementShape(StatementKind kind, List<TableOccurrence> tables, InsertShape insert,
                          List<ColumnAssignment> assignments, ScatterSelect scatter, String scatterRefusal,
                          List<String> written, List<OuterJoin> outerJoins) {
        this(kind, tables, insert, assignments, scatter, scatterRefusal, written, outerJoins, null);
    }

    public StatementShape withInsert(InsertShape insert) {
        return new StatementShape(kind, tables, insert, assignments, scatter, scatterRefusal, written, outerJoins, union);
    }

    public StatementShape withUnion(UnionShape union) {
        return new StatementShape(kind, tables, insert, assignments, scatter, scatterRefusal, written, outerJoins,
                union);
    }

    public StatementShape withScatter(ScatterSelect scatter, String scatterRefusal) {
        return new StatementShape(kind, tables, insert, assignments, scatter, scatterRefusal, written, outerJoins, union);
    }
}
