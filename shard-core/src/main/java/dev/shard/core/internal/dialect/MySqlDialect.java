package dev.shard.core.internal.dialect;

import dev.shard.core.internal.merge.AggregateKind;
import dev.shard.core.internal.merge.NullOrder;
import dev.shard.core.internal.merge.ValueComparator;
import java.sql.Types;
import java.util.Locale;

/**
 * MySQL's (and MariaDB's) rules, under the default {@code sql_mode}.
 *
 * @param weightStrings whether the databases are MySQL or MariaDB servers, which have {@code WEIGHT_STRING}; false
 *                      for H2 in MySQL mode, where the merge approximates the collations
 */
public record MySqlDialect(boolean weightStrings) implements BaseDialect {

    /** The dialect for databases without {@code WEIGHT_STRING} (H2). */
    public MySqlDialect() {
        this(false);
    }

    private static final MySqlLexer LEXER = new MySqlLexer();
    private static final MySqlNormalizer NORMALIZER = new MySqlNormalizer(LEXER);
    /** NULL is MySQL's smallest value: first ascending, last descending. */
    private static final ValueComparator BINARY = new ValueComparator(NullOrder.LOWEST, MySqlCollation.BINARY);
    private static final ValueComparator CASE_INSENSITIVE =
            new ValueComparator(NullOrder.LOWEST, MySqlCollation.CASE_INSENSITIVE);

    /** {@code div_precision_increment}'s default: AVG (and '/') add this many decimal places. */
    private static final int DIV_PRECISION_INCREMENT = 4;
    /** DECIMAL's largest scale. */
    private static final int MAX_DECIMAL_SCALE = 30;
    private static final ResultType BIGINT = new ResultType(Types.BIGINT, "BIGINT", Long.class.getName(), 21, 0);

    @Override
    public Normalizer normalizer() {
        return NORMALIZER;
    }

    /**
     * One pair of backticks, double quotes (ANSI_QUOTES) or brackets (which the parser accepts) removed; lower
     * case, as table names compare with {@code lower_case_table_names} set and column names always do.
     */
    @Override
    public String canonicalName(String identifier) {
        if (identifier == null) {
            return null;
        }
        String n = identifier;
        if (n.length() >= 2) {
            char first = n.charAt(0);
            char last = n.charAt(n.length() - 1);
            if ((first == '`' && last == '`') || (first == '"' && last == '"') || (first == '[' && last == ']')) {
                n = n.substring(1, n.length() - 1);
            }
        }
        return n.toLowerCase(Locale.ROOT);
    }

    /** Backticks when the name is not a plain one ([0-9a-zA-Z$_] and U+0080 up, not only digits). */
    @Override
    public String identifier(String name) {
        boolean plain = !name.isEmpty();
        boolean digitsOnly = true;
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = LEXER.isIdentifierChar(c);
            digitsOnly &= BaseSqlLexer.isDigit(c);
        }
        return plain && !digitsOnly ? name : "`" + name.replace("`", "``") + "`";
    }

    @Override
    public ValueComparator comparator(boolean caseInsensitive) {
        return caseInsensitive ? CASE_INSENSITIVE : BINARY;
    }

    /**
     * Connector/J and MariaDB Connector/J report a string column case-sensitive exactly when its collation is
     * binary ({@code *_bin}, {@code binary}); any other collation ignores case (and accents, approximately).
     */
    @Override
    public boolean ignoresCase(int sqlType, boolean reportedCaseSensitive) {
        return isString(sqlType) && !reportedCaseSensitive;
    }

    /**
     * The merge computes SUM and AVG of exact values as BigDecimal (MySQL's DECIMAL), whatever the shard's partial
     * was: a shard that types SUM(int) as BIGINT (H2) would otherwise have its metadata promise a Long that
     * getObject does not return. AVG also gains MySQL's 4 decimal places ({@code div_precision_increment}) over
     * its argument. COUNT(DISTINCT) is a BIGINT. Floating-point and non-numeric columns keep the shard's type.
     */
    @Override
    public ResultType aggregateType(AggregateKind kind, int shardType, int shardScale) {
        boolean decimal = shardType == Types.DECIMAL || shardType == Types.NUMERIC;
        return switch (kind) {
            // GROUP_CONCAT: the shards' own GROUP_CONCAT column has the type (VARCHAR or TEXT by the max length).
            case COUNT, MIN, MAX, GROUP_CONCAT -> null;
            case COUNT_DISTINCT -> BIGINT;
            case SUM -> isExactInteger(shardType) ? decimal(0) : null;
            // The shards return the distinct values themselves; their sum is a DECIMAL (scale 4 unless integers).
            case SUM_DISTINCT -> isExactInteger(shardType) ? decimal(0) : decimal(4);
            case AVG, AVG_DISTINCT -> isExactInteger(shardType) || decimal
                    ? decimal(Math.min((decimal ? Math.max(shardScale, 0) : 0) + DIV_PRECISION_INCREMENT,
                    MAX_DECIMAL_SCALE))
                    : null;
        };
    }

    /** DECIMAL(65, scale): the widest MySQL has; the merged value is a BigDecimal. */
    private static ResultType decimal(int scale) {
        return new ResultType(Types.DECIMAL, "DECIMAL", java.math.BigDecimal.class.getName(), 65, scale);
    }

    private static boolean isExactInteger(int sqlType) {
        return switch (sqlType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> true;
            default -> false;
        };
    }

    private static boolean isString(int sqlType) {
        return switch (sqlType) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                    Types.CLOB -> true;
            default -> false;
        };
    }
}
