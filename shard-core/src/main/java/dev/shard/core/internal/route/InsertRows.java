package dev.shard.core.internal.route;

import dev.shard.core.internal.dialect.SqlLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A multi-row INSERT's text cut into the part before its rows, each row, and the part after (ON DUPLICATE KEY
 * UPDATE ...), with the template parameters each part holds. Joining a subset of the rows back between prefix and
 * suffix gives the statement for one shard, with its parameters in order.
 *
 * @param rowParams template parameter indexes ('?' positions, 0-based) in each row, in order
 */
public record InsertRows(String prefix, List<String> rows, String suffix, int[] prefixParams,
                         List<int[]> rowParams, int[] suffixParams) {

    /**
     * Finds the rows in the text of an INSERT ... VALUES with {@code expectedRows} rows, or returns null if the
     * text does not have that shape (the caller then refuses to split it).
     *
     * @param lexer how the database reads the text: quotes and comments hide parentheses, commas and '?'
     */
    public static InsertRows split(String sql, int expectedRows, SqlLexer lexer) {
        int values = findValuesKeyword(sql, lexer);
        if (values < 0) {
            return null;
        }
        List<int[]> spans = new ArrayList<>();
        int i = values;
        int n = sql.length();
        while (true) {
            i = skipSpace(sql, i, lexer);
            if (i >= n || sql.charAt(i) != '(') {
                return null;
            }
            int end = matchingParen(sql, i, lexer);
            if (end < 0) {
                return null;
            }
            spans.add(new int[] {i, end + 1});
            int next = skipSpace(sql, end + 1, lexer);
            if (next < n && sql.charAt(next) == ',') {
                i = next + 1;
                continue;
            }
            i = end + 1;
            break;
        }
        if (spans.size() != expectedRows) {
            return null;
        }
        String prefix = sql.substring(0, spans.get(0)[0]);
        String suffix = sql.substring(i);
        int[] counter = {0};
        int[] prefixParams = params(prefix, counter, lexer);
        List<String> rows = new ArrayList<>();
        List<int[]> rowParams = new ArrayList<>();
        for (int r = 0; r < spans.size(); r++) {
            // What lies between rows (", ") is rejoined; params cannot hide there.
            String row = sql.substring(spans.get(r)[0], spans.get(r)[1]);
            rows.add(row);
            rowParams.add(params(row, counter, lexer));
        }
        int[] suffixParams = params(suffix, counter, lexer);
        return new InsertRows(prefix, rows, suffix, prefixParams, rowParams, suffixParams);
    }

    /** Number of '?' in the whole statement. */
    public int parameterCount() {
        int count = prefixParams.length + suffixParams.length;
        for (int[] row : rowParams) {
            count += row.length;
        }
        return count;
    }

    /**
     * The same INSERT with one more column, {@code column} (as the dialect writes the name), whose value in row r
     * is a new '?' numbered {@code parameterCount() + r}: how a generated key joins a statement that left it out.
     * Null if the column list cannot be found (INSERT ... VALUES without one).
     */
    public InsertRows withGeneratedColumn(String column) {
        int close = prefix.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String newPrefix = prefix.substring(0, close) + ", " + column + prefix.substring(close);
        int base = parameterCount();
        List<String> newRows = new ArrayList<>();
        List<int[]> newRowParams = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            String row = rows.get(r);
            int end = row.lastIndexOf(')');
            newRows.add(row.substring(0, end) + ", ?" + row.substring(end));
            int[] params = java.util.Arrays.copyOf(rowParams.get(r), rowParams.get(r).length + 1);
            params[params.length - 1] = base + r;
            newRowParams.add(params);
        }
        return new InsertRows(newPrefix, newRows, suffix, prefixParams, newRowParams, suffixParams);
    }

    /** The statement holding only the given rows (indexes in ascending order). */
    public String sqlFor(int[] rowIndexes) {
        StringBuilder sql = new StringBuilder(prefix);
        for (int i = 0; i < rowIndexes.length; i++) {
            if (i > 0) {
                sql.append(", ");
            }
            sql.append(rows.get(rowIndexes[i]));
        }
        return sql.append(suffix).toString();
    }

    /** The template parameter indexes of that statement, in '?' order. */
    public int[] paramsFor(int[] rowIndexes) {
        int count = prefixParams.length + suffixParams.length;
        for (int row : rowIndexes) {
            count += rowParams.get(row).length;
        }
        int[] result = new int[count];
        int k = 0;
        for (int p : prefixParams) {
            result[k++] = p;
        }
        for (int row : rowIndexes) {
            for (int p : rowParams.get(row)) {
                result[k++] = p;
            }
        }
        for (int p : suffixParams) {
            result[k++] = p;
        }
        return result;
    }

    private static int[] params(String text, int[] counter, SqlLexer lexer) {
        List<Integer> found = new ArrayList<>();
        lexer.scanCode(text, 0, (index, c) -> {
            if (c == '?') {
                found.add(counter[0]++);
            }
            return true;
        });
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Index just after the top-level VALUES (or VALUE) keyword, or -1. */
    private static int findValuesKeyword(String sql, SqlLexer lexer) {
        int[] result = {-1};
        int[] depth = {0};
        lexer.scanCode(sql, 0, (i, c) -> {
            if (c == '(') {
                depth[0]++;
            } else if (c == ')') {
                depth[0]--;
            } else if (depth[0] == 0 && (c == 'V' || c == 'v')
                    && (i == 0 || !lexer.isIdentifierChar(sql.charAt(i - 1)))) {
                for (String keyword : new String[] {"values", "value"}) {
                    int end = i + keyword.length();
                    if (end <= sql.length() && sql.substring(i, end).toLowerCase(Locale.ROOT).equals(keyword)
                            && (end == sql.length() || !lexer.isIdentifierChar(sql.charAt(end)))) {
                        result[0] = end;
                        return false;
                    }
                }
            }
            return true;
        });
        return result[0];
    }

    private static int matchingParen(String sql, int open, SqlLexer lexer) {
        int[] depth = {0};
        int[] close = {-1};
        lexer.scanCode(sql, open, (i, c) -> {
            if (c == '(') {
                depth[0]++;
            } else if (c == ')') {
                depth[0]--;
                if (depth[0] == 0) {
                    close[0] = i;
                    return false;
                }
            }
            return true;
        });
        return close[0];
    }

    private static int skipSpace(String sql, int i, SqlLexer lexer) {
        while (i < sql.length() && lexer.isSpace(sql.charAt(i))) {
            i++;
        }
        return i;
    }
}
