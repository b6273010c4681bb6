package dev.shard.core.internal.sql;

/**
 * Small scanning steps over MySQL text, for the places that look at a statement's characters without parsing it
 * (splitting INSERT rows, reading the parameters back from a rewrite, classifying unparseable text).
 */
public final class SqlText {

    private SqlText() {
    }

    /** A statement as it goes into an error message: whole, unless it is long (a 50 KB batch of VALUES). */
    public static String abbreviate(String sql) {
        return sql.length() <= 500 ? sql : sql.substring(0, 500) + "...";
    }

    /**
     * The index just after a quoted string or identifier starting at {@code start} ('...', "..." or `...`), with
     * MySQL's escapes: a doubled quote, and a backslash except inside backticks.
     */
    public static int skipQuoted(String sql, int start) {
        char quote = sql.charAt(start);
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** If a comment ("-- ", "#" or a block comment) starts at {@code i}, the index just after it; else {@code i}. */
    public static int skipComment(String sql, int i) {
        int n = sql.length();
        char c = sql.charAt(i);
        if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-' || c == '#') {
            int end = sql.indexOf('\n', i);
            return end < 0 ? n : end;
        }
        if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
            int end = sql.indexOf("*/", i + 2);
            return end < 0 ? n : end + 2;
        }
        return i;
    }
}
