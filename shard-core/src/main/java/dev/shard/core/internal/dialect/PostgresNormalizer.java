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
 *
 * <p>The one change to the text is for the parser: JSqlParser cuts any string literal at a backslash followed by a
 * quote (it takes {@code \'} for MySQL's escaped quote, then backs off inconsistently), which in PostgreSQL is
 * {@code E'it\'s'}, {@code E'a\\'} or the standard string {@code 'C:\'}; the rest of the statement, a sharding
 * key among it, would then be misread. Such a literal is written as the same string without that sequence: in an
 * escape string {@code \'} becomes {@code ''} and {@code \\} becomes {@code \134} (the backslash's octal escape);
 * a standard string becomes an escape string with each backslash {@code \134}. PostgreSQL reads the new
 * text as the same statement, so it may also be sent to the shards (scatter queries are printed from the parse).
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
        return new NormalizedSql(sql.indexOf('\\') < 0 ? sql : withoutBackslashQuotes(sql), params, depth[1], false);
    }

    /** The text with each string literal that holds a backslash before a quote written without one. */
    private String withoutBackslashQuotes(String sql) {
        StringBuilder text = new StringBuilder(sql.length() + 8);
        int copied = 0;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (lexer.isQuote(c)) {
                int end = lexer.quotedEnd(sql, i);
                if (end < 0) {
                    break; // never closed: the server reports it as written
                }
                String literal = c == '\'' && backslashBeforeQuote(sql, i, end) ? rewritten(sql, i, end) : null;
                if (literal != null) {
                    text.append(sql, copied, i).append(literal);
                    copied = end;
                }
                i = end;
            } else {
                int afterComment = lexer.commentEnd(sql, i);
                if (afterComment < 0) {
                    break;
                }
                i = afterComment == i ? i + 1 : afterComment;
            }
        }
        return text.append(sql, copied, n).toString();
    }

    private static boolean backslashBeforeQuote(String sql, int start, int end) {
        for (int i = start + 1; i < end - 1; i++) {
            if (sql.charAt(i) == '\\' && sql.charAt(i + 1) == '\'') {
                return true;
            }
        }
        return false;
    }

    /**
     * The literal {@code sql[start, end)} (from its opening quote; an {@code E} before it stays) as the same string
     * without a backslash before a quote; null to leave it (a prefix such as {@code U&} the rewrite cannot keep).
     */
    private String rewritten(String sql, int start, int end) {
        boolean escapes = start > 0 && (sql.charAt(start - 1) == 'E' || sql.charAt(start - 1) == 'e')
                && (start < 2 || !lexer.isIdentifierChar(sql.charAt(start - 2)));
        if (!escapes && start > 0 && (lexer.isIdentifierChar(sql.charAt(start - 1)) || sql.charAt(start - 1) == '&')) {
            return null;
        }
        StringBuilder literal = new StringBuilder(end - start + 8).append(escapes ? "'" : "E'");
        int i = start + 1;
        while (i < end - 1) {
            char c = sql.charAt(i);
            if (c != '\\') {
                literal.append(c);
                i++;
            } else if (!escapes) {
                literal.append("\\134");
                i++;
            } else {
                // A backslash and the character it escapes, paired as the lexer paired them.
                char escaped = sql.charAt(i + 1);
                if (escaped == '\'') {
                    literal.append("''");
                } else if (escaped == '\\') {
                    literal.append("\\134"); // \\ may stand before a quote, or before a \' just made ''
                } else {
                    literal.append(c).append(escaped);
                }
                i += 2;
            }
        }
        return literal.append('\'').toString();
    }
}
