package dev.shard.core.internal.dialect;

/**
 * The rules MySQL's and PostgreSQL's lexers share, so that each of them says only how its database differs: the
 * blanks are the ASCII control characters and the space; an unquoted name is made of {@code [0-9a-zA-Z$_]} and any
 * character from U+0080 up; quoted text ends at its quote unless the quote is doubled; a line comment ends at
 * {@code \n} or {@code \r}.
 */
abstract class BaseSqlLexer implements SqlLexer {

    @Override
    public final boolean isSpace(char c) {
        return c <= ' ';
    }

    @Override
    public final boolean isIdentifierChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_' || c == '$' || c >= 0x80;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * The end of the text quoted by the character at {@code start}, a doubled quote standing for one, or -1 when it
     * is never closed.
     *
     * @param backslashEscapes whether a backslash inside escapes the next character
     */
    static int closingQuoteEnd(String sql, int start, boolean backslashEscapes) {
        char quote = sql.charAt(start);
        int n = sql.length();
        int i = start + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\\' && backslashEscapes) {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /** The end of a comment that runs from {@code start} to the end of its line (not taking the line break). */
    static int lineEnd(String sql, int start) {
        int end = start;
        while (end < sql.length() && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
            end++;
        }
        return end;
    }
}
