package dev.shard.core.internal.sql;

/**
 * An independent, deliberately naive reference for the tests: counts the '?' of a text that lie outside strings,
 * quoted identifiers and comments (MySQL lexing, default sql_mode). Content of {@code /*! ... *}{@code /} executable
 * comments counts, as MySQL runs it. Text after an unterminated string or comment is inside it, so it does not count.
 */
final class Placeholders {

    private Placeholders() {
    }

    static int count(String s) {
        int count = 0;
        boolean exec = false;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(s, i);
                if (i < 0) {
                    return count;
                }
            } else if (c == '#' || c == '-' && s.startsWith("-", i + 1) && (i + 2 >= n || s.charAt(i + 2) <= ' ')) {
                while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                    i++;
                }
            } else if (c == '/' && s.startsWith("*", i + 1)) {
                if (!exec && s.startsWith("!", i + 2)) {
                    exec = true;
                    i += 3;
                } else {
                    int end = s.indexOf("*/", i + 2);
                    if (end < 0) {
                        return count;
                    }
                    i = end + 2;
                }
            } else if (exec && c == '*' && s.startsWith("/", i + 1)) {
                exec = false;
                i += 2;
            } else {
                if (c == '?') {
                    count++;
                }
                i++;
            }
        }
        return count;
    }

    private static int skipQuoted(String s, int start) {
        char q = s.charAt(start);
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && q != '`') {
                i += 2;
            } else if (c == q) {
                if (i + 1 < s.length() && s.charAt(i + 1) == q) {
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
}
