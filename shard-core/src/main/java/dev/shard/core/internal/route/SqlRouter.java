package dev.shard.core.internal.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.NormalizedSql;
import dev.shard.core.internal.dialect.ParamSource;
import dev.shard.core.internal.dialect.SqlLexer;
import dev.shard.core.internal.sql.SqlAnalyzer;
import dev.shard.core.internal.sql.SqlText;
import dev.shard.core.internal.sql.StatementKind;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Normalise, then plan through a bounded cache keyed by the normalised text: a statement that differs from an
 * earlier one only in its literals costs one lexer pass and a cache hit. A statement with no literal to lift
 * (the usual prepared statement: only '?') is also kept whole under its own text, so that preparing it again
 * costs a single lookup and no lexer pass.
 */
public final class SqlRouter {

    private final Dialect dialect;
    private final SqlAnalyzer analyzer;
    private final StatementPlanner planner;
    private final Cache<String, StatementPlan> plans;
    private final Cache<String, RoutedStatement> literalFree;

    /** @param dialect how statement text is normalised and read; the analyzer is built for the same one */
    public SqlRouter(ShardingRules rules, SqlAnalyzer analyzer, Dialect dialect, int cacheSize) {
        this.dialect = dialect;
        this.analyzer = analyzer;
        this.planner = new StatementPlanner(rules, dialect);
        this.plans = Caffeine.newBuilder().maximumSize(cacheSize).build();
        this.literalFree = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    public RoutedStatement prepare(String sql) throws SQLException {
        if (sql == null || sql.isBlank()) {
            throw new SQLException("SQL statement is empty", "42000");
        }
        RoutedStatement known = literalFree.getIfPresent(sql);
        if (known != null) {
            return known;
        }
        try {
            RoutedStatement routed = prepareChecked(sql);
            if (liftsNoLiteral(routed.normalized())) {
                // Only literal-free text is kept whole: text with literals would fill this cache with one entry
                // per value, where the plan cache already shares one entry among them.
                literalFree.put(sql, routed);
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
        StatementPlan plan = plans.getIfPresent(normalized.template());
        if (plan == null) {
            plan = planUncached(sql, normalized);
            if (plan == null) {
                // The template did not parse (a literal the normaliser should have kept); the original text
                // always carries its own literals, so plan that and bind nothing lifted.
                normalized = unnormalized(sql, normalized);
                plan = plans.getIfPresent(sql);
                if (plan == null) {
                    plan = plan(sql, sql);
                    plans.put(sql, plan);
                }
            } else {
                plans.put(normalized.template(), plan);
            }
        }
        return new RoutedStatement(sql, normalized, plan);
    }

    /** Null when a normalised template fails to parse, so that the caller retries with the original text. */
    private StatementPlan planUncached(String sql, NormalizedSql normalized) throws SQLException {
        if (!normalized.normalized() || normalized.template().equals(sql)) {
            return plan(normalized.template(), sql);
        }
        try {
            return planner.plan(analyzer.analyze(normalized.template()), normalized.template());
        } catch (java.sql.SQLSyntaxErrorException e) {
            return null;
        }
    }

    private StatementPlan plan(String text, String original) throws SQLException {
        try {
            return planner.plan(analyzer.analyze(text), text);
        } catch (java.sql.SQLSyntaxErrorException e) {
            if (isSessionStatement(firstWord(original, dialect.lexer()))) {
                // SET NAMES, SHOW ..., LOCK TABLES and other session statements the parser may not know: they
                // touch no sharded data, so they run where unruled statements run. Anything else that does not
                // parse is an error here, with the parser's position, rather than a guess at a shard.
                return planner.plan(new dev.shard.core.internal.sql.StatementShape(
                        StatementKind.OTHER, List.of(), null, List.of()));
            }
            throw e;
        }
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
