package dev.shard.core.internal.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A statement cut into tokens by a {@link SqlLexer}'s rules: words (keywords and unquoted names), quoted names,
 * strings and single-character symbols, with blanks and comments dropped and an executable comment's content kept
 * as code. No grammar: for the few places that must recognise a statement the parser cannot read (the kind of a
 * DDL statement and the table it names), not for understanding it.
 */
public final class SqlTokens {

    public enum Kind {
        /** A run of name characters: a keyword, an unquoted name or a number. */
        WORD,
        /** A name in the dialect's identifier quotes, quotes included. */
        QUOTED_NAME,
        /** A string literal, quotes included. */
        STRING,
        /** Any other character, one per token. */
        SYMBOL
    }

    /** @param start the token's offset in the statement */
    public record Token(Kind kind, String text, int start) {

        /** Whether this is the word {@code keyword}, in any case. */
        public boolean is(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }

        /** Whether this is the symbol {@code c}. */
        public boolean is(char c) {
            return kind == Kind.SYMBOL && text.charAt(0) == c;
        }

        /** Whether it can stand for a name: a word or a quoted name. */
        public boolean isName() {
            return kind == Kind.WORD || kind == Kind.QUOTED_NAME;
        }

        public String lowerCase() {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    private SqlTokens() {
    }

    /** Every token of {@code sql}, in order; unclosed quotes and comments run to the end of the text. */
    public static List<Token> of(String sql, SqlLexer lexer) {
        List<Token> tokens = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        boolean inExecutable = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (lexer.isSpace(c)) {
                i++;
                continue;
            }
            int closer = inExecutable ? lexer.executableCommentCloserEnd(sql, i) : -1;
            if (closer >= 0) {
                inExecutable = false;
                i = closer;
                continue;
            }
            int opener = inExecutable ? -1 : lexer.executableCommentOpenerEnd(sql, i);
            if (opener >= 0) {
                inExecutable = true;
                i = opener;
                continue;
            }
            int afterComment = lexer.commentEnd(sql, i);
            if (afterComment != i) {
                i = afterComment < 0 ? n : afterComment;
                continue;
            }
            int end;
            Kind kind;
            if (lexer.isQuote(c)) {
                end = lexer.quotedEnd(sql, i);
                end = end < 0 ? n : end;
                kind = lexer.isStringQuote(c) ? Kind.STRING : Kind.QUOTED_NAME;
            } else if (lexer.isIdentifierChar(c)) {
                end = i + 1;
                while (end < n && lexer.isIdentifierChar(sql.charAt(end))) {
                    end++;
                }
                kind = Kind.WORD;
            } else {
                end = i + 1;
                kind = Kind.SYMBOL;
            }
            tokens.add(new Token(kind, sql.substring(i, end), i));
            i = end;
        }
        return tokens;
    }
}
