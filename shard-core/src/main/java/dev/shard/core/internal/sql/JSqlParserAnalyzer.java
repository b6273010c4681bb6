package dev.shard.core.internal.sql;

import dev.shard.core.internal.dialect.Dialect;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * {@link SqlAnalyzer} over JSqlParser.
 *
 * <p>Key conditions are found per query scope (each SELECT block, UPDATE or DELETE): equalities and IN lists
 * that the scope's WHERE joins with AND, plus the ON conditions of its inner joins, are merged into classes of
 * equal columns and values. A condition inside a subquery never restricts the outer query's tables, so a scope
 * only inherits from the scopes around it, never the reverse. Anything not understood simply leaves a table
 * unconstrained: the planner then refuses to pin one shard, which is slower or an error, but never wrong.
 */
public final class JSqlParserAnalyzer implements SqlAnalyzer {

    /** One daemon thread for all analysers: it only flips the parser's interrupt flag when a parse overruns. */
    private static final ScheduledExecutorService WATCHDOG = newWatchdog();

    private final Dialect dialect;
    private final long parseTimeoutMillis;

    /** @param dialect how the scatter rewrite reads and writes the text it changes */
    public JSqlParserAnalyzer(Dialect dialect, long parseTimeoutMillis) {
        this.dialect = dialect;
        this.parseTimeoutMillis = parseTimeoutMillis;
    }

    @Override
    public long timeoutMillis() {
        return parseTimeoutMillis;
    }

    private static ScheduledExecutorService newWatchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "shard-parse-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        // Almost every parse finishes long before its deadline; drop cancelled timers at once, not at expiry.
        executor.setRemoveOnCancelPolicy(true);
        return Executors.unconfigurableScheduledExecutorService(executor);
    }

    @Override
    public StatementShape analyze(String sql) throws SQLException {
        Statement statement;
        try {
            statement = parse(sql);
        } catch (SQLSyntaxErrorException e) {
            // DDL beyond the parser's grammar must still reach every shard of its table.
            StatementShape ddl = UnparsedDdl.shape(sql, dialect, e);
            if (ddl != null) {
                return ddl;
            }
            throw e;
        }
        if (statement instanceof UnsupportedStatement) {
            // What the parser skips over unread (ALTER ONLINE TABLE ...) would otherwise look like a statement
            // that names no table, and run on the default data source alone.
            StatementShape ddl = UnparsedDdl.shape(sql, dialect, null);
            if (ddl != null) {
                return ddl;
            }
        }
        StatementShape shape = new ShapeBuilder(statement, dialect).build();
        // The rewrite mutates the tree, so it runs after the shape was read from it.
        ScatterSelect scatter = null;
        String refusal = null;
        if (statement instanceof PlainSelect select) {
            try {
                scatter = new SelectRewriter(select, sql, dialect).rewrite();
            } catch (SelectRewriter.Refusal e) {
                refusal = e.getMessage();
            } catch (RuntimeException e) {
                refusal = "the statement could not be rewritten for several shards (" + e + ")";
            }
        } else if (statement instanceof SetOperationList union) {
            return UnionAnalysis.analyze(shape, union, sql, dialect, this);
        } else if (statement instanceof Select) {
            refusal = "VALUES and parenthesised queries are not supported across shards";
        } else if (statement instanceof Update update && (update.getLimit() != null
                || update.getOrderByElements() != null)) {
            refusal = "UPDATE with ORDER BY or LIMIT cannot be split across shards";
        } else if (statement instanceof Delete delete && (delete.getLimit() != null
                || delete.getOrderByElements() != null)) {
            refusal = "DELETE with ORDER BY or LIMIT cannot be split across shards";
        }
        if (refusal == null && returnsRows(statement)) {
            refusal = "RETURNING is supported on writes that reach one shard; give the sharding column's value";
        }
        return shape.withScatter(scatter, refusal);
    }

    /** A write with PostgreSQL's RETURNING: its rows come from the one shard it runs on. */
    private static boolean returnsRows(Statement statement) {
        return statement instanceof Insert insert && insert.getReturningClause() != null
                || statement instanceof Update update && update.getReturningClause() != null
                || statement instanceof Delete delete && delete.getReturningClause() != null;
    }

    /**
     * Parses on the caller's thread (about twice as fast as JSqlParser's own executor hand-off) while a
     * watchdog flips the parser's {@code interrupted} flag, which its generated code polls, once the thread has
     * spent the bound in processor time ({@link CpuBudget}).
     */
    Statement parse(String sql) throws SQLException {
        CCJSqlParser parser = CCJSqlParserUtil.newParser(sql);
        ParseWatch watch = new ParseWatch(parser, CpuBudget.startOnCurrentThread(parseTimeoutMillis));
        watch.start();
        try {
            Statement statement = parser.Statement();
            // One statement per call: a second one after ';' would run wherever the first was routed.
            Token next = parser.getToken(1);
            if (next.kind == CCJSqlParserConstants.ST_SEMICOLON) {
                next = parser.getToken(2);
            }
            if (next.kind != CCJSqlParserConstants.EOF) {
                throw new SQLSyntaxErrorException("Only one statement per execution is supported; found more after"
                        + " line " + next.beginLine + ", column " + next.beginColumn + ": " + SqlText.abbreviate(sql), "42000");
            }
            NumberedParameters.refuse(sql, dialect.lexer());
            return statement;
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            if (parser.interrupted) {
                throw new SQLTimeoutException("Parsing used more than " + parseTimeoutMillis
                        + " ms of processor time (settings.parseTimeoutMillis); simplify the statement: " + SqlText.abbreviate(sql), "HY000");
            }
            if (e instanceof StackOverflowError) {
                throw new SQLSyntaxErrorException("Statement is nested too deeply to parse: " + SqlText.abbreviate(sql),
                        "42000");
            }
            throw syntaxError(sql, e);
        } finally {
            watch.finish();
        }
    }

    /**
     * Watches one parse: interrupts it once its thread has spent the budget, looking again, while it has not, when
     * it could have at the earliest (processor time grows no faster than the wall clock).
     */
    private final class ParseWatch implements Runnable {

        private final CCJSqlParser parser;
        private final CpuBudget budget;
        private ScheduledFuture<?> next;
        private boolean finished;

        ParseWatch(CCJSqlParser parser, CpuBudget budget) {
            this.parser = parser;
            this.budget = budget;
        }

        synchronized void start() {
            next = WATCHDOG.schedule(this, parseTimeoutMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public synchronized void run() {
            if (finished) {
                return;
            }
            long left = budget.remainingMillis();
            if (left == 0) {
                parser.interrupted = true;
            } else if (left != Long.MAX_VALUE) {
                next = WATCHDOG.schedule(this, left, TimeUnit.MILLISECONDS);
            }
        }

        synchronized void finish() {
            finished = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }

    private static SQLSyntaxErrorException syntaxError(String sql, Throwable cause) {
        String where = "";
        if (cause instanceof ParseException pe && pe.currentToken != null) {
            Token bad = pe.currentToken.next != null ? pe.currentToken.next : pe.currentToken;
            where = " at line " + bad.beginLine + ", column " + bad.beginColumn
                    + (bad.image == null || bad.image.isEmpty() ? "" : " near '" + bad.image + "'");
        }
        SQLSyntaxErrorException error = new SQLSyntaxErrorException(
                "Cannot parse SQL" + where + ": " + SqlText.abbreviate(sql), "42000");
        error.initCause(cause);
        return error;
    }


    /** A plain value: a '?' or a literal; null for anything that needs evaluating. */
    static ValueRef constantOrParameter(Expression expression) {
        return ShapeBuilder.valueOf(expression);
    }

    /** Builds the shape of one parsed statement. Not thread-safe; one per analysis. */
    private static final class ShapeBuilder {
        private final Statement statement;
        private final Dialect dialect;
        private final List<Occurrence> occurrences = new ArrayList<>();
        private final Set<String> cteNames = new HashSet<>();
        private final List<ColumnAssignment> assignments = new ArrayList<>();
        /** Tables the statement writes (INSERT target, UPDATE's assigned tables, DELETE's targets). */
        private final Set<String> written = new java.util.LinkedHashSet<>();
        /** Outer joins: the tables whose rows they keep, and the tables they may pad with NULLs. */
        private final List<OuterJoin> outerJoins = new ArrayList<>();
        private InsertShape insert;
        private int scopeCount;
        /** Column equalities across every scope: which columns a statement ties together (co-location). */
        private final Map<String, String> globalParent = new HashMap<>();

        ShapeBuilder(Statement statement, Dialect dialect) {
            this.statement = statement;
            this.dialect = dialect;
        }

        /** The name an identifier stands for, as the rules name tables and columns. */
        private String unquote(String name) {
            return dialect.canonicalName(name);
        }

        private String tableName(Table table) {
            return unquote(table.getName());
        }

        StatementShape build() throws SQLException {
            StatementKind kind;
            if (statement instanceof Select select) {
                kind = StatementKind.SELECT;
                analyzeSelect(select, null);
            } else if (statement instanceof Insert ins) {
                kind = StatementKind.INSERT;
                analyzeInsert(ins);
            } else if (statement instanceof Upsert upsert) {
                kind = StatementKind.INSERT;
                analyzeUpsert(upsert);
            } else if (statement instanceof Update update) {
                kind = StatementKind.UPDATE;
                analyzeUpdate(update);
            } else if (statement instanceof Delete delete) {
                kind = StatementKind.DELETE;
                analyzeDelete(delete);
            } else if (statement instanceof CreateTable create) {
                kind = StatementKind.DDL;
                addBare(create.getTable());
            } else if (statement instanceof Alter alter) {
                kind = StatementKind.DDL;
                addBare(alter.getTable());
            } else if (statement instanceof Drop drop && isTableOrIndex(drop.getType())) {
                kind = StatementKind.DDL;
                List<String> params = drop.getParameters();
                if ("INDEX".equalsIgnoreCase(drop.getType()) && params != null && params.size() >= 2
                        && "ON".equalsIgnoreCase(params.get(0))) {
                    // DROP INDEX i ON t: the parser gives the index as the name (in names too) and keeps the table
                    // among the parameters, so this is checked before names.
                    // The parameter is the name as written, db.t or `db`.`t` included: its last part is the table.
                    List<dev.shard.core.internal.dialect.SqlTokens.Token> parts =
                            dev.shard.core.internal.dialect.SqlTokens.of(params.get(1), dialect.lexer());
                    addBare(new Table(parts.get(parts.size() - 1).text()));
                } else if (drop.getNames() != null && !drop.getNames().isEmpty()) {
                    drop.getNames().forEach(this::addBare);
                } else {
                    addBare(drop.getName());
                }
            } else if (statement instanceof CreateIndex createIndex) {
                kind = StatementKind.DDL;
                addBare(createIndex.getTable());
            } else if (statement instanceof Truncate truncate) {
                kind = StatementKind.DDL;
                if (truncate.getTables() != null && !truncate.getTables().isEmpty()) {
                    truncate.getTables().forEach(this::addBare);
                } else {
                    addBare(truncate.getTable());
                }
            } else if (statement instanceof RenameTableStatement rename) {
                kind = StatementKind.DDL;
                for (Map.Entry<Table, Table> pair : rename.getTableNames()) {
                    addBare(pair.getKey());
                    addBare(pair.getValue());
                }
            } else {
                kind = StatementKind.OTHER;
            }
            if (kind != StatementKind.DDL) {
                // For OTHER statements too: a session statement that names a sharded table must be refused.
                addTablesTheScopesMissed();
            }
            List<TableOccurrence> tables = occurrences.stream().map(Occurrence::freeze).toList();
            return new StatementShape(kind, tables, insert, assignments, null, null, List.copyOf(written),
                    List.copyOf(outerJoins));
        }

        private static boolean isTableOrIndex(String type) {
            return "TABLE".equalsIgnoreCase(type) || "INDEX".equalsIgnoreCase(type)
                    || "TEMPORARY TABLE".equalsIgnoreCase(type);
        }

        private void addBare(Table table) {
            if (table != null && table.getName() != null) {
                occurrences.add(new Occurrence(tableName(table), 0));
            }
        }

        /**
         * The safety net: if the library finds a table in a construct this analyser does not walk, record it
         * unconstrained, so that routing refuses to pin a shard rather than miss rows.
         */
        private void addTablesTheScopesMissed() {
            Set<String> seen = new HashSet<>();
            occurrences.forEach(o -> seen.add(o.table));
            Set<String> all;
            try {
                all = new TablesNamesFinder<Void>().getTables(statement);
            } catch (RuntimeException unsupported) {
                // The finder throws for some statement types it does not know; our own walk stands alone then.
                return;
            }
            for (String qualified : all) {
                int dot = qualified.lastIndexOf('.');
                String name = unquote(dot >= 0 ? qualified.substring(dot + 1) : qualified);
                if (!seen.contains(name) && !cteNames.contains(name)) {
                    occurrences.add(new Occurrence(name, 1));
                }
            }
        }

        // ---------------------------------------------------------------- SELECT

        private void analyzeSelect(Select select, Scope outer) throws SQLException {
            analyzeSelect(select, outer, outer == null ? 0 : outer.depth + 1);
        }

        /** @param depth 0 for the statement's own query blocks; deeper for subqueries, derived tables, CTEs */
        private void analyzeSelect(Select select, Scope outer, int depth) throws SQLException {
            if (select.getWithItemsList() != null) {
                for (WithItem<?> with : select.getWithItemsList()) {
                    if (with.getAliasName() != null) {
                        cteNames.add(unquote(with.getAliasName()));
                    }
                    if (with.getSelect() != null) {
                        analyzeSelect(with.getSelect(), outer, depth + 1);
                    }
                }
            }
            if (select instanceof PlainSelect plain) {
                analyzePlainSelect(plain, outer, depth);
            } else if (select instanceof SetOperationList union) {
                for (Select part : union.getSelects()) {
                    analyzeSelect(part, outer, depth);
                }
            } else if (select instanceof ParenthesedSelect parenthesed) {
                analyzeSelect(parenthesed.getSelect(), outer, depth);
            } else if (select instanceof Values values) {
                Scope scope = new Scope(outer, depth);
                scope.collectSubqueries(values.getExpressions());
                scope.analyzeNested();
            }
        }

        private void analyzePlainSelect(PlainSelect select, Scope outer, int depth) throws SQLException {
            Scope scope = new Scope(outer, depth);
            scope.addFromItem(select.getFromItem());
            scope.addJoins(select.getJoins());
            scope.addConjuncts(select.getWhere());
            scope.solve();
            if (select.getSelectItems() != null) {
                for (SelectItem<?> item : select.getSelectItems()) {
                    scope.collectSubqueries(item.getExpression());
                }
            }
            scope.collectSubqueries(select.getWhere());
            scope.collectSubqueries(select.getHaving());
            if (select.getGroupBy() != null) {
                scope.collectSubqueries(select.getGroupBy().getGroupByExpressionList());
            }
            collectOrderBy(scope, select.getOrderByElements());
            scope.analyzeNested();
        }

        private void collectOrderBy(Scope scope, List<OrderByElement> orderBy) {
            if (orderBy != null) {
                for (OrderByElement element : orderBy) {
                    scope.collectSubqueries(element.getExpression());
                }
            }
        }

        // ---------------------------------------------------------------- INSERT / UPDATE / DELETE

        /**
         * For INSERT ... SELECT: per select item, "occurrenceIndex.column" when the item is a plain column of one
         * of the SELECT's own tables, else null.
         */
        private List<String> sourcesOf(Select select, int firstOccurrence) {
            List<String> sources = new ArrayList<>();
            if (!(select instanceof PlainSelect plain)) {
                return sources;
            }
            for (SelectItem<?> item : plain.getSelectItems()) {
                String source = null;
                if (item.getExpression() instanceof Column column) {
                    String qualifier = column.getTable() == null || column.getTable().getName() == null ? null
                            : unquote(column.getTable().getName());
                    List<Integer> candidates = new ArrayList<>();
                    for (int i = firstOccurrence; i < occurrences.size(); i++) {
                        Occurrence o = occurrences.get(i);
                        if (o.depth == 1 && (qualifier == null || qualifier.equals(o.alias))) {
                            candidates.add(i);
                        }
                    }
                    if (candidates.size() == 1) {
                        source = candidates.get(0) + "." + unquote(column.getColumnName());
                    }
                }
                sources.add(source);
            }
            return sources;
        }

        private void analyzeInsert(Insert ins) throws SQLException {
            List<UpdateSet> upsertSets = ins.getDuplicateUpdateSets();
            if (ins.getConflictAction() != null && ins.getConflictAction().getUpdateSets() != null) {
                // PostgreSQL's ON CONFLICT ... DO UPDATE SET: like ON DUPLICATE KEY UPDATE, it changes the row on
                // the shard the inserted key chose.
                upsertSets = new ArrayList<>(upsertSets == null ? List.of() : upsertSets);
                upsertSets.addAll(ins.getConflictAction().getUpdateSets());
            }
            analyzeInsert(ins.getTable(), ins.getColumns(), ins.getSetUpdateSets(), ins.getSelect(), upsertSets);
        }

        /** REPLACE (and MySQL's other upsert forms) write rows exactly as INSERT does: routed by their key. */
        private void analyzeUpsert(Upsert upsert) throws SQLException {
            analyzeInsert(upsert.getTable(), upsert.getColumns(), upsert.getUpdateSets(), upsert.getSelect(),
                    upsert.getDuplicateUpdateSets());
        }

        private void analyzeInsert(Table targetTable, ExpressionList<Column> targetColumns, List<UpdateSet> setSets,
                                   Select select, List<UpdateSet> duplicateSets) throws SQLException {
            List<String> selectSources = List.of();
            String table = tableName(targetTable);
            Occurrence target = new Occurrence(table, 0);
            occurrences.add(target);
            List<String> columns = new ArrayList<>();
            List<List<ValueRef>> rows = new ArrayList<>();
            boolean fromSelect = false;
            Scope scope = new Scope(null);
            written.add(table);
            if (targetColumns != null) {
                for (Column column : targetColumns) {
                    columns.add(unquote(column.getColumnName()));
                }
            }
            if (setSets != null && !setSets.isEmpty()) {
                // INSERT ... SET a = 1, b = 2 is one row.
                List<ValueRef> row = new ArrayList<>();
                for (UpdateSet set : setSets) {
                    for (int i = 0; i < set.getColumns().size(); i++) {
                        columns.add(unquote(set.getColumn(i).getColumnName()));
                        Expression value = i < set.getValues().size() ? set.getValue(i) : null;
                        row.add(valueOf(value));
                        scope.collectSubqueries(value);
                    }
                }
                rows.add(row);
            } else if (select instanceof Values values) {
                // VALUES (1, 2), (3, 4) lists rows; VALUES (1, 2) is parsed as the one row's values themselves.
                boolean multiRow = values.getExpressions().stream().allMatch(e -> e instanceof ExpressionList<?>);
                List<Expression> rowExpressions = multiRow ? new ArrayList<>(values.getExpressions())
                        : List.of(values.getExpressions());
                for (Expression rowExpression : rowExpressions) {
                    List<ValueRef> row = new ArrayList<>();
                    if (rowExpression instanceof ExpressionList<?> list) {
                        for (Expression value : list) {
                            row.add(valueOf(value));
                        }
                    } else {
                        row.add(valueOf(rowExpression));
                    }
                    scope.collectSubqueries(rowExpression);
                    rows.add(row);
                }
            } else if (select != null) {
                fromSelect = true;
                int before = occurrences.size();
                analyzeSelect(select, null, 1);
                selectSources = sourcesOf(select, before);
            }
            List<String> upsert = new ArrayList<>();
            if (duplicateSets != null) {
                for (UpdateSet set : duplicateSets) {
                    for (Column column : set.getColumns()) {
                        upsert.add(unquote(column.getColumnName()));
                    }
                    scope.collectSubqueries(set.getValues());
                }
            }
            scope.analyzeNested();
            insert = new InsertShape(table, columns, rows, fromSelect, upsert, selectSources,
                    targetTable.getFullyQualifiedName(), !columns.isEmpty());
        }

        private void analyzeUpdate(Update update) throws SQLException {
            Scope scope = new Scope(null);
            scope.addFromItem(update.getTable());
            scope.addJoins(update.getStartJoins());
            scope.addFromItem(update.getFromItem());
            scope.addJoins(update.getJoins());
            scope.addConjuncts(update.getWhere());
            scope.solve();
            for (UpdateSet set : update.getUpdateSets()) {
                for (int i = 0; i < set.getColumns().size(); i++) {
                    Expression value = i < set.getValues().size() ? set.getValue(i) : null;
                    String assignedTable = scope.tableOf(set.getColumn(i));
                    assignments.add(new ColumnAssignment(assignedTable,
                            unquote(set.getColumn(i).getColumnName()), valueOf(value)));
                    if (assignedTable != null) {
                        written.add(assignedTable);
                    } else {
                        // Unqualified: any of the statement's tables may be the one written.
                        scope.refs.forEach(ref -> written.add(ref.occurrence.table));
                    }
                }
                scope.collectSubqueries(set.getValues());
            }
            scope.collectSubqueries(update.getWhere());
            collectOrderBy(scope, update.getOrderByElements());
            scope.analyzeNested();
        }

        private void analyzeDelete(Delete delete) throws SQLException {
            Scope scope = new Scope(null);
            if (delete.getTable() != null) {
                scope.addFromItem(delete.getTable());
            }
            if (delete.getUsingList() != null) {
                delete.getUsingList().forEach(scope::addFromItem);
            }
            scope.addJoins(delete.getJoins());
            if (delete.getTables() != null && !delete.getTables().isEmpty()) {
                // DELETE a, b FROM a JOIN b ...: the names before FROM are aliases of the joined tables.
                for (Table t : delete.getTables()) {
                    if (!scope.hasAlias(t.getName())) {
                        scope.addFromItem(t);
                    }
                    String named = scope.tableOfAlias(unquote(t.getName()));
                    written.add(named != null ? named : tableName(t));
                }
            } else if (delete.getTable() != null) {
                written.add(tableName(delete.getTable()));
            }
            scope.addConjuncts(delete.getWhere());
            scope.solve();
            scope.collectSubqueries(delete.getWhere());
            collectOrderBy(scope, delete.getOrderByElements());
            scope.analyzeNested();
        }

        private String globalFind(String node) {
            String root = node;
            while (globalParent.containsKey(root) && !globalParent.get(root).equals(root)) {
                root = globalParent.get(root);
            }
            return root;
        }

        private void globalUnion(String a, String b) {
            globalParent.putIfAbsent(a, a);
            globalParent.putIfAbsent(b, b);
            String ra = globalFind(a);
            String rb = globalFind(b);
            if (!ra.equals(rb)) {
                globalParent.put(ra, rb);
            }
        }

        // ---------------------------------------------------------------- values

        private static ValueRef valueOf(Expression expression) {
            if (expression instanceof JdbcParameter parameter && parameter.getIndex() != null) {
                return new ValueRef.Param(parameter.getIndex() - 1);
            }
            if (expression instanceof Parenthesis parenthesis) {
                return valueOf(parenthesis.getExpression());
            }
            if (expression instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
                return valueOf(list.get(0)); // user_id = (10)
            }
            if (expression instanceof SignedExpression signed && signed.getSign() == '+') {
                return valueOf(signed.getExpression()); // +37 is lifted as +?
            }
            if (expression instanceof NullValue) {
                return new ValueRef.Constant(null);
            }
            Object literal = LiteralValues.valueOf(expression);
            return literal == null ? null : new ValueRef.Constant(literal);
        }

        // ---------------------------------------------------------------- scopes

        /** One appearance of a table, collecting its constraints. */
        private final class Occurrence {
            final String table;
            final int depth;
            /** The name the statement calls it by: its alias, or its own name. */
            String alias;
            /** Prefix of this occurrence's column nodes in the statement-wide equality classes. */
            String nodePrefix;
            final Map<String, List<List<ValueRef>>> constraints = new LinkedHashMap<>();

            Occurrence(String table, int depth) {
                this.table = table;
                this.depth = depth;
                this.nodePrefix = "occurrence" + occurrences.size() + ".";
            }

            TableOccurrence freeze() {
                Map<String, String> classes = new HashMap<>();
                for (String node : globalParent.keySet()) {
                    if (node.startsWith(nodePrefix)) {
                        classes.put(node.substring(nodePrefix.length()), globalFind(node));
                    }
                }
                return new TableOccurrence(table, constraints, depth, nodePrefix, classes);
            }
        }

        /** A table appearing in a scope's FROM, under its alias (or its own name). */
        private record Ref(Occurrence occurrence, String alias) {
        }

        /**
         * One query block. Columns are union-find nodes keyed "refIndex.column"; value lists attach to classes.
         */
        private final class Scope {
            private final Scope outer;
            private final int depth;
            private final String id = (scopeCount++) + ":";
            private final List<Ref> refs = new ArrayList<>();
            private final List<Expression[]> equalities = new ArrayList<>();
            private final List<Object[]> restrictions = new ArrayList<>();
            private final List<Select> nested = new ArrayList<>();
            private final Map<Ref, Map<String, List<List<ValueRef>>>> solved = new HashMap<>();

            Scope(Scope outer) {
                this(outer, outer == null ? 0 : outer.depth + 1);
            }

            Scope(Scope outer, int depth) {
                this.outer = outer;
                this.depth = depth;
            }

            String tableOfAlias(String alias) {
                for (Ref ref : refs) {
                    if (ref.alias.equals(alias)) {
                        return ref.occurrence.table;
                    }
                }
                return null;
            }

            boolean hasAlias(String name) {
                String n = unquote(name);
                return refs.stream().anyMatch(r -> r.alias.equals(n));
            }

            void addFromItem(FromItem item) {
                if (item == null) {
                    return;
                }
                if (item instanceof Table table) {
                    if (cteNames.contains(tableName(table))) {
                        return;
                    }
                    Occurrence occurrence = new Occurrence(tableName(table), depth);
                    occurrence.nodePrefix = id + refs.size() + ".";
                    occurrences.add(occurrence);
                    String alias = table.getAlias() != null ? unquote(table.getAlias().getName()) : occurrence.table;
                    occurrence.alias = alias;
                    refs.add(new Ref(occurrence, alias));
                } else if (item instanceof ParenthesedFromItem parenthesed) {
                    addFromItem(parenthesed.getFromItem());
                    addJoins(parenthesed.getJoins());
                } else if (item instanceof ParenthesedSelect derived) {
                    nested.add(derived);
                }
                // Table functions, VALUES lists and such: their tables, if any, are caught by the safety net.
            }

            void addJoins(List<Join> joins) {
                if (joins == null) {
                    return;
                }
                for (Join join : joins) {
                    int before = refs.size();
                    addFromItem(join.getRightItem());
                    boolean outerJoin = join.isLeft() || join.isRight() || join.isFull() || join.isOuter();
                    if (outerJoin) {
                        List<String> earlier = new ArrayList<>();
                        refs.subList(0, before).forEach(r -> earlier.add(r.occurrence.table));
                        List<String> joined = new ArrayList<>();
                        refs.subList(before, refs.size()).forEach(r -> joined.add(r.occurrence.table));
                        if (join.isFull()) {
                            List<String> both = new ArrayList<>(earlier);
                            both.addAll(joined);
                            outerJoins.add(new OuterJoin(both, both));
                        } else if (join.isRight()) {
                            outerJoins.add(new OuterJoin(joined, earlier));
                        } else {
                            outerJoins.add(new OuterJoin(earlier, joined));
                        }
                    }
                    Collection<Expression> on = join.getOnExpressions();
                    if (on != null) {
                        for (Expression condition : on) {
                            if (join.isFull()) {
                                // Both sides are kept whatever the ON says: it ties nothing together.
                                collectSubqueries(condition);
                                continue;
                            }
                            int equalitiesBefore = equalities.size();
                            // An outer join's ON does not filter the preserved side, so a value there must
                            // not pin it; column-to-column equalities still tie the key classes together.
                            addConjuncts(condition, outerJoin);
                            if (outerJoin && !join.isRight()) {
                                // A LEFT JOIN keeps every earlier row: only equalities that involve the joined
                                // table hold in the result; one between two earlier tables holds for nothing.
                                List<Expression[]> added = equalities.subList(equalitiesBefore, equalities.size());
                                added.removeIf(pair -> !touches(pair, before));
                            }
                            collectSubqueries(condition);
                        }
                    }
                    if (join.getUsingColumns() != null && !outerJoin && refs.size() == before + 1) {
                        // JOIN ... USING (c): c of the new table equals c of the tables before it. A derived
                        // table adds no ref (its columns are its select's), so it ties nothing here.
                        Ref right = refs.get(before);
                        for (Column column : join.getUsingColumns()) {
                            for (int i = 0; i < before; i++) {
                                Column leftColumn = new Column(new Table(refs.get(i).alias), column.getColumnName());
                                Column rightColumn = new Column(new Table(right.alias), column.getColumnName());
                                equalities.add(new Expression[] {leftColumn, rightColumn});
                            }
                        }
                    }
                }
            }

            /** Whether an equality names a table added at or after ref index {@code from} (the joined one). */
            private boolean touches(Expression[] pair, int from) {
                for (Expression side : pair) {
                    Column column = (Column) side;
                    if (column.getTable() == null || column.getTable().getName() == null) {
                        return true; // unqualified: may be the joined table's; nodesOf decides later
                    }
                    String qualifier = unquote(column.getTable().getName());
                    for (int i = from; i < refs.size(); i++) {
                        if (refs.get(i).alias.equals(qualifier)) {
                            return true;
                        }
                    }
                }
                return false;
            }

            void addConjuncts(Expression where) {
                addConjuncts(where, false);
            }

            private void addConjuncts(Expression condition, boolean columnsOnly) {
                if (condition == null) {
                    return;
                }
                if (condition instanceof AndExpression and) {
                    addConjuncts(and.getLeftExpression(), columnsOnly);
                    addConjuncts(and.getRightExpression(), columnsOnly);
                } else if (condition instanceof Parenthesis parenthesis) {
                    addConjuncts(parenthesis.getExpression(), columnsOnly);
                } else if (condition instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
                    addConjuncts(list.get(0), columnsOnly);
                } else if (condition instanceof EqualsTo equals) {
                    Expression left = equals.getLeftExpression();
                    Expression right = equals.getRightExpression();
                    if (left instanceof Column && right instanceof Column && valueOf(left) == null
                            && valueOf(right) == null) { // 0b1010 and 0x1F reach us as names
                        equalities.add(new Expression[] {left, right});
                    } else if (!columnsOnly && left instanceof Column column && valueOf(right) != null) {
                        restrictions.add(new Object[] {column, List.of(valueOf(right))});
                    } else if (!columnsOnly && right instanceof Column column && valueOf(left) != null) {
                        restrictions.add(new Object[] {column, List.of(valueOf(left))});
                    }
                } else if (!columnsOnly && condition instanceof OrExpression or) {
                    // user_id = 1 OR user_id = 2 pins user_id to {1, 2}, as an IN list would; a column that
                    // some branch leaves free is not pinned by the OR at all.
                    Map<String, Object[]> pinned = pinnedByEveryBranch(or);
                    if (pinned != null) {
                        restrictions.addAll(pinned.values());
                    }
                } else if (!columnsOnly && condition instanceof InExpression in && !in.isNot()
                        && in.getLeftExpression() instanceof Column column
                        && in.getRightExpression() instanceof ExpressionList<?> list) {
                    List<ValueRef> values = new ArrayList<>();
                    for (Expression item : list) {
                        ValueRef value = valueOf(item);
                        if (value == null) {
                            return;
                        }
                        values.add(value);
                    }
                    restrictions.add(new Object[] {column, List.copyOf(values)});
                }
            }

            /**
             * For an OR: column -> {Column, values} for the columns every branch pins, with the union of the
             * branches' values; null if some branch pins nothing. Keys are the column as written, lower-case.
             */
            private Map<String, Object[]> pinnedByEveryBranch(Expression condition) {
                if (condition instanceof Parenthesis parenthesis) {
                    return pinnedByEveryBranch(parenthesis.getExpression());
                }
                if (condition instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
                    return pinnedByEveryBranch(list.get(0));
                }
                if (condition instanceof OrExpression or) {
                    Map<String, Object[]> left = pinnedByEveryBranch(or.getLeftExpression());
                    Map<String, Object[]> right = pinnedByEveryBranch(or.getRightExpression());
                    if (left == null || right == null) {
                        return null;
                    }
                    Map<String, Object[]> both = new LinkedHashMap<>();
                    for (Map.Entry<String, Object[]> entry : left.entrySet()) {
                        Object[] other = right.get(entry.getKey());
                        if (other != null) {
                            List<ValueRef> union = new ArrayList<>(values(entry.getValue()));
                            union.addAll(values(other));
                            both.put(entry.getKey(), new Object[] {entry.getValue()[0], List.copyOf(union)});
                        }
                    }
                    return both.isEmpty() ? null : both;
                }
                if (condition instanceof AndExpression and) {
                    Map<String, Object[]> left = pinnedByEveryBranch(and.getLeftExpression());
                    Map<String, Object[]> right = pinnedByEveryBranch(and.getRightExpression());
                    if (left == null) {
                        return right;
                    }
                    if (right != null) {
                        // Both sides hold, so either side's values bound the column; keep the shorter list.
                        for (Map.Entry<String, Object[]> entry : right.entrySet()) {
                            left.merge(entry.getKey(), entry.getValue(),
                                    (a, b) -> values(a).size() <= values(b).size() ? a : b);
                        }
                    }
                    return left;
                }
                Map<String, Object[]> single = new LinkedHashMap<>();
                if (condition instanceof EqualsTo equals) {
                    Expression left = equals.getLeftExpression();
                    Expression right = equals.getRightExpression();
                    if (left instanceof Column column && valueOf(right) != null) {
                        single.put(columnKey(column), new Object[] {column, List.of(valueOf(right))});
                    } else if (right instanceof Column column && valueOf(left) != null) {
                        single.put(columnKey(column), new Object[] {column, List.of(valueOf(left))});
                    }
                } else if (condition instanceof InExpression in && !in.isNot()
                        && in.getLeftExpression() instanceof Column column
                        && in.getRightExpression() instanceof ExpressionList<?> list) {
                    List<ValueRef> values = new ArrayList<>();
                    for (Expression item : list) {
                        ValueRef value = valueOf(item);
                        if (value == null) {
                            return null;
                        }
                        values.add(value);
                    }
                    single.put(columnKey(column), new Object[] {column, List.copyOf(values)});
                }
                return single.isEmpty() ? null : single;
            }

            @SuppressWarnings("unchecked")
            private List<ValueRef> values(Object[] restriction) {
                return (List<ValueRef>) restriction[1];
            }

            private String columnKey(Column column) {
                Table qualifier = column.getTable();
                String q = qualifier == null || qualifier.getName() == null ? "" : unquote(qualifier.getName());
                return q + "." + unquote(column.getColumnName());
            }

            /** Resolves a column to the refs it may belong to: in this scope, or an outer one when qualified. */
            private List<String> nodesOf(Column column) {
                String name = unquote(column.getColumnName());
                Table qualifier = column.getTable();
                if (qualifier != null && qualifier.getName() != null) {
                    String q = unquote(qualifier.getName());
                    for (Scope s = this; s != null; s = s.outer) {
                        for (int i = 0; i < s.refs.size(); i++) {
                            if (s.refs.get(i).alias.equals(q)) {
                                return List.of(s.key(i, name));
                            }
                        }
                    }
                    return List.of();
                }
                // Unqualified: MySQL resolves it to the one table of this scope that has it (else the statement
                // is ambiguous and fails there). Attributing it to each table here is therefore safe for the
                // table that really has it, and inert for those that do not.
                List<String> nodes = new ArrayList<>();
                for (int i = 0; i < refs.size(); i++) {
                    nodes.add(key(i, name));
                }
                return nodes;
            }

            private String key(int refIndex, String column) {
                return id + refIndex + "." + column;
            }

            /** Union-find over column nodes; outer scopes' solved classes seed their nodes, never the reverse. */
            void solve() {
                Map<String, String> parent = new HashMap<>();
                Map<String, List<List<ValueRef>>> values = new HashMap<>();
                for (Expression[] pair : equalities) {
                    for (String a : nodesOf((Column) pair[0])) {
                        for (String b : nodesOf((Column) pair[1])) {
                            union(parent, a, b);
                            // A subquery may tie its own tables to an enclosing one (correlation), but an
                            // equality between two enclosing tables inside it (NOT EXISTS (... o.k = i.k)) does
                            // not make the enclosing join co-located.
                            if (refOfLocal(a) != null || refOfLocal(b) != null) {
                                globalUnion(a, b);
                            }
                        }
                    }
                }
                for (Object[] restriction : restrictions) {
                    @SuppressWarnings("unchecked")
                    List<ValueRef> list = (List<ValueRef>) restriction[1];
                    for (String node : nodesOf((Column) restriction[0])) {
                        values.computeIfAbsent(find(parent, node), k -> new ArrayList<>()).add(list);
                    }
                }
                // Seed with what enclosing scopes already know of their own columns.
                for (String node : new ArrayList<>(parent.keySet())) {
                    List<List<ValueRef>> inherited = inheritedValues(node);
                    if (!inherited.isEmpty()) {
                        values.computeIfAbsent(find(parent, node), k -> new ArrayList<>()).addAll(inherited);
                    }
                }
                Set<String> nodes = new HashSet<>(parent.keySet());
                for (Object[] restriction : restrictions) {
                    nodes.addAll(nodesOf((Column) restriction[0]));
                }
                for (String node : nodes) {
                    List<List<ValueRef>> classValues = values.get(find(parent, node));
                    if (classValues == null) {
                        continue;
                    }
                    Ref ref = refOfLocal(node);
                    if (ref != null) {
                        String column = node.substring(node.indexOf('.') + 1);
                        solved.computeIfAbsent(ref, r -> new HashMap<>()).put(column, classValues);
                        ref.occurrence.constraints.put(column, List.copyOf(classValues));
                    }
                }
            }

            private List<List<ValueRef>> inheritedValues(String node) {
                for (Scope s = outer; s != null; s = s.outer) {
                    String prefix = s.id;
                    if (node.startsWith(prefix)) {
                        int dot = node.indexOf('.');
                        Ref ref = s.refs.get(Integer.parseInt(node.substring(prefix.length(), dot)));
                        Map<String, List<List<ValueRef>>> columns = s.solved.get(ref);
                        List<List<ValueRef>> known = columns == null ? null : columns.get(node.substring(dot + 1));
                        return known == null ? List.of() : known;
                    }
                }
                return List.of();
            }

            private Ref refOfLocal(String node) {
                String prefix = id;
                if (!node.startsWith(prefix)) {
                    return null;
                }
                return refs.get(Integer.parseInt(node.substring(prefix.length(), node.indexOf('.'))));
            }

            private String find(Map<String, String> parent, String node) {
                String root = node;
                while (parent.containsKey(root) && !parent.get(root).equals(root)) {
                    root = parent.get(root);
                }
                parent.putIfAbsent(node, node);
                parent.putIfAbsent(root, root);
                return root;
            }

            private void union(Map<String, String> parent, String a, String b) {
                String ra = find(parent, a);
                String rb = find(parent, b);
                if (!ra.equals(rb)) {
                    parent.put(ra, rb);
                }
            }

            /** The table a qualified column names, or null. */
            String tableOf(Column column) {
                Table qualifier = column.getTable();
                if (qualifier != null && qualifier.getName() != null) {
                    String q = unquote(qualifier.getName());
                    for (Ref ref : refs) {
                        if (ref.alias.equals(q)) {
                            return ref.occurrence.table;
                        }
                    }
                }
                return null;
            }

            void collectSubqueries(Expression expression) {
                if (expression == null) {
                    return;
                }
                // The adapter reaches subqueries through either overload depending on where they sit (EXISTS
                // takes the Select one), so both stop the descent and hand the query to its own scope.
                expression.accept(new ExpressionVisitorAdapter<Void>() {
                    @Override
                    public <S> Void visit(ParenthesedSelect select, S context) {
                        nested.add(select);
                        return null;
                    }

                    @Override
                    public <S> Void visit(Select select, S context) {
                        nested.add(select);
                        return null;
                    }
                }, null);
            }

            void analyzeNested() throws SQLException {
                for (Select select : nested) {
                    analyzeSelect(select, this);
                }
            }
        }
    }
}
