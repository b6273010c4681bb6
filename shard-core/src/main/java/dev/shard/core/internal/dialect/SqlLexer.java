package dev.shard.core.internal.dialect;

/**
 * The rules by which a database reads the characters of a statement: where quoted text and comments begin and
 * end, which characters make up a name, what is blank. Every place in Shard that looks at statement text without
 * parsing it (normalising literals, splitting INSERT rows, reading back the rewritten shard query, classifying text
 * the parser refuses) goes through one of these, so that each rule is written once per database.
 *
 * <p>Stateless and thread-safe. Indexes are into the {@code sql} string; "end" is exclusive.
 */
public interface SqlLexer {

    /** Whether {@code c} opens quoted text: a string or a quoted identifier. */
    boolean isQuote(char c);

    /** Whether {@code c} opens a string literal (as opposed to a quoted identifier). */
    boolean isStringQuote(char c);

    /**
     * The end of the quoted text that opens at {@code start} (where {@link #isQuote} holds), or -1 when it is never
     * closed.
     */
    int quotedEnd(String sql, int start);

    /**
     * If a comment starts at {@code i}, its end; -1 when it is a block comment that is never closed; {@code i} when
     * no comment starts there. A comment whose content the database runs counts as one here too: callers that run
     * it check {@link #executableCommentOpenerEnd} first.
     */
    int commentEnd(String sql, int i);

    /**
     * If a comment whose content the database runs as part of the statement opens at {@code i}, the end of its
     * opener (its content is code, to be read with the other rules); else -1. Such a comment closes with what
     * {@link #executableCommentCloserEnd} finds.
     */
    int executableCommentOpenerEnd(String sql, int i);

    /** If the closer of a comment opened by {@link #executableCommentOpenerEnd} is at {@code i}, its end; else -1. */
    int executableCommentCloserEnd(String sql, int i);

    /** Whether {@code c} separates tokens. */
    boolean isSpace(char c);

    /** Whether {@code c} may be part of an unquoted name. */
    boolean isIdentifierChar(char c);

    /** Visits the characters of code: those outside quoted text and comments. */
    @FunctionalInterface
    interface CodeVisitor {
        /** @return false to stop the scan */
        boolean visit(int index, char c);
    }

    /**
     * Calls {@code visitor} for each character of code from {@code from} on, in order, until it returns false or the
     * text ends. Quoted text and comments are stepped over whole (to the end of the text when never closed); the
     * content of an executable comment is code, its opener and closer are not.
     */
    default void scanCode(String sql, int from, CodeVisitor visitor) {
        int n = sql.length();
        int i = from;
        boolean inExecutable = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (isQuote(c)) {
                int end = quotedEnd(sql, i);
                i = end < 0 ? n : end;
                continue;
            }
            int closer = inExecutable ? executableCommentCloserEnd(sql, i) : -1;
            if (closer >= 0) {
                inExecutable = false;
                i = closer;
                continue;
            }
            int opener = inExecutable ? -1 : executableCommentOpenerEnd(sql, i);
            if (opener >= 0) {
                inExecutable = true;
                i = opener;
                continue;
            }
            int afterComment = commentEnd(sql, i);
            if (afterComment != i) {
                i = afterComment < 0 ? n : afterComment;
                continue;
            }
            if (!visitor.visit(i, c)) {
                return;
            }
            i++;
        }
    }

    /** The index of the first character at or after {@code i} that is neither blank nor inside a comment. */
    default int skipSpaceAndComments(String sql, int i) {
        int n = sql.length();
        while (i < n) {
            if (isSpace(sql.charAt(i))) {
                i++;
                continue;
            }
            int opener = executableCommentOpenerEnd(sql, i);
            if (opener >= 0) {
                i = opener;     // the content is code: its first word counts
                continue;
            }
            int afterComment = commentEnd(sql, i);
            if (afterComment == i) {
                return i;
            }
            i = afterComment < 0 ? n : afterComment;
        }
        return i;
    }
}
