package dev.shard.core.internal.dialect;

/**
 * How MySQL (and MariaDB) reads statement text, under the default {@code sql_mode}:
 * <ul>
 *   <li>{@code '...'} and {@code "..."} are strings, {@code `...`} is an identifier. A doubled quote stands for the
 *       quote; in strings (not in backticks) a backslash escapes the next character.</li>
 *   <li>{@code #} and {@code -- } start a comment to the end of the line. The double dash needs a blank (or the end
 *       of the text) after it: {@code a--1} is {@code a - -1}. A line ends at {@code \n} or {@code \r}, as the
 *       drivers that count '?' markers have it.</li>
 *   <li>{@code /* ... *&#47;} is a comment, optimizer hints {@code /*+ ... *&#47;} included, except
 *       {@code /*!50001 ... *&#47;}: MySQL runs its content, so it is code here (its '?' are parameters, as
 *       Connector/J counts them), and only the opener with its version number and the closer are skipped.</li>
 *   <li>The blanks are the ASCII control characters and the space; an unquoted name is made of
 *       {@code [0-9a-zA-Z$_]} and any character from U+0080 up.</li>
 * </ul>
 */
final class MySqlLexer extends BaseSqlLexer {

    @Override
    public boolean isQuote(char c) {
        return c == '\'' || c == '"' || c == '`';
    }

    @Override
    public boolean isStringQuote(char c) {
        return c == '\'' || c == '"';
    }

    @Override
    public int quotedEnd(String sql, int start) {
        return closingQuoteEnd(sql, start, sql.charAt(start) != '`');
    }

    @Override
    public int commentEnd(String sql, int i) {
        int n = sql.length();
        char c = sql.charAt(i);
        char next = i + 1 < n ? sql.charAt(i + 1) : 0;
        if (c == '#' || c == '-' && next == '-' && (i + 2 >= n || isSpace(sql.charAt(i + 2)))) {
            return lineEnd(sql, i);
        }
        if (c == '/' && next == '*') {
            int close = sql.indexOf("*/", i + 2);
            return close < 0 ? -1 : close + 2;
        }
        return i;
    }

    @Override
    public int executableCommentOpenerEnd(String sql, int i) {
        if (!sql.startsWith("/*!", i)) {
            return -1;
        }
        int end = i + 3;
        while (end < sql.length() && isDigit(sql.charAt(end))) {
            end++;          // the version number is part of the opener, not a literal
        }
        return end;
    }

    @Override
    public int executableCommentCloserEnd(String sql, int i) {
        return sql.startsWith("*/", i) ? i + 2 : -1;
    }
}
