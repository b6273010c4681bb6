package dev.shard.core.internal.dialect;

/**
 * How PostgreSQL reads statement text (with {@code standard_conforming_strings} on, its default since 9.1):
 * <ul>
 *   <li>{@code '...'} is a string in which a doubled quote stands for the quote and a backslash is an ordinary
 *       character; {@code E'...'} (also {@code e'...'}) is a string in which a backslash escapes the next
 *       character. {@code $tag$...$tag$} (the tag may be empty) is a string with no escapes at all.</li>
 *   <li>{@code "..."} is an identifier, a doubled double quote standing for one.</li>
 *   <li>{@code --} starts a comment to the end of the line, with or without a blank after it; {@code /* ... *&#47;}
 *       comments nest. There is no {@code #} comment and no comment whose content runs.</li>
 *   <li>An unquoted name is made of letters, digits, {@code _}, {@code $} (not first) and any character from
 *       U+0080 up.</li>
 * </ul>
 */
final class PostgresLexer extends BaseSqlLexer {

    @Override
    public boolean isQuote(char c) {
        return c == '\'' || c == '"' || c == '$';
    }

    @Override
    public boolean isStringQuote(char c) {
        return c == '\'' || c == '$';
    }

    /**
     * A {@code $} that opens no dollar quote (inside a name such as {@code a$b}, or a {@code $1} parameter) is a
     * one-character token: its end is the next character.
     */
    @Override
    public int quotedEnd(String sql, int start) {
        char quote = sql.charAt(start);
        if (quote == '$') {
            return dollarQuotedEnd(sql, start);
        }
        boolean escapeString = quote == '\'' && start > 0
                && (sql.charAt(start - 1) == 'E' || sql.charAt(start - 1) == 'e')
                && (start < 2 || !isIdentifierChar(sql.charAt(start - 2)));
        return closingQuoteEnd(sql, start, escapeString);
    }

    private int dollarQuotedEnd(String sql, int start) {
        if (start > 0 && isIdentifierChar(sql.charAt(start - 1))) {
            return start + 1;       // part of a name: a$b
        }
        int n = sql.length();
        int tagEnd = start + 1;
        while (tagEnd < n && sql.charAt(tagEnd) != '$') {
            char c = sql.charAt(tagEnd);
            boolean tagChar = c == '_' || Character.isLetter(c) || c >= 0x80 || (tagEnd > start + 1 && isDigit(c));
            if (!tagChar) {
                return start + 1;   // $1, or a lone '$'
            }
            tagEnd++;
        }
        if (tagEnd >= n) {
            return start + 1;
        }
        String tag = sql.substring(start, tagEnd + 1);
        int close = sql.indexOf(tag, tagEnd + 1);
        return close < 0 ? -1 : close + tag.length();
    }

    @Override
    public int commentEnd(String sql, int i) {
        int n = sql.length();
        char c = sql.charAt(i);
        char next = i + 1 < n ? sql.charAt(i + 1) : 0;
        if (c == '-' && next == '-') {
            return lineEnd(sql, i);
        }
        if (c == '/' && next == '*') {
            int depth = 1;
            int j = i + 2;
            while (j < n) {
                if (sql.startsWith("/*", j)) {
                    depth++;
                    j += 2;
                } else if (sql.startsWith("*/", j)) {
                    if (--depth == 0) {
                        return j + 2;
                    }
                    j += 2;
                } else {
                    j++;
                }
            }
            return -1;
        }
        return i;
    }

    @Override
    public int executableCommentOpenerEnd(String sql, int i) {
        return -1;
    }

    @Override
    public int executableCommentCloserEnd(String sql, int i) {
        return -1;
    }
}
