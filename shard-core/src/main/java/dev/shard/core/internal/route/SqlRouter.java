package dev.shard.core.internal.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.NormalizedSql;
import dev.shard.core.internal.dialect.ParamSource;
import dev.shard.core.internal.dialect.SqlLexer;
import dev.shard.core.internal.sql.ReadDirectives;
import dev.shard.core.internal.sql.InsertShape;
import dev.shard.core.internal.sql.SqlAnalyzer;
import dev.shard.core.internal.sql.StatementShape;
import dev.shard.core.internal.sql.SqlText;
import dev.shard.core.internal.sql.StatementKind;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Normalise, then plan through a bounded cache keyed by the normalised text: a statement that differs from an
 * earlier one only in its literals costs one lexer pass and a cache hit.
 * A statement with no literal to lift (the usual prepared statement: only '?') is also kept whole under its own
 * text, so that preparing it again costs a single lookup and no lexer pass.
 */
public final class SqlRouter {

    private final Dialect dialect;
    private final SqlAnalyzer analyzer;
    private final StatementPlanner planner;
    private final ShardingRules rules;
    private final TableColumns tableColumns;
    private final Cache<String, Planned> plans;

    /**
     * A cached plan, and the generation of {@link TableColumns} it was made from when it depends on a table's
     * columns (an INSERT without a column list); -1 when it does not.
     */
    private record Planned(StatementPlan plan, long columnsGeneration) {
    }

    /** Literal-free statements by their own text; an entry holds while the table columns it saw are current. */
    private final Cache<String, Known> literalFree;

    private record Known(RoutedStatement routed, long columnsGeneration) {
    }

    /** @param dialect how statement text is normalised and read; the analyzer is built for the same one */
    public SqlRouter(ShardingRules rules, SqlAnalyzer analyzer, Dialect dialect, int cacheSize) {
        this(rules, analyzer, dialect, cacheSize, TableColumns.NONE);
    }

    /** @param tableColumns where the columns of a table come from, for an INSERT that lists none */
    public SqlRouter(ShardingRules rules, SqlAnalyzer analyzer, Dialect dialect, int cacheSize,
                     TableColumns tableColumns) {
        this.dialect = dialect;
        this.analyzer = analyzer;
        this.rules = rules;
        this.tableColumns = tableColumns;
        this.planner = new StatementPlanner(rules, dialect);
        this.plans = Caffeine.newBuilder().maximumSize(cacheSize).build();
        this.literalFree = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    public RoutedStatement prepare(String sql) throws SQLException {
        if (sql == null || sql.isBlank()) {
            throw new SQLException("SQL statement is empty", "42000");
        }
        Known known = literalFree.getIfPresent(sql);
        if (known != null && known.columnsGeneration() == tableColumns.generation()) {
            return known.routed();
        }
        try {
            long generation = tableColumns.generation();
            RoutedStatement routed = AnalysisGuard.run(sql, analyzer.timeoutMillis(), () -> prepareChecked(sql));
            if (liftsNoLiteral(routed.normalized())) {
                // Only literal-free text is kept whole: text with literals would fill this cache with one entry
                // per value, where the plan cache already shares one entry among them.
                literalFree.put(sql, new Known(routed, generation));
            }
            return routed;
        } catch (RuntimeException e) {
            // A parser or analyser defect must not reach the application as an unchecked exception.
            throw new SQLException("Shard could not analyse the statement (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); please report it: " + SqlText.abbreviate(sql),
                    "HY000", e);
        }
    }

    private RoutedStatement prepareChecked(String sql) throws SQLException {
        NormalizedSql normalized = dialect.normalize(sql);
        AnalysisGuard.refuseDeepNesting(normalized.maxParenDepth(), sql);
        StatementPlan plan = cached(normalized.template());
        if (plan == null) {
            plan = planUncached(sql, normalized);
            if (plan == null) {
                // The template did not parse (a literal the normaliser should have kept); the original text
                // always carries its own literals, so plan that and bind nothing lifted.
                normalized = unnormalized(sql, normalized);
                plan = cached(sql);
                if (plan == null) {
                    plan = plan(sql, sql, sql);
                }
            }
        }
        ReadDirectives directives = plan.kind() == StatementKind.SELECT ? ReadDirectives.of(sql, dialect.lexer())
                : ReadDirectives.NONE;
        return new RoutedStatement(sql, normalized, plan, directives);
    }

    /** The cached plan of a text, unless it was made from table columns that have been read again since. */
    private StatementPlan cached(String text) {
        Planned planned = plans.getIfPresent(text);
        if (planned == null
                || planned.columnsGeneration() >= 0 && planned.columnsGeneration() != tableColumns.generation()) {
            return null;
        }
        return planned.plan();
    }

    /** Null when a normalised template fails to parse, so that the caller retries with the original text. */
    private StatementPlan planUncached(String sql, NormalizedSql normalized) throws SQLException {
        if (!normalized.normalized() || normalized.template().equals(sql)) {
            return plan(normalized.template(), sql, normalized.template());
        }
        StatementShape shape;
        try {
            shape = analyzer.analyze(normalized.template());
        } catch (java.sql.SQLSyntaxErrorException e) {
            return null;
        }
        return planAndCache(shape, normalized.template(), normalized.template());
    }

    private StatementPlan plan(String text, String original, String cacheKey) throws SQLException {
        StatementShape shape;
        try {
            shape = analyzer.analyze(text);
        } catch (java.sql.SQLSyntaxErrorException e) {
            if (isSessionStatement(firstWord(original, dialect.lexer()))) {
                // SET NAMES, SHOW ..., LOCK TABLES and other session statements the parser may not know: they
                // touch no sharded data, so they run where unruled statements run. Anything else that does not
                // parse is an error here, with the parser's position, rather than a guess at a shard.
                shape = new StatementShape(StatementKind.OTHER, List.of(), null, List.of());
            } else {
                throw e;
            }
        }
        return planAndCache(shape, text, cacheKey);
    }

    private StatementPlan planAndCache(StatementShape shape, String text, String cacheKey) throws SQLException {
        long generation = tableColumns.generation();
        InsertShape insert = shape.insert();
        boolean needsColumns = insert != null && insert.columns().isEmpty()
                && rules.shardingColumn(insert.table()) != null;
        StatementPlan plan;
        if (needsColumns) {
            InsertColumns filled = InsertColumns.fill(insert, tableColumns, rules);
            if (filled.refusal() != null) {
                // Not cached: the next execution asks the database again, which may have changed by then.
                return new StatementPlan.Rejected(shape.kind(), filled.refusal(), false);
            }
            plan = planner.plan(filled.insert() == null ? shape : shape.withInsert(filled.insert()), text);
        } else {
            plan = planner.plan(shape, text);
        }
        plans.put(cacheKey, new Planned(plan, needsColumns ? generation : -1));
        return plan;
    }

    private static boolean liftsNoLiteral(NormalizedSql normalized) {
        for (ParamSource param : normalized.params()) {
            if (!(param instanceof ParamSource.UserParameter)) {
                return false;
            }
        }
        return true;
    }

    private static NormalizedSql unnormalized(String sql, NormalizedSql normalized) {
        List<ParamSource> userOnly = normalized.params().stream()
                .filter(p -> p instanceof ParamSource.UserParameter).toList();
        return new NormalizedSql(sql, userOnly, normalized.maxParenDepth(), false);
    }

    private static boolean isSessionStatement(String firstWord) {
        return switch (firstWord) {
            case "set", "show", "use", "describe", "desc", "explain", "lock", "unlock", "begin", "start", "commit",
                    "rollback", "savepoint", "release", "flush", "analyze", "optimize", "check", "checksum",
                    "repair", "kill", "do", "xa", "grant", "revoke", "help", "reset", "purge", "cache", "install",
                    "uninstall", "handler" -> true;
            default -> false;
        };
    }

    /** First keyword, skipping blanks and comments; good enough to classify unparseable text. */
    static String firstWord(String sql, SqlLexer lexer) {
        int n = sql.length();
        int i = lexer.skipSpaceAndComments(sql, 0);
        if (i < n && sql.charAt(i) == '(') {
            return "(";
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toLowerCase(Locale.ROOT);
    }

    /** Number of cached plans; for tests and metrics. */
    public long cachedPlans() {
        plans.cleanUp();
        return plans.estimatedSize();
    }
}
