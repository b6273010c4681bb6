package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A scalar expression over a merged row, for predicates the shards cannot evaluate: HAVING on global aggregates.
 * Evaluation follows MySQL: SQL NULL is {@code null}; comparisons and logic are three-valued (a comparison with
 * NULL is NULL, i.e. unknown); comparisons return {@code Boolean} (MySQL's 1 and 0); numbers compare by value
 * whatever their type, strings by {@link ValueComparator} in the collation of the column they come from, a
 * string with a number as doubles (MySQL's conversion); arithmetic is exact (integer, or DECIMAL with MySQL's
 * scales) unless a DOUBLE is involved, and division or modulo by zero is NULL.
 *
 * <p>The analysis builds the tree with {@link Slot} and {@link Param} leaves, which name a column of the shard
 * query and a '?' of the statement; {@link #resolve} replaces them with one execution's {@link ColumnRef}s and
 * {@link Literal}s. Only a resolved tree can be evaluated, and {@link Filter} accepts only that.
 */
public sealed interface Expr permits Slot, ColumnRef, Expr.Literal, Expr.Param, Expr.Comparison, Expr.And, Expr.Or,
        Expr.Not, Expr.IsNull, Expr.Arithmetic, Expr.Between, Expr.InList, ScalarFunction {

    Object eval(RowView row) throws SQLException;

    /** SQL-like text for EXPLAIN, e.g. {@code cnt > 10 AND (total IS NOT NULL)}. */
    String describe();

    /** This expression with its slots and parameters replaced by one execution's columns and values. */
    Expr resolve(Resolver resolver) throws SQLException;

    /** The expressions this one is computed from; none for a leaf. */
    List<Expr> operands();

    /** Whether no slot or parameter is left in the tree. Leaves answer for themselves. */
    default boolean isResolved() {
        for (Expr operand : operands()) {
            if (!operand.isResolved()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks that every column read exists in an input of {@code columnCount} columns. Leaves answer for
     * themselves.
     *
     * @throws IllegalArgumentException for an unresolved leaf
     */
    default void checkColumns(String step, int columnCount) throws SQLException {
        for (Expr operand : operands()) {
            operand.checkColumns(step, columnCount);
        }
    }

    /** A constant: Long, BigDecimal, Double, String, Boolean, a date or time, byte[], or {@code null}. */
    record Literal(Object value) implements Expr {
        public Literal {
            if (value instanceof Expr) {
                throw new IllegalArgumentException("a literal holds a value, not an expression: " + value);
            }
        }

        @Override
        public Object eval(RowView row) {
            return value;
        }

        @Override
        public String describe() {
            return SqlValues.literal(value);
        }

        @Override
        public Expr resolve(Resolver resolver) {
            return this;
        }

        @Override
        public List<Expr> operands() {
            return List.of();
        }
    }

    /** The {@code index}-th (0-based) '?' of the normalised statement: a {@link Literal} once resolved. */
    record Param(int index) implements Expr {
        public Param {
            if (index < 0) {
                throw new IllegalArgumentException("index must be >= 0: " + index);
            }
        }

        @Override
        public Object eval(RowView row) throws SQLException {
            throw new SQLException("merge: parameter " + (index + 1) + " was never bound", "HY000");
        }

        @Override
        public String describe() {
            return "?" + (index + 1);
        }

        @Override
        public Expr resolve(Resolver resolver) throws SQLException {
            return new Literal(resolver.parameter(index));
        }

        @Override
        public List<Expr> operands() {
            return List.of();
        }

        @Override
        public boolean isResolved() {
            return false;
        }

        @Override
        public void checkColumns(String step, int columnCount) {
            throw new IllegalArgumentException(step + " reads parameter " + (index + 1) + ", which was never bound");
        }
    }

    enum CompareOp {
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">="), NULL_SAFE_EQ("<=>");

        private final String symbol;

        CompareOp(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        /** The operator SQL spells {@code symbol} ({@code !=} is {@code <>}), or null for any other. */
        public static CompareOp of(String symbol) {
            if (symbol.equals("!=")) {
                return NE;
            }
            for (CompareOp op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            return null;
        }
    }

    /**
     * {@code left op right}: NULL when either side is NULL, except {@code <=>}, which is true for two NULLs and
     * false for one. Strings compare case-insensitively when either side is a case-insensitive column (a
     * column's collation wins over a literal's, as in MySQL's coercibility rules).
     *
     * @param comparator how the operands compare when neither is a case-insensitive column: the dialect's binary
     *                   order, from whoever builds the expression
     */
    record Comparison(CompareOp op, Expr left, Expr right, ValueComparator comparator) implements Expr {
        public Comparison {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
            Objects.requireNonNull(comparator, "comparator");
        }

        @Override
        public Object eval(RowView row) throws SQLException {
            Object l = left.eval(row);
            Object r = right.eval(row);
            if (op == CompareOp.NULL_SAFE_EQ) {
                if (l == null || r == null) {
                    return l == null && r == null;
                }
            }
            Integer c = SqlValues.compare(l, r, SqlValues.comparator(comparator, left, right));
            if (c == null) {
                return null;
            }
            return switch (op) {
                case EQ, NULL_SAFE_EQ -> c == 0;
                case NE -> c != 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
            };
        }

        @Override
        public String describe() {
            return SqlValues.operand(left) + " " + op.symbol() + " " + SqlValues.operand(right);
        }

        @Override
        public Expr resolve(Resolver resolver) throws SQLException {
            return new Comparison(op, left.resolve(resolver), right.resolve(resolver), comparator);
        }

        @Override
        public List<Expr> operands() {
            return List.of(left, right);
        }
    }

    /** SQL AND: FALSE if either side is FALSE, else NULL if either is NULL, else TRUE. */
    record And(Expr left, Expr right) implements Expr {
        public And {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public Object eval(RowView row) throws SQLException {
            Boolean l = SqlValues.truth(left.eval(row));
            if (Boolean.FALSE.equals(l)) {
                return false;
            }
            Boolean r = SqlValues.truth(right.eval(row));
            if (Boolean.FALSE.equals(r)) {
                return false;
            }
            return l == null || r == null ? null : Boolean.TRUE;
        }

        @Override
        public String describe() {
            return SqlValues.operand(left) + " AND " + SqlValues.operand(right);
        }

        @Override
        public Expr resolve(Resolver resolver) throws SQLException {
            return new And(left.resolve(resolver), right.resolve(resolver));
        }

        @Override
        public List<Expr> operands() {
            return List.of(left, right);
        }
    }

    /** SQL OR: TRUE if either side is TRUE, else NULL if either is NULL, else FALSE. */
    record Or(Expr left, Expr right) implements Expr {
        public Or {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public Object eval(RowView row) throws SQLException {
            Boolean l = SqlValues.truth(left.eval(row));
            if (Boolean.TRUE.equals(l)) {
                return true;
            }
            Boolean r = SqlValues.truth(right.eval(row));
            if (Boolean.TRUE.equals(r)) {
                return true;
            }
            return l == null || r == null ? null : Boolean.FALSE;
        }

        @Override
        public String describe() {
            return SqlValues.operand(left) + " OR " + SqlValues.operand(right);
        }

        @Override
        public Expr resolve(Resolver resolver) throws SQLException {
            return new Or(left.resolve(resolver), right.resolve(resolver));
        }

        @Override
        public List<Expr> operands() {
            return List.of(left, right);
        }
    }

    /** SQL NOT: NULL stays NULL. */
    record Not(Expr operand) implements Expr {
        public Not {
            Objects.requireNonNull(operand, "operand");
        }

        @Override
        public Object eval(RowView row) throws SQLException {
            Boolean b = SqlValues.truth(operand.eval(row));
            return b == null ? null : !b;
        }

        @Override
        public String describe() {
            return "NOT " + SqlValues.operand(operand);
        }

        @Override
        public Expr resolve(Resolver resolver) throws SQLException {
            return new Not(operand.resolve(resolver));
        }

        @Override
        public List<Expr> operands() {
            return List.of(operand);
        }
    }

    /** {@code IS [NOT] NULL}: never NULL itself. */
    record IsNull(Expr operand, boolean negated) implements Expr {
        public IsNull {
            Objects.requireNonNull(operand, "operand");
        }

        @Override
        public Object eval(RowView row) throws SQLException {
            return (operand.eval(row) == null) != negated;
        }

        @Override
        public String describe() {
            return SqlValues.operand(operand) + (negated ? " IS NOT NULL" : " IS NULL");
        }

        @Override
        public Expr resolve(Resolver resolver) throws SQLException {
            return new IsNull(operand.resolve(resolver), negated);
        }

        @Override
        public List<Expr> operands() {
            return List.of(operand);
        }
    }

    enum ArithmeticOp {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%");

        private final String symbol;

        ArithmeticOp(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /**
     * {@code left op right}, NULL if either is NULL. Integers give integers (BIGINT overflow is an error, as in
     * MySQL), except {@code /}, which gives a DECIMAL with the dividend's scale + 4 (holding MySQL's nine places,
     * see {@code Quotient}); DECIMALs give DECIMALs; a
     * DOUBLE (or a string, which MySQL converts to DOUBLE) gives a DOUBLE. Division and modulo by zero are NULL.
     */
    record Arithmetic(ArithmeticOp op, Expr left, Expr right) implements Expr {
        public Arithmetic {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public Object eval(RowView row) throws SQLException {
            return SqlValues.arithmetic(op, left.eval(row), right.eval(row));
        }

        @Override
        public String describe() {
            return SqlValues.operand(left) + " " + op.symbol() + " " + SqlValues.operand(right);
        }

        @Override
        public Expr resolve(Resolver resolver) throws SQLException {
            return new Arithmetic(op, left.resolve(resolver), right.resolve(resolver));
        }

        @Override
        public List<Expr> operands() {
            return List.of(left, right);
        }
    }

    /**
     * {@code operand [NOT] BETWEEN low AND high}, i.e. {@code low <= operand AND operand <= high}, three-valued.
     *
     * @param comparator as in {@link Comparison}
     */
    record Between(Expr operand, Expr low, Expr high, boolean negated, ValueComparator comparator) implements Expr {
        public Between {
            Objects.requireNonNull(operand, "operand");
            Objects.requireNonNull(low, "low");
            Objects.requireNonNull(high, "high");
            Objects.requireNonNull(comparator, "comparator");
        }

        @Override
        public Object eval(RowView row) throws SQLException {
            Object v = operand.eval(row);
            ValueComparator order = SqlValues.comparator(comparator, operand, low, high);
            Integer lowSide = SqlValues.compare(v, low.eval(row), order);
            Integer highSide = SqlValues.compare(v, high.eval(row), order);
            Boolean result;
            if ((lowSide != null && lowSide < 0) || (highSide != null && highSide > 0)) {
                result = false;
            } else if (lowSide == null || highSide == null) {
                result = null;
            } else {
                result = true;
            }
            return result == null ? null : result != negated;
        }

        @Override
        public String describe() {
            return SqlValues.operand(operand) + (negated ? " NOT BETWEEN " : " BETWEEN ")
                    + SqlValues.operand(low) + " AND " + SqlValues.operand(high);
        }

        @Override
        public Expr resolve(Resolver resolver) throws SQLException {
            return new Between(operand.resolve(resolver), low.resolve(resolver), high.resolve(resolver), negated,
                    comparator);
        }

        @Override
        public List<Expr> operands() {
            return List.of(operand, low, high);
        }
    }

    /**
     * {@code operand [NOT] IN (values)}: TRUE if equal to some value; otherwise NULL if the operand or any value
     * is NULL; otherwise FALSE. NOT IN negates that, so {@code x NOT IN (1, NULL)} is never TRUE.
     *
     * @param comparator as in {@link Comparison}
     */
    record InList(Expr operand, List<Expr> values, boolean negated, ValueComparator comparator) implements Expr {
        public InList {
            Objects.requireNonNull(operand, "operand");
            Objects.requireNonNull(comparator, "comparator");
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("IN needs at least one value");
            }
        }

        @Override
        public Object eval(RowView row) throws SQLException {
            Object v = operand.eval(row);
            if (v == null) {
                return null;
            }
            ValueComparator order = SqlValues.comparator(SqlValues.comparator(comparator, values), operand);
            boolean sawNull = false;
            for (Expr e : values) {
                Integer c = SqlValues.compare(v, e.eval(row), order);
                if (c == null) {
                    sawNull = true;
                } else if (c == 0) {
                    return !negated;
                }
            }
            return sawNull ? null : negated;
        }

        @Override
        public String describe() {
            return SqlValues.operand(operand) + (negated ? " NOT IN " : " IN ")
                    + values.stream().map(Expr::describe).collect(Collectors.joining(", ", "(", ")"));
        }

        @Override
        public Expr resolve(Resolver resolver) throws SQLException {
            List<Expr> resolved = new ArrayList<>(values.size());
            for (Expr value : values) {
                resolved.add(value.resolve(resolver));
            }
            return new InList(operand.resolve(resolver), resolved, negated, comparator);
        }

        @Override
        public List<Expr> operands() {
            List<Expr> all = new ArrayList<>(values.size() + 1);
            all.add(operand);
            all.addAll(values);
            return all;
        }
    }
}
