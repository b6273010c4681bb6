package dev.shard.jdbc.internal;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.merge.RowCursor;
import dev.shard.core.internal.merge.UnionMerge;
import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.UnionPlanner;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A UNION run branch by branch: each branch runs and merges as its own query ({@link ScatterQueryRun}), one
 * after another, and their rows are combined by the union's {@link UnionMerge}. The result's metadata is the
 * first branch's, as MySQL takes the column labels from the first SELECT. A column compares case-insensitively
 * (for duplicate removal and the union's ORDER BY) only when every branch reports it so: MySQL resolves a mix of
 * a case-insensitive and a binary collation to the binary one.
 *
 * <p>Every branch's statements are executed before the first row is read, so a branch's results stay open while
 * the next branch runs, possibly on the same physical connection: drivers that buffer results (the default of
 * Connector/J and MariaDB Connector/J) allow that; a streaming fetch size may not.
 */
final class UnionQueryRun {

    private UnionQueryRun() {
    }

    static ResultSet open(Dialect dialect, ShardStatement statement, Execution.UnionQuery union,
                          ScatterExecution.Binder binder, QueryDeadline deadline, String sql) throws SQLException {
        List<ScatterQueryRun.Merged> branches = new ArrayList<>();
        try {
            for (Execution.ScatterQuery branch : union.branches()) {
                branches.add(ScatterQueryRun.openMerged(dialect, statement, branch, binder, deadline));
            }
            List<ColumnInfo> columns = columns(dialect, branches, sql);
            UnionMerge merge = UnionPlanner.plan(union.combine(), columns, union.bindings(),
                    statement.settings.maxRows());
            RowCursor rows = merge.open(branches.stream().map(ScatterQueryRun.Merged::rows).toList());
            return new MergedResultSet(rows, branches.get(0).metaData(), statement,
                    () -> branches.forEach(branch -> branch.onClose().run()));
        } catch (SQLException | RuntimeException e) {
            for (ScatterQueryRun.Merged branch : branches) {
                try {
                    branch.rows().close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                branch.onClose().run();
            }
            throw e;
        }
    }

    private static List<ColumnInfo> columns(Dialect dialect, List<ScatterQueryRun.Merged> branches, String sql)
            throws SQLException {
        ResultSetMetaData first = branches.get(0).metaData();
        int count = first.getColumnCount();
        for (int b = 1; b < branches.size(); b++) {
            int other = branches.get(b).metaData().getColumnCount();
            if (other != count) {
                throw new SQLException("The SELECTs of the UNION have different numbers of columns: " + count
                        + " in the first, " + other + " in SELECT " + (b + 1) + ": " + sql, "21000");
            }
        }
        List<ColumnInfo> columns = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            boolean caseInsensitive = true;
            for (ScatterQueryRun.Merged branch : branches) {
                ResultSetMetaData meta = branch.metaData();
                caseInsensitive &= dialect.ignoresCase(meta.getColumnType(i), meta.isCaseSensitive(i));
            }
            columns.add(new ColumnInfo(first.getColumnLabel(i), dialect.comparator(caseInsensitive)));
        }
        return columns;
    }
}
