package dev.shard.core.internal.sql;

import dev.shard.core.internal.dialect.SqlLexer;

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

    /** A statement's text says nothing about where it runs. */
    public static final ReadDirectives NONE = new ReadDirectives(false, false);

    /**
     * Reads the text once, allocating nothing but a hint comment's text: it runs once per routed text (and for
     * every execution of a statement with literals, whose text is routed anew); a TPC-C-like mix once spent about
     * a fifth of Shard's own allocation on a list of upper-cased words here. The
     * last three words are kept as positions in the text; a symbol ends a sequence, as FOR(UPDATE) is no clause.
     */
    public static ReadDirectives of(String sql, SqlLexer lexer) {
        boolean hinted = false;
        boolean locks = false;
        // Start and end of the last three words, most recent first; a start of -1 is a symbol (or nothing yet).
        int s1 = -1, e1 = -1, s2 = -1, e2 = -1, s3 = -1, e3 = -1;
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
                if (is(sql, s1, e1, "FOR") && (is(sql, start, i, "UPDATE") || is(sql, start, i, "SHARE"))
                        || is(sql, s3, e3, "LOCK") && is(sql, s2, e2, "IN") && is(sql, s1, e1, "SHARE")
                        && is(sql, start, i, "MODE")) {
                    locks = true;
                }
                s3 = s2;
                e3 = e2;
                s2 = s1;
                e2 = e1;
                s1 = start;
                e1 = i;
                continue;
            }
            if (!lexer.isSpace(c)) {
                s3 = s2;
                e3 = e2;
                s2 = s1;
                e2 = e1;
                s1 = -1;
                e1 = -1;
            }
            i++;
        }
        return new ReadDirectives(locks, hinted);
    }

    /** Whether the word at {@code start..end} of {@code sql} is {@code keyword}, ignoring case. */
    private static boolean is(String sql, int start, int end, String keyword) {
        return start >= 0 && end - start == keyword.length()
                && sql.regionMatches(true, start, keyword, 0, keyword.length());
    }

    private static boolean isHint(String comment) {
        if (!comment.startsWith("/*") || !comment.endsWith("*/") || comment.length() < 4) {
            return false;
        }
        return comment.substring(2, comment.length() - 2).strip().equalsIgnoreCase(PRIMARY_HINT);
    }
}
