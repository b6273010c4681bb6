package dev.shard.core.internal.dialect;

/**
 * What the MySQL and PostgreSQL dialects do alike, so that each says only how its database differs: statement text
 * goes through the dialect's normaliser and the lexer that normaliser reads with, and the shards' row limit is a
 * {@code LIMIT} clause.
 */
interface BaseDialect extends Dialect {

    /** Lifts literals out of statements, reading them with the dialect's lexer. */
    interface Normalizer {

        SqlLexer lexer();

        NormalizedSql normalize(String sql);
    }

    /** The dialect's normaliser: the one piece of text handling each dialect chooses. */
    Normalizer normalizer();

    @Override
    default SqlLexer lexer() {
        return normalizer().lexer();
    }

    @Override
    default NormalizedSql normalize(String sql) {
        return normalizer().normalize(sql);
    }

    @Override
    default String rowLimit(String rowCount) {
        return "LIMIT " + rowCount;
    }
}
