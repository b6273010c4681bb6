package dev.shard.core.internal.dialect;

import dev.shard.core.internal.merge.AggregateKind;
import dev.shard.core.internal.merge.Collation;
import dev.shard.core.internal.merge.NullOrder;
import dev.shard.core.internal.merge.ValueComparator;
import java.math.BigDecimal;
import java.sql.Types;
import java.util.Locale;

/**
 * PostgreSQL's rules (15 and later, {@code standard_conforming_strings} on).
 *
 * <p>Strings merge by code point, which is PostgreSQL's order under the {@code C}, {@code POSIX} and
 * {@code C.UTF-8} collations. PostgreSQL has no {@code WEIGHT_STRING}: there is no sort key the shards could return
 * for a linguistic collation (a glibc locale such as {@code en_US.UTF-8}, or ICU), and Java's collators do not
 * order as glibc's or the server's ICU version do. So where the databases' collation is one of those, a scatter
 * query that must order, group or take MIN/MAX of strings fails with an error naming the collation instead of
 * returning rows in an order one database would not; numbers, dates and the rest merge as usual.
 *
 * @param collation the databases' collation ({@code datcollate}), as the servers report it; null when unknown
 */
public record PostgresDialect(String collation) implements BaseDialect {

    private static final PostgresLexer LEXER = new PostgresLexer();
    private static final PostgresNormalizer NORMALIZER = new PostgresNormalizer(LEXER);
    private static final ResultType BIGINT = new ResultType(Types.BIGINT, "int8", Long.class.getName(), 19, 0);
    private static final ResultType NUMERIC =
            new ResultType(Types.NUMERIC, "numeric", BigDecimal.class.getName(), 0, 0);

    /** The dialect for databases with a code-point collation ({@code C.UTF-8}). */
    public PostgresDialect() {
        this("C.UTF-8");
    }

    @Override
    public Normalizer normalizer() {
        return NORMALIZER;
    }

    /**
     * A double-quoted name keeps its case (a doubled quote inside standing for one); any other folds to lower
     * case, as PostgreSQL folds unquoted names.
     */
    @Override
    public String canonicalName(String identifier) {
        if (identifier == null) {
            return null;
        }
        if (identifier.length() >= 2 && identifier.charAt(0) == '"' && identifier.charAt(identifier.length() - 1) == '"') {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        return identifier.toLowerCase(Locale.ROOT);
    }

    /** Double quotes unless the name reads back as itself unquoted: lower case letters, digits, '_', '$'. */
    @Override
    public String identifier(String name) {
        boolean plain = !name.isEmpty() && !Character.isDigit(name.charAt(0)) && name.charAt(0) != '$';
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '$';
        }
        return plain ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** PostgreSQL names an unaliased function call's column after the function: {@code avg}. */
    @Override
    public String unaliasedLabel(String writtenText, String functionName) {
        return canonicalName(functionName);
    }

    @Override
    public ValueComparator comparator(boolean caseInsensitive) {
        Collation strings = PostgresCollation.isCodePoint(collation) ? PostgresCollation.CODE_POINT
                : new UnreproducedCollation(collation);
        return new ValueComparator(NullOrder.HIGHEST, strings, PostgresArithmetic.INSTANCE);
    }

    /** PostgreSQL divides integers as integers and scales numerics its own way; the merge's Compute is MySQL's. */
    @Override
    public boolean mergeArithmetic() {
        return false;
    }

    /** Case-insensitive types ({@code citext}) are not told apart: every string compares as the collation says. */
    @Override
    public boolean ignoresCase(int sqlType, boolean reportedCaseSensitive) {
        return false;
    }

    /**
     * COUNT and SUM keep the shards' types (the partial SUM is already {@code bigint} or {@code numeric});
     * SUM(DISTINCT) of {@code smallint}/{@code integer} is {@code bigint}, of {@code bigint}/{@code numeric} a
     * {@code numeric}; AVG of exact numbers is a {@code numeric}; COUNT(DISTINCT) a {@code bigint}.
     */
    @Override
    public ResultType aggregateType(AggregateKind kind, int shardType, int shardScale) {
        boolean exact = shardType == Types.DECIMAL || shardType == Types.NUMERIC || shardType == Types.BIGINT;
        boolean small = shardType == Types.SMALLINT || shardType == Types.INTEGER || shardType == Types.TINYINT;
        return switch (kind) {
            case COUNT, MIN, MAX, GROUP_CONCAT, SUM -> null;
            case COUNT_DISTINCT -> BIGINT;
            case SUM_DISTINCT -> small ? BIGINT : exact ? NUMERIC : null;
            case AVG, AVG_DISTINCT -> small || exact ? NUMERIC : null;
        };
    }

    /** A collation the merge cannot reproduce: comparing two strings by it fails with the reason. */
    private record UnreproducedCollation(String name) implements Collation {

        @Override
        public int compare(String a, String b) {
            throw refusal();
        }

        @Override
        public String key(String s) {
            throw refusal();
        }

        @Override
        public int compareKeys(String a, String b) {
            throw refusal();
        }

        @Override
        public boolean caseInsensitive() {
            return false;
        }

        private IllegalArgumentException refusal() {
            return new IllegalArgumentException("the databases' collation " + name + " orders strings in a way the"
                    + " merge cannot reproduce (PostgreSQL gives no sort keys); order, group or take MIN/MAX of"
                    + " strings across shards only under a code-point collation (C, POSIX, C.UTF-8), or add"
                    + " COLLATE \"C\" to the expression");
        }
    }
}
