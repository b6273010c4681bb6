package dev.shard.core.internal.merge;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import java.util.List;

/**
 * The merge's building blocks as MySQL shards' results give them, for tests that build plans by hand: columns
 * whose values order as {@link MySqlDialect} says, and readable factories for keys, aggregates and expressions.
 */
final class MySqlMerge {

    static final Dialect DIALECT = new MySqlDialect();
    static final ValueComparator BINARY = DIALECT.comparator(false);
    static final ValueComparator CASE_INSENSITIVE = DIALECT.comparator(true);
    /** A column with no label and binary (case-sensitive) comparison, for non-string columns. */
    static final ColumnInfo PLAIN = of("");

    private MySqlMerge() {
    }

    // ---- columns

    /** A case-sensitive (binary) column. */
    static ColumnInfo of(String label) {
        return column(label, false);
    }

    /** A case- and accent-insensitive string column. */
    static ColumnInfo ci(String label) {
        return column(label, true);
    }

    static ColumnInfo column(String label, boolean caseInsensitive) {
        return new ColumnInfo(label, DIALECT.comparator(caseInsensitive));
    }

    /** MySQL's case- and accent-insensitive form of a string, as the merge compares it. */
    static String fold(String s) {
        return (String) CASE_INSENSITIVE.groupKey(s);
    }

    // ---- sort keys and aggregates over plain columns

    static SortKey asc(int column) {
        return SortKey.asc(column, PLAIN);
    }

    static SortKey desc(int column) {
        return SortKey.desc(column, PLAIN);
    }

    static AggregateColumn count(int column) {
        return new AggregateColumn(AggregateKind.COUNT, new ColumnRef(column, PLAIN), null);
    }

    static AggregateColumn sum(int column) {
        return new AggregateColumn(AggregateKind.SUM, new ColumnRef(column, PLAIN), null);
    }

    /** AVG from the partial {@code SUM(x)} in {@code sumColumn} and {@code COUNT(x)} in {@code countColumn}. */
    static AggregateColumn avg(int sumColumn, int countColumn) {
        return new AggregateColumn(AggregateKind.AVG, new ColumnRef(sumColumn, PLAIN),
                new ColumnRef(countColumn, PLAIN));
    }

    // ---- expressions; comparisons without a case-insensitive column compare as MySQL's binary collation

    static Expr col(int index, ColumnInfo info) {
        return new ColumnRef(index, info);
    }

    static Expr col(int index) {
        return new ColumnRef(index, PLAIN);
    }

    static Expr lit(Object value) {
        return new Expr.Literal(value);
    }

    static Expr eq(Expr left, Expr right) {
        return compare(Expr.CompareOp.EQ, left, right);
    }

    static Expr ne(Expr left, Expr right) {
        return compare(Expr.CompareOp.NE, left, right);
    }

    static Expr lt(Expr left, Expr right) {
        return compare(Expr.CompareOp.LT, left, right);
    }

    static Expr le(Expr left, Expr right) {
        return compare(Expr.CompareOp.LE, left, right);
    }

    static Expr gt(Expr left, Expr right) {
        return compare(Expr.CompareOp.GT, left, right);
    }

    static Expr ge(Expr left, Expr right) {
        return compare(Expr.CompareOp.GE, left, right);
    }

    static Expr nullSafeEq(Expr left, Expr right) {
        return compare(Expr.CompareOp.NULL_SAFE_EQ, left, right);
    }

    private static Expr compare(Expr.CompareOp op, Expr left, Expr right) {
        return new Expr.Comparison(op, left, right, BINARY);
    }

    static Expr and(Expr left, Expr right) {
        return new Expr.And(left, right);
    }

    static Expr or(Expr left, Expr right) {
        return new Expr.Or(left, right);
    }

    static Expr not(Expr operand) {
        return new Expr.Not(operand);
    }

    static Expr isNull(Expr operand) {
        return new Expr.IsNull(operand, false);
    }

    static Expr isNotNull(Expr operand) {
        return new Expr.IsNull(operand, true);
    }

    static Expr arithmetic(Expr.ArithmeticOp op, Expr left, Expr right) {
        return new Expr.Arithmetic(op, left, right);
    }

    static Expr between(Expr operand, Expr low, Expr high) {
        return new Expr.Between(operand, low, high, false, BINARY);
    }

    static Expr in(Expr operand, Expr... values) {
        return new Expr.InList(operand, List.of(values), false, BINARY);
    }

    static Expr notIn(Expr operand, Expr... values) {
        return new Expr.InList(operand, List.of(values), true, BINARY);
    }
}
