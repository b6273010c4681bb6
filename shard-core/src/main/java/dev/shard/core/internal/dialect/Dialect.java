package dev.shard.core.internal.dialect;

import dev.shard.core.internal.merge.AggregateKind;
import dev.shard.core.internal.merge.ValueComparator;

/**
 * What Shard itself does differently for each kind of database: how it reads statement text (the lexer, literal
 * normalisation, names), how it writes the bits of SQL it adds (a generated key column, the shards' LIMIT), and how
 * it orders and types the values it merges (NULL's place, collations, aggregate result types). The SQL parser stays
 * behind {@code SqlAnalyzer}; this is about Shard's own handling of text and values.
 *
 * <p>Chosen once per {@code ShardRuntime} and handed by constructor to everything that needs it; never looked up.
 * Implementations are stateless and thread-safe. {@link MySqlDialect} is the first (MariaDB reads the same).
 */
public interface Dialect {

    // ---- text

    /** The rules for quotes, comments, blanks and names, for every place that reads statement text. */
    SqlLexer lexer();

    /**
     * The statement with its literals lifted out into bind values, so that statements that differ only in their
     * literals share one template (and one cached plan). Never throws for non-null text: what cannot be normalised
     * comes back unchanged, with {@code normalized() == false}.
     */
    NormalizedSql normalize(String sql);

    /**
     * The name an identifier in a statement stands for, as Shard compares names (with each other and with the
     * configuration's, which are lower case): {@code `T_Order`} is {@code t_order}. Null for null.
     */
    String canonicalName(String identifier);

    /**
     * A name as Shard writes it into a statement (the generated key column an INSERT gains): unchanged when the
     * database reads it as it is, quoted otherwise.
     */
    String identifier(String name);

    /**
     * The clause that limits a query to {@code rowCount} rows (a number or a '?'), as the shards' query of a scatter
     * ends: {@code LIMIT 20}. The offset is never in it; the merge skips those rows.
     */
    String rowLimit(String rowCount);

    /**
     * The label the database gives an unaliased aggregate column, for the merged column where the rewrite replaced
     * the item (AVG, the DISTINCT kinds): MySQL labels it with the text as written ({@code AVG( amount )}).
     *
     * @param writtenText  the item as the statement spells it
     * @param functionName the aggregate's name as written
     */
    default String unaliasedLabel(String writtenText, String functionName) {
        return writtenText;
    }

    // ---- values

    /**
     * How the merge orders the values of a column whose strings compare case-insensitively or not: where NULL
     * sorts, and the collation. The binary one also serves literals and parameters compared with each other.
     */
    ValueComparator comparator(boolean caseInsensitive);

    /**
     * Whether a result column's strings compare case-insensitively, from what the driver reports of it: its JDBC
     * type ({@link java.sql.Types}) and {@code ResultSetMetaData.isCaseSensitive}.
     */
    boolean ignoresCase(int sqlType, boolean reportedCaseSensitive);

    /**
     * Whether the databases give each string its collation's sort key ({@code WEIGHT_STRING} in MySQL and
     * MariaDB): then a scatter query returns it beside each string it is merged by, and the merge compares that
     * instead of approximating the collation (see {@code KeyWeights}). False where the databases cannot (H2).
     */
    default boolean weightStrings() {
        return false;
    }

    /**
     * Whether the merge may compute arithmetic and functions over merged aggregates ({@code SUM(x) / COUNT(*)},
     * {@code ROUND(AVG(x), 2)}) for this database: its {@code Compute} step follows MySQL's rules. Where it returns
     * false such a query is refused on several shards; comparisons and logic over aggregates (HAVING
     * {@code COUNT(*) > 1}) still run.
     */
    default boolean mergeArithmetic() {
        return true;
    }

    /**
     * The type of an aggregate's merged column where it differs from the shards' column: the merge computes some
     * aggregates itself (a SUM of partial sums, an AVG from sums and counts), and their values have the type the
     * database would give the aggregate over all rows. Null when the shards' column type stands.
     *
     * @param shardType  the shards' column type ({@link java.sql.Types}): the partial aggregate, or for the
     *                   DISTINCT kinds the values themselves
     * @param shardScale that column's scale
     */
    ResultType aggregateType(AggregateKind kind, int shardType, int shardScale);
}
