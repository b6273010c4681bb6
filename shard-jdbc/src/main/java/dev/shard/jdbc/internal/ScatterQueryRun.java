package dev.shard.jdbc.internal;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.ResultType;
import dev.shard.core.internal.merge.AggregateColumn;
import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.merge.MergePlan;
import dev.shard.core.internal.merge.RowCursor;
import dev.shard.core.internal.route.Bindings;
import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.MergePlanner;
import dev.shard.core.internal.sql.MergeSpec;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A query on several shards: every shard's statement runs at once (see {@link ScatterExecution}), and their rows
 * stream through the merge plan into one result set. The merge plan is completed here, once the shards' result
 * metadata gives the column count (for SELECT *) and which columns compare case-insensitively; the dialect says
 * how such columns order and what type the merged aggregates have.
 */
final class ScatterQueryRun {

    private ScatterQueryRun() {
    }

    static ResultSet open(Dialect dialect, ShardStatement statement, Execution.ScatterQuery query,
                          ScatterExecution.Binder binder, QueryDeadline deadline) throws SQLException {
        Merged merged = openMerged(dialect, statement, query, binder, deadline, statement.settings.maxRows());
        return new MergedResultSet(merged.rows(), merged.metaData(), statement, merged.onClose());
    }

    /**
     * A query's merged rows before they become a result set (a UNION combines several).
     *
     * @param metaData the rows' metadata, a snapshot
     * @param onClose  ends the shards' statements; to run once the rows are closed
     */
    record Merged(RowCursor rows, ResultSetMetaData metaData, Runnable onClose) {
    }

    /** @param maxRows the most rows to return, 0 for all (a union's branch returns all: the union limits) */
    static Merged openMerged(Dialect dialect, ShardStatement statement, Execution.ScatterQuery query,
                             ScatterExecution.Binder binder, QueryDeadline deadline, long maxRows)
            throws SQLException {
        ScatterExecution execution = ScatterExecution.prepare(statement.connection, query.calls(), query.paceKey(),
                statement.runningIntent, binder, deadline);
        statement.outcome.scatterRunning(execution);
        try {
            return merge(dialect, statement, execution, query.merge(), query.bindings(), maxRows);
        } catch (SQLException | RuntimeException e) {
            statement.outcome.scatterFinished(execution);
            execution.closeQuietly(e);
            throw e;
        }
    }

    private static Merged merge(Dialect dialect, ShardStatement statement, ScatterExecution execution,
                                   MergeSpec spec, Bindings bindings, long maxRows) throws SQLException {
        List<ResultSet> results = execution.query();
        List<RowCursor> cursors = new ArrayList<>(results.size());
        try {
            for (int i = 0; i < results.size(); i++) {
                cursors.add(new ResultSetCursor(results.get(i), execution.shardName(i)));
            }
        } catch (SQLException e) {
            for (ResultSet result : results) {
                try {
                    result.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        ResultSetMetaData shardMeta = results.get(0).getMetaData();
        List<ColumnInfo> columns = new ArrayList<>();
        for (int i = 1; i <= shardMeta.getColumnCount(); i++) {
            boolean caseInsensitive = dialect.ignoresCase(shardMeta.getColumnType(i), shardMeta.isCaseSensitive(i));
            columns.add(new ColumnInfo(shardMeta.getColumnLabel(i), dialect.comparator(caseInsensitive)));
        }
        MergePlan mergePlan;
        java.util.function.UnaryOperator<RowCursor> computedValues;
        try {
            columns = MergeKeyTypes.attach(spec, columns, shardMeta, statement.connection.runtime().keyCatalog());
            mergePlan = MergePlanner.plan(spec, columns, bindings, maxRows);
            computedValues = ComputedValues.converter(spec, shardMeta, columns.size() - spec.derivedColumns());
        } catch (SQLException | RuntimeException e) {
            for (RowCursor cursor : cursors) {
                try {
                    cursor.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        RowCursor merged = computedValues.apply(mergePlan.open(cursors));
        int userColumns = columns.size() - spec.derivedColumns();
        List<String> labels = new ArrayList<>();
        List<ResultType> types = new ArrayList<>();
        for (int i = 0; i < userColumns; i++) {
            labels.add(null);
            types.add(null);
        }
        for (AggregateColumn item : spec.aggregates()) {
            if (item.column().slot().derived()) {
                continue;
            }
            int column = item.column().slot().index();
            if (column < spec.labels().size()) {
                labels.set(column, spec.labels().get(column));
            }
            types.set(column, dialect.aggregateType(item.kind(), shardMeta.getColumnType(column + 1),
                    shardMeta.getScale(column + 1)));
        }
        ResultSetMetaData metaData = new MergedMetaData(shardMeta, userColumns, labels, types);
        return new Merged(merged, metaData, () -> {
            execution.closeQuietly(new SQLException("closing"));
            statement.outcome.scatterFinished(execution);
        });
    }
}
