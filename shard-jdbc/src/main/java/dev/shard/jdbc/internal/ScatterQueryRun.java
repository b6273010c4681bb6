package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.AggregateColumn;
import dev.shard.core.internal.merge.AggregateKind;
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
 * metadata gives the column count (for SELECT *) and which columns compare case-insensitively.
 */
final class ScatterQueryRun {

    private ScatterQueryRun() {
    }

    static ResultSet open(ShardStatement statement, Execution.ScatterQuery query, ScatterExecution.Binder binder,
                          QueryDeadline deadline) throws SQLException {
        ScatterExecution execution = ScatterExecution.prepare(statement.connection, query.calls(), query.paceKey(),
                Topology.Intent.READ, binder, deadline);
        statement.outcome.scatterRunning(execution);
        try {
            return merge(statement, execution, query.merge(), query.bindings());
        } catch (SQLException | RuntimeException e) {
            statement.outcome.scatterFinished(execution);
            execution.closeQuietly(e);
            throw e;
        }
    }

    private static ResultSet merge(ShardStatement statement, ScatterExecution execution, MergeSpec spec,
                                   Bindings bindings) throws SQLException {
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
            columns.add(new ColumnInfo(shardMeta.getColumnLabel(i),
                    isString(shardMeta.getColumnType(i)) && !shardMeta.isCaseSensitive(i)));
        }
        MergePlan mergePlan;
        try {
            mergePlan = MergePlanner.plan(spec, columns, bindings, statement.settings.maxRows());
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
        RowCursor merged = mergePlan.open(cursors);
        int userColumns = columns.size() - spec.derivedColumns();
        List<String> labels = new ArrayList<>();
        List<MergedMetaData.TypeOverride> types = new ArrayList<>();
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
            if (item.kind() == AggregateKind.COUNT_DISTINCT) {
                types.set(column, MergedMetaData.TypeOverride.BIGINT);
            } else if (item.kind() == AggregateKind.SUM_DISTINCT) {
                types.set(column, isExactInteger(shardMeta.getColumnType(column + 1))
                        ? MergedMetaData.TypeOverride.decimal(0) : MergedMetaData.TypeOverride.DECIMAL);
            } else if (item.kind() == AggregateKind.SUM || item.kind() == AggregateKind.AVG
                    || item.kind() == AggregateKind.AVG_DISTINCT) {
                types.set(column, sumOrAverageType(item.kind(), shardMeta, column + 1));
            }
        }
        ResultSetMetaData metaData = new MergedMetaData(shardMeta, userColumns, labels, types);
        return new MergedResultSet(merged, metaData, statement, () -> {
            execution.closeQuietly(new SQLException("closing"));
            statement.outcome.scatterFinished(execution);
        });
    }

    /**
     * The merge computes SUM and AVG of exact values as BigDecimal (MySQL's DECIMAL), whatever the shard's partial
     * was: a shard that types SUM(int) as BIGINT (H2) would otherwise have its metadata promise a Long that
     * getObject does not return. AVG also gains MySQL's 4 decimal places (div_precision_increment) over its
     * argument. Floating-point and non-numeric columns keep the shard's type.
     */
    private static MergedMetaData.TypeOverride sumOrAverageType(AggregateKind kind,
                                                                ResultSetMetaData shardMeta, int column)
            throws SQLException {
        int type = shardMeta.getColumnType(column);
        boolean decimal = type == java.sql.Types.DECIMAL || type == java.sql.Types.NUMERIC;
        if (kind == AggregateKind.SUM) {
            return isExactInteger(type) ? MergedMetaData.TypeOverride.decimal(0) : null;
        }
        if (isExactInteger(type) || decimal) {
            int scale = decimal ? Math.max(shardMeta.getScale(column), 0) : 0;
            return MergedMetaData.TypeOverride.decimal(Math.min(scale + 4, 30));
        }
        return null;
    }

    private static boolean isExactInteger(int sqlType) {
        return switch (sqlType) {
            case java.sql.Types.TINYINT, java.sql.Types.SMALLINT, java.sql.Types.INTEGER, java.sql.Types.BIGINT -> true;
            default -> false;
        };
    }

    private static boolean isString(int sqlType) {
        return switch (sqlType) {
            case java.sql.Types.CHAR, java.sql.Types.VARCHAR, java.sql.Types.LONGVARCHAR, java.sql.Types.NCHAR,
                    java.sql.Types.NVARCHAR, java.sql.Types.LONGNVARCHAR, java.sql.Types.CLOB -> true;
            default -> false;
        };
    }

}
