package dev.shard.core.internal.sql;

/** Statement text as messages show it. (Reading text is the dialect's {@code SqlLexer}.) */
public final class SqlText {

    private SqlText() {
    }

    /** A statement as it goes into an error message: whole, unless it is long (a 50 KB batch of VALUES). */
    public static String abbreviate(String sql) {
        return sql.length() <= 500 ? sql : sql.substring(0, 500) + "...";
    }
}
