package dev.shard.jdbc.internal;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.merge.RowCursor;
import dev.shard.core.internal.merge.UnionMerge;
import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.UnionPlanner;
import dev.shard.core.internal.sql.UnionShape;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A UNION run branch by branch: each branch runs and merges as its own query ({@link ScatterQueryRun}), and their
 * rows are combined by the union's {@link UnionMerge}. The result's metadata is the first branch's, as MySQL takes
 * the column labels from the first SELECT.
 *
 * <p>The first branch runs at once (its metadata decides the columns); every other branch runs only when the union
 * has read the branches before it, so that at most one branch's results are open at a time: two branches on one
 * shard share its connection (Connector/J's row streaming allows one open result per connection), the results of a
 * driver that buffers are held one branch at a time, and a LIMIT met early leaves the later branches unrun. For the
 * same reason a column's collation is the first branch's: a string column deduplicates and orders
 * case-insensitively when the first branch reports it so.
 */
final class UnionQueryRun {

    private UnionQueryRun() {
    }

    static ResultSet open(Dialect dialect, ShardStatement statement, Execution.UnionQuery union,
                          ScatterExecution.Binder binder, QueryDeadline deadline, String sql) throws SQLException {
        List<Execution.ScatterQuery> queries = union.branches();
        // Branches return all their rows: setMaxRows applies to the union's, after duplicates and its ORDER BY.
        ScatterQueryRun.Merged first = ScatterQueryRun.openMerged(dialect, statement, queries.get(0), binder,
                deadline, 0);
        List<RowCursor> branches = new ArrayList<>();
        branches.add(first.rows());
        try {
            ResultSetMetaData meta = first.metaData();
            int count = meta.getColumnCount();
            List<ColumnInfo> columns = new ArrayList<>(count);
            for (int i = 1; i <= count; i++) {
                boolean caseInsensitive = dialect.ignoresCase(meta.getColumnType(i), meta.isCaseSensitive(i));
                columns.add(new ColumnInfo(meta.getColumnLabel(i), dialect.comparator(caseInsensitive)));
            }
            for (int b = 1; b < queries.size(); b++) {
                Execution.ScatterQuery query = queries.get(b);
                String problem = "SELECT " + (b + 1) + " of the UNION";
                branches.add(new LaterBranch(count, problem + ": " + sql,
                        () -> ScatterQueryRun.openMerged(dialect, statement, query, binder, deadline, 0)));
            }
            UnionMerge merge = UnionPlanner.plan(union.combine(), columns, union.bindings(),
                    statement.settings.maxRows());
            return new MergedResultSet(merge.open(branches), meta, statement, first.onClose());
        } catch (SQLException | RuntimeException e) {
            for (RowCursor branch : branches) {
                try {
                    branch.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            first.onClose().run();
            throw e;
        }
    }

    /** Runs a branch's statements. */
    @FunctionalInterface
    private interface Opener {
        ScatterQueryRun.Merged open() throws SQLException;
    }

    /** A branch after the first: its statements run at its first {@code next()}. */
    private static final class LaterBranch implements RowCursor {
        private final int columns;
        private final String which;
        private final Opener opener;
        private ScatterQueryRun.Merged opened;
        private boolean closed;

        LaterBranch(int columns, String which, Opener opener) {
            this.columns = columns;
            this.which = which;
            this.opener = opener;
        }

        @Override
        public boolean next() throws SQLException {
            if (closed) {
                throw new SQLException("UNION branch is closed: " + which, "HY010");
            }
            if (opened == null) {
                opened = opener.open();
                int count = opened.metaData().getColumnCount();
                if (count != columns) {
                    throw new SQLException("The SELECTs of the UNION have different numbers of columns: " + columns
                            + " in the first, " + count + " in " + which, "21000");
                }
            }
            return opened.rows().next();
        }

        @Override
        public Object get(int column) throws SQLException {
            if (opened == null) {
                throw new SQLException("No current row: call next() first", "24000");
            }
            return opened.rows().get(column);
        }

        @Override
        public int columnCount() {
            return columns;
        }

        @Override
        public void close() throws SQLException {
            if (closed) {
                return;
            }
            closed = true;
            if (opened != null) {
                try {
                    opened.rows().close();
                } finally {
                    opened.onClose().run();
                }
            }
        }
    }

    /**
     * explain's rendering: the union's combination, then each branch's merge, every column binary as in
     * {@link Explanations#describeMerge} (collations and column counts are known only from results); a one-shard
     * branch shows only its shard's rows.
     */
    static String describe(ShardRuntime runtime, Execution.UnionQuery union) throws SQLException {
        Dialect dialect = runtime.dialect();
        // Placeholders enough for the union's ORDER BY: by position, or by a label.
        int count = 1;
        for (UnionShape.OrderKey key : union.combine().order()) {
            count = Math.max(count, key.position() + 1);
        }
        List<ColumnInfo> columns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            columns.add(new ColumnInfo("", dialect.comparator(false)));
        }
        for (UnionShape.OrderKey key : union.combine().order()) {
            if (key.label() != null) {
                columns.add(new ColumnInfo(key.label(), dialect.comparator(false)));
            }
        }
        UnionMerge combine = UnionPlanner.plan(union.combine(), columns, union.bindings(), 0);
        StringBuilder text = new StringBuilder(combine.describe(union.branches().size()));
        for (int i = 0; i < union.branches().size(); i++) {
            Execution.ScatterQuery branch = union.branches().get(i);
            text.append("Branch ").append(i + 1).append(":\n");
            String merge = Explanations.describeMerge(runtime, branch.merge(), branch.bindings(), branch.calls().size());
            for (String line : merge.split("\n")) {
                text.append("  ").append(line).append('\n');
            }
        }
        return text.toString().stripTrailing();
    }
}
