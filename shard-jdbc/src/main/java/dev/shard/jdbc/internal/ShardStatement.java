package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.AggregateColumn;
import dev.shard.core.internal.merge.AggregateKind;
import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.merge.MergePlan;
import dev.shard.core.internal.merge.RowCursor;
import dev.shard.core.internal.route.Bindings;
import dev.shard.core.internal.keygen.KeyGenerator;
import dev.shard.core.internal.route.InsertRows;
import dev.shard.core.internal.route.KeyGeneration;
import dev.shard.core.internal.route.MergePlanner;
import dev.shard.core.internal.route.StatementPlan;
import dev.shard.core.internal.sql.MergeSpec;
import dev.shard.core.internal.sql.ScatterSelect;
import dev.shard.core.internal.sql.StatementKind;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import dev.shard.core.internal.route.Route;
import dev.shard.core.internal.route.RoutedStatement;
import dev.shard.core.internal.sql.ParamSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A logical Statement: each execution is routed, then run on the physical statement of the shard it routes to.
 * The physical statement stays current until the next execution or close, so that result sets, update counts
 * and generated keys come from it.
 */
public class ShardStatement extends JdbcWrapper implements Statement {

    enum Mode { QUERY, UPDATE, LARGE_UPDATE, ANY }

    final LogicalConnection connection;
    final StatementOptions options;
    private int fetchSize;
    private int fetchDirection = ResultSet.FETCH_FORWARD;
    private long maxRows;
    private int maxFieldSize;
    private int queryTimeout;
    private boolean escapeProcessing = true;
    /** Whether any of the options above was ever set: until then every physical statement keeps the defaults. */
    private boolean optionsSet;
    private boolean poolable;
    private boolean closeOnCompletion;
    private boolean closed;
    private final List<String> batch = new ArrayList<>();

    /** The physical statement that ran last (single-shard routes), or null. */
    private volatile Statement current;
    /** The shard {@link #current} ran on. */
    private int currentShard = -1;
    private ResultSet currentResultSet;
    /** The statement running on several shards, while its result is open; cancel() reaches all of them. */
    private volatile ScatterExecution currentScatter;
    private long updateCount = -1;
    private GeneratedKeys lastKeys = GeneratedKeys.NONE;
    /** Keys the key generator made for the last INSERT, one per row in row order; null if none. */
    private Object[] generated;
    private String generatedColumn;

    ShardStatement(LogicalConnection connection, StatementOptions options) {
        this.connection = connection;
        this.options = options;
    }

    // ------------------------------------------------------------------ execution core

    /**
     * Routes and runs one execution.
     *
     * @return true if the result is a result set
     */
    final boolean run(RoutedStatement routed, Bindings bindings, Mode mode, GeneratedKeys keys)
            throws SQLException {
        checkOpen();
        clearResults();
        lastKeys = keys;
        generated = null;
        KeyGeneration generation = routed.plan() instanceof StatementPlan.ByKey byKey ? byKey.keyGeneration() : null;
        if (generation != null) {
            // Keys are made before routing: the generated key may be the shard key.
            Object[] values = new Object[generation.rowCount()];
            KeyGenerator generator = connection.runtime().keyGenerator(generation.table());
            for (int row = 0; row < values.length; row++) {
                values[row] = generator.next();
            }
            generated = values;
            Bindings userBindings = bindings;
            int first = generation.firstParam();
            bindings = index -> index >= first ? values[index - first] : userBindings.value(index);
        }
        Route route;
        try {
            route = routed.plan().route(bindings, routed.sql());
        } catch (SQLException e) {
            connection.runtime().notifyRefused(e);
            throw e;
        }
        connection.runtime().notifyRouted(route);
        if (generation != null && route instanceof Route.Single single) {
            updateCount = runGeneratedInsert(routed, generation, single.shard(), mode);
            return false;
        }
        if (route instanceof Route.Scatter scatter) {
            return runScatter(routed, scatter, bindings, mode);
        }
        if (route instanceof Route.InsertSplit split) {
            return runInsertSplit(routed, split, mode);
        }
        if (route instanceof Route.All) {
            if (mode == Mode.QUERY) {
                throw new SQLException("executeQuery was given a statement that writes to every shard: "
                        + routed.sql(), "07000");
            }
            updateCount = routed.plan().kind() == StatementKind.DDL ? runOnEveryShard(routed, mode, keys)
                    : writeEveryShard(routed);
            return false;
        }
        int shard;
        if (route instanceof Route.Single single) {
            shard = single.shard();
        } else if (route instanceof Route.Default byDefault) {
            shard = byDefault.shard();
        } else if (route instanceof Route.AnyOne) {
            shard = connection.preferredShardForAnyOne();
        } else {
            // Every route kind is handled above; a new one must not silently run on a single shard.
            throw new SQLException("Unhandled route " + route + " for: " + routed.sql(), "HY000");
        }
        boolean borrowedForIt = !connection.holds(shard);
        try {
            return runOnShard(shard, routed, mode, keys);
        } catch (SQLException e) {
            throw connection.statementFailed(shard, borrowedForIt, e);
        }
    }

    private boolean runOnShard(int shard, RoutedStatement routed, Mode mode, GeneratedKeys keys)
            throws SQLException {
        Statement physical = physicalFor(shard, keys);
        applyOptions(physical);
        current = physical;
        currentShard = shard;
        switch (mode) {
            case QUERY -> {
                currentResultSet = new ShardResultSet(executeQueryOn(physical, routed), this);
                return true;
            }
            case UPDATE -> {
                updateCount = executeUpdateOn(physical, routed, keys, false);
                return false;
            }
            case LARGE_UPDATE -> {
                updateCount = executeUpdateOn(physical, routed, keys, true);
                return false;
            }
            default -> {
                boolean hasResultSet = executeOn(physical, routed, keys);
                if (hasResultSet) {
                    currentResultSet = new ShardResultSet(physical.getResultSet(), this);
                } else {
                    updateCount = physical.getUpdateCount();
                }
                return hasResultSet;
            }
        }
    }

    /**
     * A statement on several shards: a SELECT runs its rewritten form everywhere at once and the rows are merged
     * into one streaming result; an UPDATE or DELETE runs everywhere at once and the counts are summed.
     */
    private boolean runScatter(RoutedStatement routed, Route.Scatter scatter, Bindings bindings, Mode mode)
            throws SQLException {
        checkReplayable();
        StatementPlan plan = routed.plan();
        if (plan.kind() == StatementKind.SELECT) {
            if (mode == Mode.UPDATE || mode == Mode.LARGE_UPDATE) {
                throw new SQLException("executeUpdate was given a query: " + routed.sql(), "07000");
            }
            ScatterSelect select = ((StatementPlan.ByKey) plan).scatter();
            ScatterExecution execution = ScatterExecution.prepare(connection, scatter.shards(), select.shardSql(),
                    (statement, shard) -> {
                        applyOptions(statement, false);
                        List<ScatterSelect.ShardParam> params = select.shardParams();
                        for (int i = 0; i < params.size(); i++) {
                            ScatterSelect.ShardParam param = params.get(i);
                            if (param instanceof ScatterSelect.ShardParam.FromTemplate template) {
                                bindTemplateParameter(statement, i + 1, routed, scatter, shard, template.index());
                            } else {
                                ScatterSelect.ShardParam.LimitSum sum = (ScatterSelect.ShardParam.LimitSum) param;
                                long offset = sum.offset() == null ? 0
                                        : MergePlanner.number(sum.offset(), bindings, "offset");
                                statement.setLong(i + 1, offset + MergePlanner.number(sum.count(), bindings, "row count"));
                            }
                        }
                    });
            currentScatter = execution;
            try {
                currentResultSet = merge(execution, select.merge(), bindings);
            } catch (SQLException | RuntimeException e) {
                currentScatter = null;
                execution.closeQuietly(e);
                throw e;
            }
            return true;
        }
        if (mode == Mode.QUERY) {
            throw new SQLException("executeQuery was given a statement that writes: " + routed.sql(), "07000");
        }
        List<ParamSource> params = routed.normalized().params();
        long[] counts = MultiShardWrite.run(connection, scatter.shards(), shard -> routed.normalized().template(),
                routed.normalized().template(),
                (statement, shard) -> {
                    applyOptions(statement);
                    for (int i = 0; i < params.size(); i++) {
                        bindTemplateParameter(statement, i + 1, routed, scatter, shard, i);
                    }
                }, routed.sql(), execution -> currentScatter = execution);
        updateCount = sum(counts);
        return false;
    }

    /** An INSERT with generated keys on one shard: the statement with the key column added, every value bound. */
    private long runGeneratedInsert(RoutedStatement routed, KeyGeneration generation, int shard, Mode mode)
            throws SQLException {
        if (mode == Mode.QUERY) {
            throw new SQLException("executeQuery was given a statement that writes: " + routed.sql(), "07000");
        }
        generatedColumn = generation.column();
        int[] all = java.util.stream.IntStream.range(0, generation.rowCount()).toArray();
        int[] params = generation.rows().paramsFor(all);
        try (PreparedStatement statement = connection.physical(shard).prepareStatement(generation.rows().sqlFor(all))) {
            applyOptions(statement);
            for (int i = 0; i < params.length; i++) {
                bindTemplateParameter(statement, i + 1, routed, null, shard, params[i]);
            }
            current = statement; // so that cancel() reaches it
            try {
                return statement.executeLargeUpdate();
            } finally {
                current = null;
            }
        }
    }

    /** A multi-row INSERT: each shard gets only its rows, all applied as one step (see MultiShardWrite). */
    private boolean runInsertSplit(RoutedStatement routed, Route.InsertSplit split, Mode mode) throws SQLException {
        checkReplayable();
        if (mode == Mode.QUERY) {
            throw new SQLException("executeQuery was given a statement that writes: " + routed.sql(), "07000");
        }
        StatementPlan.ByKey plan = (StatementPlan.ByKey) routed.plan();
        InsertRows rows = plan.insertRows();
        generatedColumn = plan.keyGeneration() == null ? null : plan.keyGeneration().column();
        long[] counts = MultiShardWrite.run(connection, split.shards(), shard -> rows.sqlFor(split.rowsOf(shard)),
                routed.normalized().template(),
                (statement, shard) -> {
                    applyOptions(statement);
                    int[] params = rows.paramsFor(split.rowsOf(shard));
                    for (int i = 0; i < params.length; i++) {
                        bindTemplateParameter(statement, i + 1, routed, null, shard, params[i]);
                    }
                }, routed.sql(), execution -> currentScatter = execution);
        updateCount = sum(counts);
        return false;
    }

    private static long sum(long[] counts) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }

    private ResultSet merge(ScatterExecution execution, MergeSpec spec, Bindings bindings) throws SQLException {
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
            mergePlan = MergePlanner.plan(spec, columns, bindings, maxRows);
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
        return new MergedResultSet(merged, metaData, this, () -> {
            execution.closeQuietly(new SQLException("closing"));
            if (currentScatter == execution) {
                currentScatter = null;
            }
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

    /** One '?' of the normalised template on one shard: NULL where pruned, else the literal or user value. */
    private void bindTemplateParameter(PreparedStatement statement, int position, RoutedStatement routed,
                                       Route.Scatter scatter, int shard, int templateIndex) throws SQLException {
        KeyGeneration generation = routed.plan() instanceof StatementPlan.ByKey byKey ? byKey.keyGeneration() : null;
        if (generation != null && templateIndex >= generation.firstParam()) {
            statement.setObject(position, generated[templateIndex - generation.firstParam()]);
            return;
        }
        if (scatter != null && scatter.prunes(shard, templateIndex)) {
            // This IN-list or OR value lives on another shard: NULL never matches, so this shard skips it.
            statement.setNull(position, java.sql.Types.NULL);
            return;
        }
        ParamSource source = routed.normalized().params().get(templateIndex);
        if (source instanceof ParamSource.Literal literal) {
            statement.setObject(position, literal.value());
        } else {
            bindUserParameter(statement, position, ((ParamSource.UserParameter) source).userIndex(), routed);
        }
    }

    /** Plain statements have no user parameters; prepared statements replay the recorded setXxx call. */
    void bindUserParameter(PreparedStatement statement, int position, int userIndex, RoutedStatement routed)
            throws SQLException {
        throw new SQLException("Statement has '?' parameters; use a PreparedStatement: " + routed.sql(), "07001");
    }

    /** A write to a broadcast table: every shard, as one step (see MultiShardWrite); the count of one copy. */
    private long writeEveryShard(RoutedStatement routed) throws SQLException {
        checkReplayable();
        int[] all = new int[connection.runtime().shardCount()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        long[] counts = MultiShardWrite.run(connection, all, shard -> routed.sql(), routed.normalized().template(),
                (statement, shard) -> {
            applyOptions(statement);
            bindUserParameters(statement, routed);
        }, routed.sql(), execution -> currentScatter = execution);
        return counts[0];
    }

    /** The keys the last execution generated, or null. */
    Object[] generatedByLastExecution() {
        return generated;
    }

    /**
     * After a batch: the keys generated across its entries (null if none), and no physical statement whose
     * getGeneratedKeys could be mistaken for the batch's.
     */
    void afterBatch(Object[] keys) throws SQLException {
        clearResults();
        generated = keys;
    }

    /** Refuses parameters that cannot be sent to several shards (streams); plain statements have none. */
    void checkReplayable() throws SQLException {
    }

    /** The original SQL's '?' in order: none for plain statements; prepared ones replay their setters. */
    void bindUserParameters(PreparedStatement statement, RoutedStatement routed) throws SQLException {
    }

    /**
     * DDL: every shard, in order. A failure names the shards that already applied the
     * statement and those that did not, so that nothing is half-applied in silence.
     */
    private long runOnEveryShard(RoutedStatement routed, Mode mode, GeneratedKeys keys) throws SQLException {
        List<String> applied = new ArrayList<>();
        long firstCount = -1;
        int shards = connection.runtime().shardCount();
        for (int shard = 0; shard < shards; shard++) {
            boolean borrowedForIt = !connection.holds(shard);
            try {
                Statement physical = physicalFor(shard, keys);
                applyOptions(physical);
                current = physical; // so that cancel() reaches a long DDL
                long count;
                try {
                    count = executeUpdateOn(physical, routed, keys, mode == Mode.LARGE_UPDATE);
                } finally {
                    current = null;
                }
                releaseAfterEveryShard(physical);
                if (firstCount < 0) {
                    firstCount = count;
                }
                applied.add(connection.runtime().shardName(shard));
            } catch (SQLException e) {
                connection.dropIfBroken(shard, borrowedForIt);
                List<String> notApplied = new ArrayList<>();
                for (int rest = shard; rest < shards; rest++) {
                    notApplied.add(connection.runtime().shardName(rest));
                }
                throw new SQLException("Statement failed on shard " + connection.runtime().shardName(shard)
                        + ": " + e.getMessage() + ". Applied on " + applied + "; not applied on " + notApplied
                        + ": " + routed.sql(), e.getSQLState(), e.getErrorCode(), e);
            }
        }
        return Math.max(firstCount, 0);
    }

    /** The physical statement for a shard. Plain statements make a fresh one per execution. */
    Statement physicalFor(int shard, GeneratedKeys keys) throws SQLException {
        Connection physical = connection.physical(shard);
        return options.resultSetHoldability() >= 0
                ? physical.createStatement(options.resultSetType(), options.resultSetConcurrency(),
                options.resultSetHoldability())
                : physical.createStatement(options.resultSetType(), options.resultSetConcurrency());
    }

    /** Plain statements close each shard's statement once it has run; prepared ones keep theirs. */
    void releaseAfterEveryShard(Statement physical) throws SQLException {
        physical.close();
    }

    ResultSet executeQueryOn(Statement physical, RoutedStatement routed) throws SQLException {
        return physical.executeQuery(routed.sql());
    }

    long executeUpdateOn(Statement physical, RoutedStatement routed, GeneratedKeys keys, boolean large)
            throws SQLException {
        String sql = routed.sql();
        if (keys.columnIndexes() != null) {
            return large ? physical.executeLargeUpdate(sql, keys.columnIndexes())
                    : physical.executeUpdate(sql, keys.columnIndexes());
        }
        if (keys.columnNames() != null) {
            return large ? physical.executeLargeUpdate(sql, keys.columnNames())
                    : physical.executeUpdate(sql, keys.columnNames());
        }
        return large ? physical.executeLargeUpdate(sql, keys.flag()) : physical.executeUpdate(sql, keys.flag());
    }

    boolean executeOn(Statement physical, RoutedStatement routed, GeneratedKeys keys) throws SQLException {
        String sql = routed.sql();
        if (keys.columnIndexes() != null) {
            return physical.execute(sql, keys.columnIndexes());
        }
        if (keys.columnNames() != null) {
            return physical.execute(sql, keys.columnNames());
        }
        return physical.execute(sql, keys.flag());
    }

    void applyOptions(Statement physical) throws SQLException {
        applyOptions(physical, true);
    }

    /**
     * @param withMaxRows false for the shards of a merged query: a shard cut to maxRows could drop rows (or
     *                    partial groups) the merged result needs; the merge applies maxRows itself
     */
    void applyOptions(Statement physical, boolean withMaxRows) throws SQLException {
        // A fresh physical statement has the driver's defaults, so only changed settings need a call. A kept one
        // (prepared statements reuse theirs) still holds what an earlier execution set, so a setting put back to
        // its default (setMaxRows(0) after setMaxRows(2)) must be applied too.
        // Until an option is set on this statement, a kept physical statement has only ever had defaults (setting
        // them anyway costs a round of driver calls per execution; H2 even runs a SET QUERY_TIMEOUT command).
        boolean reused = !closesPhysicalBetweenExecutions() && optionsSet;
        if (fetchSize != 0 || reused) {
            physical.setFetchSize(fetchSize);
        }
        if (withMaxRows && (maxRows != 0 || reused)) {
            physical.setLargeMaxRows(maxRows);
        }
        if (queryTimeout != 0 || reused) {
            physical.setQueryTimeout(queryTimeout);
        }
        if (maxFieldSize != 0 || reused) {
            physical.setMaxFieldSize(maxFieldSize);
        }
        if (!escapeProcessing || reused) {
            physical.setEscapeProcessing(escapeProcessing);
        }
    }

    /** Closes the previous execution's result set, and its physical statement for plain statements. */
    void clearResults() throws SQLException {
        closeCurrentResultSet();
        if (current != null && closesPhysicalBetweenExecutions()) {
            current.close();
        }
        current = null;
        updateCount = -1;
    }

    private void closeCurrentResultSet() {
        if (currentResultSet instanceof ShardResultSet single) {
            single.closeQuietly();
        } else if (currentResultSet instanceof MergedResultSet merged) {
            merged.closeQuietly();
        }
        currentResultSet = null;
    }

    boolean closesPhysicalBetweenExecutions() {
        return true;
    }

    void resultSetClosed() throws SQLException {
        if (closeOnCompletion && !closed) {
            close();
        }
    }

    final void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("Statement is closed", "HY010");
        }
        connection.checkOpen();
    }

    /** Bindings for SQL text without user parameters: every bind value was lifted from a literal. */
    static Bindings literalBindings(RoutedStatement routed) {
        List<ParamSource> params = routed.normalized().params();
        return index -> {
            if (index >= params.size()) {
                throw new SQLException("Statement has no value for its parameter " + (index + 1) + ": "
                        + routed.sql(), "07001");
            }
            ParamSource source = params.get(index);
            if (source instanceof ParamSource.Literal literal) {
                return literal.value();
            }
            throw new SQLException("Statement has '?' parameters; use a PreparedStatement: " + routed.sql(),
                    "07001");
        };
    }

    private boolean runText(String sql, Mode mode, GeneratedKeys keys) throws SQLException {
        checkOpen();
        RoutedStatement routed = connection.runtime().router().prepare(sql);
        return run(routed, literalBindings(routed), mode, keys);
    }

    @Override
    Object unwrapTarget() {
        return current;
    }

    // ------------------------------------------------------------------ Statement: execute

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        runText(sql, Mode.QUERY, GeneratedKeys.NONE);
        return currentResultSet;
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.NONE);
        return (int) updateCount;
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.of(autoGeneratedKeys));
        return (int) updateCount;
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.of(columnIndexes));
        return (int) updateCount;
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        runText(sql, Mode.UPDATE, GeneratedKeys.of(columnNames));
        return (int) updateCount;
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.NONE);
        return updateCount;
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.of(autoGeneratedKeys));
        return updateCount;
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.of(columnIndexes));
        return updateCount;
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        runText(sql, Mode.LARGE_UPDATE, GeneratedKeys.of(columnNames));
        return updateCount;
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return runText(sql, Mode.ANY, GeneratedKeys.NONE);
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return runText(sql, Mode.ANY, GeneratedKeys.of(autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return runText(sql, Mode.ANY, GeneratedKeys.of(columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return runText(sql, Mode.ANY, GeneratedKeys.of(columnNames));
    }

    // ------------------------------------------------------------------ Statement: batches

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        batch.add(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return ShardBatches.toInts(executeLargeBatch());
    }

    /**
     * Consecutive statements that each route to one shard run as one JDBC batch per shard, the shards in
     * parallel; a statement that needs several shards runs on its own, in order.
     */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<String> work = new ArrayList<>(batch);
        batch.clear();
        long[] counts = ShardBatches.runInOrder(connection.runtime(), work.size(), "statement",
                entry -> {
                    RoutedStatement routed = connection.runtime().router().prepare(work.get(entry));
                    // Entries whose keys Shard generates run alone: the keys are made per execution.
                    boolean generates = routed.plan() instanceof StatementPlan.ByKey byKey
                            && byKey.keyGeneration() != null;
                    return generates ? null
                            : singleShardOf(routed.plan().route(literalBindings(routed), routed.sql()));
                },
                entry -> {
                    runText(work.get(entry), Mode.LARGE_UPDATE, GeneratedKeys.NONE);
                    return updateCount;
                },
                (shard, entries, opened) -> {
                    Statement physical = connection.physical(shard).createStatement();
                    opened.add(physical);
                    applyOptions(physical);
                    for (int entry : entries) {
                        physical.addBatch(work.get(entry));
                    }
                    return physical::executeLargeBatch;
                });
        clearResults();
        return counts;
    }

    /** The one shard a route runs on, or null if it needs several (those run alone, in order). */
    static Integer singleShardOf(Route route) {
        if (route instanceof Route.Single single) {
            return single.shard();
        }
        if (route instanceof Route.Default byDefault) {
            return byDefault.shard();
        }
        return null;
    }

    // ------------------------------------------------------------------ Statement: results

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        return currentResultSet;
    }

    @Override
    public int getUpdateCount() throws SQLException {
        checkOpen();
        return (int) updateCount;
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        return updateCount;
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(Statement.CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int how) throws SQLException {
        checkOpen();
        closeCurrentResultSet();
        if (current != null && current.getMoreResults(how)) {
            currentResultSet = new ShardResultSet(current.getResultSet(), this);
            return true;
        }
        updateCount = current == null ? -1 : current.getUpdateCount();
        return false;
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        if (generated != null && lastKeys.wanted()) {
            return GeneratedKeysResultSet.of(this, generatedColumn, generated);
        }
        if (!lastKeys.wanted()) {
            throw new SQLException("Generated keys were not requested for the last statement; pass "
                    + "Statement.RETURN_GENERATED_KEYS or key columns when executing it", "HY000");
        }
        if (current == null) {
            // Each shard's AUTO_INCREMENT counts on its own, so their keys would not identify rows across shards.
            throw new SQLException("No generated keys from the last execution: it ran on several shards or as a"
                    + " batch, and per-shard AUTO_INCREMENT keys are neither unique across shards nor returned;"
                    + " configure a keyGenerator for the table to get keys back", "HY000");
        }
        return new ShardResultSet(current.getGeneratedKeys(), this);
    }

    // ------------------------------------------------------------------ Statement: settings

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return maxFieldSize;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        if (max < 0) {
            throw new SQLException("maxFieldSize must not be negative: " + max, "HY024");
        }
        maxFieldSize = max;
        optionsSet = true;
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return (int) Math.min(maxRows, Integer.MAX_VALUE);
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        setLargeMaxRows(max);
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        if (max < 0) {
            throw new SQLException("maxRows must not be negative: " + max, "HY024");
        }
        maxRows = max;
        optionsSet = true;
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        escapeProcessing = enable;
        optionsSet = true;
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return queryTimeout;
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (seconds < 0) {
            throw new SQLException("queryTimeout must not be negative: " + seconds, "HY024");
        }
        queryTimeout = seconds;
        optionsSet = true;
    }

    @Override
    public void cancel() throws SQLException {
        checkOpen();
        Statement running = current;
        if (running != null) {
            running.cancel();
        }
        ScatterExecution scatter = currentScatter;
        if (scatter != null) {
            scatter.cancelAll();
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return current == null ? null : current.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        if (current != null) {
            current.clearWarnings();
        }
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        throw unsupported("setCursorName", "positioned updates cannot follow a row across shards");
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != ResultSet.FETCH_FORWARD && direction != ResultSet.FETCH_REVERSE
                && direction != ResultSet.FETCH_UNKNOWN) {
            throw new SQLException("Unknown fetch direction " + direction, "HY024");
        }
        fetchDirection = direction;
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        // MySQL Connector/J streams row by row when given Integer.MIN_VALUE, so negative values pass through.
        fetchSize = rows;
        optionsSet = true;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        checkOpen();
        return options.resultSetConcurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        checkOpen();
        return options.resultSetType();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        checkOpen();
        return options.resultSetHoldability() >= 0 ? options.resultSetHoldability() : connection.getHoldability();
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
        this.poolable = poolable;
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        try {
            clearResults();
            closePhysical();
        } finally {
            closed = true;
            connection.forget(this);
        }
    }

    /**
     * The connection's physical connection to a shard was discarded (broken, or a commit or rollback failed on
     * it), and its statements with it: forgetting the last one keeps later calls (the next execution closes it)
     * off it.
     */
    void connectionDiscarded(int shard) {
        if (currentShard == shard) {
            current = null;
        }
    }

    /** Prepared statements close their cached per-shard statements here. */
    void closePhysical() throws SQLException {
    }
}
