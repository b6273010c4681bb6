package dev.shard.core.internal.sql;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.SqlTokens;
import dev.shard.core.internal.dialect.SqlTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The tables of a DDL statement the parser cannot read. MySQL's DDL is larger than any parser's grammar of it
 * (Hibernate's {@code ALTER TABLE t DROP FOREIGN KEY fk} is one JSqlParser refuses), yet such a statement must
 * still reach every shard of a sharded table, or the shards' schemas drift apart. Only the statement's kind and the
 * names in a few fixed places are read, from the dialect's tokens; the rest of the text goes to the database,
 * which judges it.
 *
 * <p>Recognised: {@code ALTER [ONLINE|OFFLINE] [IGNORE] TABLE [IF EXISTS] t}, {@code CREATE [OR REPLACE]
 * [TEMPORARY] TABLE [IF NOT EXISTS] t}, {@code DROP [TEMPORARY] TABLE [IF EXISTS] t, ...}, {@code TRUNCATE [TABLE]
 * t}, {@code RENAME TABLE a TO b, ...}, and {@code CREATE/DROP ... INDEX ... ON t}; names may be qualified
 * ({@code db.t}) and quoted.
 */
final class UnparsedDdl {

    private static final Set<String> FIRST_WORDS = Set.of("alter", "create", "drop", "truncate", "rename");
    /** Words that may stand between the first word and TABLE or INDEX. */
    private static final Set<String> MODIFIERS = Set.of("or", "replace", "temporary", "online", "offline",
            "ignore", "unique", "fulltext", "spatial");

    private final List<Token> tokens;
    private final Dialect dialect;
    private int next;

    private UnparsedDdl(List<Token> tokens, Dialect dialect) {
        this.tokens = tokens;
        this.dialect = dialect;
    }

    /**
     * The shape of a DDL statement on tables, read from its tokens alone; null when the text is not such a statement
     * (the caller keeps the parser's error).
     *
     * @param parseError the parser's complaint, kept as the cause and in the message of a refusal
     * @throws java.sql.SQLSyntaxErrorException when it is DDL on a table but the table cannot be found in it
     */
    static StatementShape shape(String sql, Dialect dialect, Exception parseError)
            throws java.sql.SQLSyntaxErrorException {
        List<Token> tokens = SqlTokens.of(sql, dialect.lexer());
        int end = tokens.size();
        if (end > 0 && tokens.get(end - 1).is(';')) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            if (tokens.get(i).is(';')) {
                return null; // a second statement: never sent along with the first
            }
        }
        if (end == 0 || !FIRST_WORDS.contains(tokens.get(0).lowerCase())) {
            return null;
        }
        List<String> tables = new UnparsedDdl(tokens.subList(0, end), dialect).tables();
        if (tables == null) {
            return null;
        }
        if (tables.isEmpty()) {
            java.sql.SQLSyntaxErrorException refusal = new java.sql.SQLSyntaxErrorException(
                    (parseError == null ? "Cannot parse SQL" : parseError.getMessage())
                            + "; Shard cannot tell which table this DDL changes, so it cannot route it: "
                            + SqlText.abbreviate(sql), "42000");
            refusal.initCause(parseError);
            throw refusal;
        }
        List<TableOccurrence> occurrences = new ArrayList<>();
        for (String table : tables) {
            occurrences.add(new TableOccurrence(table, java.util.Map.of()));
        }
        return new StatementShape(StatementKind.DDL, occurrences, null, List.of());
    }

    /** The tables named, empty when they cannot be found, null when this is not DDL on a table or index. */
    private List<String> tables() {
        String verb = tokens.get(0).lowerCase();
        next = 1;
        if (verb.equals("truncate")) {
            accept("table");
            return oneName();
        }
        while (next < tokens.size() && MODIFIERS.contains(tokens.get(next).lowerCase())) {
            next++;
        }
        boolean table = accept("table");
        boolean index = !table && accept("index");
        if (!table && !index || index && !verb.equals("create") && !verb.equals("drop")) {
            return null;
        }
        if (index) {
            return nameAfterOn();
        }
        accept("if");
        accept("not");
        accept("exists");
        return switch (verb) {
            case "drop" -> names(false);
            case "rename" -> names(true);
            default -> oneName();
        };
    }

    /** {@code CREATE/DROP INDEX i ... ON t}: the name after the first ON outside parentheses. */
    private List<String> nameAfterOn() {
        int depth = 0;
        for (; next < tokens.size(); next++) {
            Token token = tokens.get(next);
            depth += token.is('(') ? 1 : token.is(')') ? -1 : 0;
            if (depth == 0 && token.is("on")) {
                next++;
                return oneName();
            }
        }
        return List.of();
    }

    /** A comma-separated list of names; for RENAME, of {@code a TO b} pairs. */
    private List<String> names(boolean pairs) {
        List<String> names = new ArrayList<>();
        do {
            String name = name();
            if (name == null) {
                return List.of();
            }
            names.add(name);
            if (pairs) {
                String target = accept("to") ? name() : null;
                if (target == null) {
                    return List.of();
                }
                names.add(target);
            }
        } while (acceptSymbol(','));
        return names;
    }

    private List<String> oneName() {
        String name = name();
        return name == null ? List.of() : List.of(name);
    }

    /** A possibly qualified name ({@code db.t}): its last part, canonical; null if no name stands here. */
    private String name() {
        String last = null;
        do {
            if (next >= tokens.size() || !tokens.get(next).isName()) {
                return null;
            }
            last = tokens.get(next++).text();
        } while (acceptSymbol('.'));
        return dialect.canonicalName(last);
    }

    private boolean accept(String keyword) {
        if (next < tokens.size() && tokens.get(next).is(keyword)) {
            next++;
            return true;
        }
        return false;
    }

    private boolean acceptSymbol(char symbol) {
        if (next < tokens.size() && tokens.get(next).is(symbol)) {
            next++;
            return true;
        }
        return false;
    }
}
