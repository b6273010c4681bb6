package dev.shard.core.internal.merge;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MySQL's value semantics for {@link Expr}: truth, comparison with coercion, arithmetic, literal text. */
final class SqlValues {

    // MySQL reads the longest numeric prefix of a string in a numeric context: ' 12abc' is 12, 'abc' is 0.
    private static final Pattern NUMERIC_PREFIX =
            Pattern.compile("^\\s*[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger UNSIGNED_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private SqlValues() {
    }

    /** A value as a condition: NULL is unknown ({@code null}), numbers are true when non-zero. */
    static Boolean truth(Object v) throws SQLException {
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v instanceof Number) {
            Number n = (Number) v;
            if (n instanceof Double || n instanceof Float) {
                return n.doubleValue() != 0;
            }
            return ValueComparator.exactDecimal(n).signum() != 0;
        }
        if (v instanceof String) {
            return toDouble((String) v) != 0;
        }
        if (v instanceof byte[]) {
            return toDouble(new String((byte[]) v, StandardCharsets.UTF_8)) != 0;
        }
        ValueComparator.Kind kind = ValueComparator.Kind.of(v);
        if (kind == ValueComparator.Kind.DATETIME || kind == ValueComparator.Kind.TIME
                || kind == ValueComparator.Kind.INSTANT) {
            // A date is a non-zero number (20240131...) in MySQL; zero dates do not reach Java.
            return true;
        }
        throw new SQLException("merge: cannot use a " + v.getClass().getSimpleName() + " as a condition", "HY000");
    }

    /**
     * The sign of comparing two values, with MySQL's conversions between kinds; {@code null} when either is NULL.
     */
    static Integer compare(Object a, Object b, ValueComparator comparator) throws SQLException {
        if (a == null || b == null) {
            return null;
        }
        // MySQL compares a quotient as its type shows it: 2 / 3 = 0.6667.
        a = a instanceof Quotient q ? q.shown() : a;
        b = b instanceof Quotient q ? q.shown() : b;
        ValueComparator.Kind ka = ValueComparator.Kind.of(a);
        ValueComparator.Kind kb = ValueComparator.Kind.of(b);
        try {
            if (ka == kb) {
                return Integer.signum(comparator.compare(a, b));
            }
            if (ka == ValueComparator.Kind.NUMBER && kb == ValueComparator.Kind.STRING
                    || ka == ValueComparator.Kind.STRING && kb == ValueComparator.Kind.NUMBER) {
                // MySQL compares a string with a number as two doubles.
                double x = toDouble(a);
                double y = toDouble(b);
                return x < y ? -1 : x > y ? 1 : 0;
            }
            if (kb == ValueComparator.Kind.STRING && isTemporal(ka)) {
                return Integer.signum(comparator.compare(a, parseTemporal((String) b, ka)));
            }
            if (ka == ValueComparator.Kind.STRING && isTemporal(kb)) {
                return Integer.signum(comparator.compare(parseTemporal((String) a, kb), b));
            }
            if (ka == ValueComparator.Kind.BYTES && kb == ValueComparator.Kind.STRING) {
                return Integer.signum(Arrays.compareUnsigned((byte[]) a, ((String) b).getBytes(StandardCharsets.UTF_8)));
            }
            if (ka == ValueComparator.Kind.STRING && kb == ValueComparator.Kind.BYTES) {
                return Integer.signum(Arrays.compareUnsigned(((String) a).getBytes(StandardCharsets.UTF_8), (byte[]) b));
            }
            return Integer.signum(comparator.compare(a, b));
        } catch (IllegalArgumentException e) {
            throw BaseCursor.comparisonFailure(e);
        }
    }

    private static boolean isTemporal(ValueComparator.Kind kind) {
        return kind == ValueComparator.Kind.DATETIME || kind == ValueComparator.Kind.TIME
                || kind == ValueComparator.Kind.INSTANT;
    }

    /** A string compared with a date or time is read as one, as MySQL does with '2024-01-31'. */
    private static Object parseTemporal(String s, ValueComparator.Kind kind) throws SQLException {
        String text = s.trim();
        try {
            return switch (kind) {
                case TIME -> LocalTime.parse(text);
                case INSTANT -> OffsetDateTime.parse(text.replace(' ', 'T'));
                case DATETIME -> text.length() == 10 ? LocalDate.parse(text).atStartOfDay()
                        : LocalDateTime.parse(text.replace(' ', 'T'));
                case NUMBER, STRING, BYTES, OTHER -> throw new IllegalArgumentException(kind + " is not a date or time");
            };
        } catch (DateTimeParseException e) {
            throw new SQLException("merge: cannot compare '" + s + "' with a date or time", "HY000", e);
        }
    }

    /**
     * The comparator of the first operand that is a case-insensitive column, else {@code otherwise}: the column's
     * collation wins over a literal's.
     */
    static ValueComparator comparator(ValueComparator otherwise, Expr... operands) {
        return comparator(otherwise, Arrays.asList(operands));
    }

    static ValueComparator comparator(ValueComparator otherwise, List<Expr> operands) {
        for (Expr e : operands) {
            if (e instanceof ColumnRef column && column.info().caseInsensitive()) {
                return column.info().comparator();
            }
        }
        return otherwise;
    }

    static Object arithmetic(Expr.ArithmeticOp op, Object a, Object b) throws SQLException {
        if (a == null || b == null) {
            return null;
        }
        Number x = numeric(a);
        Number y = numeric(b);
        if (isFloating(x) || isFloating(y)) {
            return doubleArithmetic(op, x.doubleValue(), y.doubleValue());
        }
        if (isIntegral(x) && isIntegral(y) && op != Expr.ArithmeticOp.DIV) {
            return integerArithmetic(op, x, y);
        }
        return decimalArithmetic(op, ValueComparator.exactDecimal(x), ValueComparator.exactDecimal(y));
    }

    private static Object doubleArithmetic(Expr.ArithmeticOp op, double x, double y) throws SQLException {
        if (y == 0 && (op == Expr.ArithmeticOp.DIV || op == Expr.ArithmeticOp.MOD)) {
            return null;
        }
        double r = switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MOD -> x % y;
        };
        if (!Double.isFinite(r)) {
            throw new SQLException("DOUBLE value is out of range in '" + x + " " + op.symbol() + " " + y + "'",
                    "22003");
        }
        return r;
    }

    private static Object integerArithmetic(Expr.ArithmeticOp op, Number x, Number y) throws SQLException {
        BigInteger bx = bigInteger(x);
        BigInteger by = bigInteger(y);
        if (op == Expr.ArithmeticOp.MOD && by.signum() == 0) {
            return null;
        }
        BigInteger r = switch (op) {
            case ADD -> bx.add(by);
            case SUB -> bx.subtract(by);
            case MUL -> bx.multiply(by);
            // Truncated division: the remainder has the dividend's sign, as in MySQL.
            case MOD -> bx.remainder(by);
            case DIV -> throw new IllegalStateException("integer '/' gives a DECIMAL: see arithmetic()");
        };
        if (r.compareTo(LONG_MIN) >= 0 && r.compareTo(LONG_MAX) <= 0) {
            return r.longValue();
        }
        boolean unsigned = x instanceof BigInteger || y instanceof BigInteger;
        if (unsigned && r.signum() >= 0 && r.compareTo(UNSIGNED_MAX) <= 0) {
            return r;
        }
        throw new SQLException("BIGINT value is out of range in '" + x + " " + op.symbol() + " " + y + "'", "22003");
    }

    /**
     * DECIMAL arithmetic on all the digits, with the result's declared scale MySQL's: the larger of the two for
     * {@code + - %}, their sum for {@code *}, the dividend's + 4 for {@code /}, whose quotient keeps MySQL's extra
     * digits (see {@link Quotient}).
     */
    private static Object decimalArithmetic(Expr.ArithmeticOp op, BigDecimal x, BigDecimal y) {
        if (y.signum() == 0 && (op == Expr.ArithmeticOp.DIV || op == Expr.ArithmeticOp.MOD)) {
            return null;
        }
        int max = ValueComparator.MAX_DECIMAL_SCALE;
        int dx = Quotient.declaredScale(x);
        int dy = Quotient.declaredScale(y);
        return switch (op) {
            case ADD -> Quotient.of(x.add(y), Math.max(dx, dy));
            case SUB -> Quotient.of(x.subtract(y), Math.max(dx, dy));
            case MUL -> {
                BigDecimal product = x.multiply(y);
                yield Quotient.of(product.scale() > max ? product.setScale(max, RoundingMode.HALF_UP) : product,
                        Math.min(dx + dy, max));
            }
            case DIV -> Quotient.of(x.divide(y, Math.min(Quotient.keptDigits(Math.max(x.scale(), 0),
                    Math.max(y.scale(), 0), Accumulator.DIV_PRECISION_INCREMENT), max), RoundingMode.DOWN),
                    Math.min(dx + Accumulator.DIV_PRECISION_INCREMENT, max));
            case MOD -> Quotient.of(x.remainder(y), Math.max(dx, dy));
        };
    }

    /** A value in a numeric context: booleans are 0 and 1, strings their numeric prefix as a DOUBLE. */
    static Number numeric(Object v) throws SQLException {
        if (v instanceof Number) {
            return (Number) v;
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1L : 0L;
        }
        if (v instanceof String) {
            return toDouble((String) v);
        }
        if (v instanceof byte[]) {
            return toDouble(new String((byte[]) v, StandardCharsets.UTF_8));
        }
        throw new SQLException("merge: cannot do arithmetic on a " + v.getClass().getSimpleName(), "HY000");
    }

    private static double toDouble(Object v) {
        if (v instanceof String) {
            return toDouble((String) v);
        }
        return ValueComparator.number(v).doubleValue();
    }

    static double toDouble(String s) {
        Matcher m = NUMERIC_PREFIX.matcher(s);
        return m.find() ? Double.parseDouble(m.group().trim()) : 0.0;
    }

    static boolean isFloating(Number n) {
        return n instanceof Double || n instanceof Float;
    }

    static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger;
    }

    static BigInteger bigInteger(Number n) {
        return n instanceof BigInteger ? (BigInteger) n : BigInteger.valueOf(n.longValue());
    }

    // ---- text ----

    static String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof String) {
            return "'" + ((String) value).replace("'", "''") + "'";
        }
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).toPlainString();
        }
        if (value instanceof Boolean) {
            return (Boolean) value ? "TRUE" : "FALSE";
        }
        if (value instanceof Number) {
            return value.toString();
        }
        if (value instanceof byte[]) {
            StringBuilder sb = new StringBuilder("X'");
            for (byte b : (byte[]) value) {
                sb.append(String.format("%02X", b & 0xFF));
            }
            return sb.append('\'').toString();
        }
        return "'" + value + "'";
    }

    /** An operand's text, parenthesised unless it is a leaf (a column, a value or a parameter). */
    static String operand(Expr e) {
        if (e instanceof Column || e instanceof Expr.Literal || e instanceof Expr.Param) {
            return e.describe();
        }
        return "(" + e.describe() + ")";
    }
}
