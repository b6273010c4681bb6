package dev.shard.core.internal.dialect;

/**
 * MySQL's (and MariaDB's) rules, under the default {@code sql_mode}. A record without components: every instance
 * is the same dialect, and equal to the others.
 */
public record MySqlDialect() implements Dialect {

    private static final MySqlLexer LEXER = new MySqlLexer();
    private static final MySqlNormalizer NORMALIZER = new MySqlNormalizer(LEXER);

    @Override
    public String name() {
        return "MySQL";
    }

    @Override
    public SqlLexer lexer() {
        return LEXER;
    }

    @Override
    public NormalizedSql normalize(String sql) {
        return NORMALIZER.normalize(sql);
    }

    /** Backticks when the name is not a plain one ([0-9a-zA-Z$_] and U+0080 up, not only digits). */
    @Override
    public String identifier(String name) {
        boolean plain = !name.isEmpty();
        boolean digitsOnly = true;
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = LEXER.isIdentifierChar(c);
            digitsOnly &= MySqlLexer.isDigit(c);
        }
        return plain && !digitsOnly ? name : "`" + name.replace("`", "``") + "`";
    }

    @Override
    public String rowLimit(String rowCount) {
        return "LIMIT " + rowCount;
    }
}
