package dev.shard.core.internal.dialect;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL statements are not normalised: their literals stay in the text, and only the user's '?' markers are
 * found. Why: a literal lifted into a bind value is typed by the value (pgjdbc sends a Java String as
 * {@code varchar}), whereas PostgreSQL types a quoted literal by its context ({@code date_col = '2024-01-01'}), so
 * lifting would change what statements mean. The cost is one plan-cache entry per distinct literal text; prepared
 * statements, which carry their values as parameters, share one entry as on MySQL.
 *
 * <p>A {@code ??} is pgjdbc's escape for a literal {@code ?} operator (jsonb), not a marker.
 */
final class PostgresNormalizer implements BaseDialect.Normalizer {

    private final PostgresLexer lexer;

    PostgresNormalizer(PostgresLexer lexer) {
        this.lexer = lexer;
    }

    @Override
    public SqlLexer lexer() {
        return lexer;
    }

    @Override
    public NormalizedSql normalize(String sql) {
        if (sql == null) {
            throw new NullPointerException("sql");
        }
        List<ParamSource> params = new ArrayList<>();
        int[] depth = {0, 0};
        int[] skipUntil = {-1};
        lexer.scanCode(sql, 0, (index, c) -> {
            if (index < skipUntil[0]) {
                return true;
            }
            if (c == '?') {
                if (index + 1 < sql.length() && sql.charAt(index + 1) == '?') {
                    skipUntil[0] = index + 2;
                } else {
                    params.add(new ParamSource.UserParameter(params.size() + 1));
                }
            } else if (c == '(') {
                depth[0]++;
                depth[1] = Math.max(depth[1], depth[0]);
            } else if (c == ')') {
                depth[0]--;
            }
            return true;
        });
        return new NormalizedSql(sql, params, depth[1], false);
    }
}
