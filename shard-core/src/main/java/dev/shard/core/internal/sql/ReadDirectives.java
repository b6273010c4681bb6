package dev.shard.core.internal.sql;

import dev.shard.core.internal.dialect.SqlLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a query's text says about where it may run, for read/write splitting: whether it locks the rows it reads
 * ({@code FOR UPDATE}, {@code FOR SHARE}, {@code LOCK IN SHARE MODE}), which only the primary can do, and whether it
 * carries the hint comment {@code /* shard:primary *}{@code /}, which asks for the primary.
 *
 * <p>Read from the statement's own text with the dialect's lexer, so that the words inside strings, quoted names
 * and other comments do not count. The words are looked for anywhere in the code, not only at the end: a locking
 * clause may sit in a subquery or before a LIMIT, and a read sent to the primary by mistake is only slower.
 *
 * @param locks         the query takes row locks
 * @param primaryHinted the query carries the hint comment
 */
public record ReadDirectives(boolean locks, boolean primaryHinted) {

    /** The hint's text inside a block comment, compared without case and surrounding blanks. */
    public static final String PRIMARY_HINT = "shard:primary";

    public static ReadDirectives of(String sql, SqlLexer lexer) {
        List<String> words = new ArrayList<>();
        boolean hinted = false;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (lexer.isQuote(c)) {
                int end = lexer.quotedEnd(sql, i);
                i = end < 0 ? n : end;
                continue;
            }
            int opener = lexer.executableCommentOpenerEnd(sql, i);
            if (opener >= 0) {
                i = opener; // its content is code
                continue;
            }
            int afterComment = lexer.commentEnd(sql, i);
            if (afterComment != i) {
                int end = afterComment < 0 ? n : afterComment;
                hinted |= isHint(sql.substring(i, end));
                i = end;
                continue;
            }
            if (lexer.isIdentifierChar(c)) {
                int start = i;
                while (i < n && lexer.isIdentifierChar(sql.charAt(i))) {
                    i++;
                }
                words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
                continue;
            }
            if (!lexer.isSpace(c)) {
                words.add(String.valueOf(c)); // a symbol separates words: FOR(UPDATE) is not a clause
            }
            i++;
        }
        return new ReadDirectives(locks(words), hinted);
    }

    private static boolean isHint(String comment) {
        if (!comment.startsWith("/*") || !comment.endsWith("*/") || comment.length() < 4) {
            return false;
        }
        return comment.substring(2, comment.length() - 2).strip().equalsIgnoreCase(PRIMARY_HINT);
    }

    private static boolean locks(List<String> words) {
        for (int w = 0; w + 1 < words.size(); w++) {
            String word = words.get(w);
            String following = words.get(w + 1);
            if (word.equals("FOR") && (following.equals("UPDATE") || following.equals("SHARE"))) {
                return true;
            }
            if (word.equals("LOCK") && w + 3 < words.size() && following.equals("IN")
                    && words.get(w + 2).equals("SHARE") && words.get(w + 3).equals("MODE")) {
                return true;
            }
        }
        return false;
    }
}
