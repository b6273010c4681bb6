package dev.shard.core.internal.merge;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Orders JDBC values the way the database does, not the way Java does, so that rows merged from several shards
 * come out in the order one database would have produced. Where databases differ, the dialect decides: where NULL
 * goes ({@link NullOrder}) and how the column's strings compare ({@link Collation}); see the dialect's
 * {@code comparator}. The rest is common to the SQL databases Shard knows:
 *
 * <ul>
 *   <li>Numbers compare by value whatever their Java type: {@code 5 == 5L == 5.00BD == 5.0d}. Mixed types compare
 *       exactly through {@link BigDecimal} (a double by its exact binary value), which keeps the order total and
 *       transitive, as sorting needs. Booleans ({@code TINYINT(1)}) are 0 and 1.</li>
 *   <li>{@code byte[]} compares unsigned, byte by byte. Dates and times compare by value: {@code Timestamp},
 *       {@code LocalDateTime}, {@code java.sql.Date} and {@code LocalDate} (a date is its midnight) together;
 *       {@code Time} with {@code LocalTime}; {@code Instant}, {@code OffsetDateTime}, {@code ZonedDateTime}
 *       together.</li>
 *   <li>Anything else compares with {@code compareTo} when both sides have the same class. Values that cannot be
 *       compared (a string with a number) throw {@link IllegalArgumentException}: across shards one column holds
 *       one kind of value, so this is a schema mismatch and must not be guessed at.</li>
 * </ul>
 *
 * <p>{@link #groupKey} gives the matching notion of identity: {@code groupKey(a).equals(groupKey(b))} exactly when
 * {@code compare(a, b) == 0}, so 'paid' and 'PAID ' are one group in a MySQL case-insensitive column.
 *
 * <p>Where the collation only approximates the database's (see the dialect's), and so puts a shard's rows out of
 * this order, {@link OrderedMerge} and the steps that rely on order report an error rather than return a wrong
 * answer.
 */
public final class ValueComparator implements Comparator<Object> {

    // DECIMAL's largest scale in MySQL; results of division are capped to it.
    static final int MAX_DECIMAL_SCALE = 30;

    private final NullOrder nulls;
    private final Collation collation;
    private final AggregateArithmetic arithmetic;

    /**
     * @param nulls     where NULL sorts
     * @param collation how strings compare
     */
    public ValueComparator(NullOrder nulls, Collation collation) {
        this(nulls, collation, AggregateArithmetic.MYSQL);
    }

    /**
     * @param arithmetic how the merge finishes the SUMs and AVGs of this column's values (it travels with the
     *                   comparator because both are the dialect's, per result column)
     */
    public ValueComparator(NullOrder nulls, Collation collation, AggregateArithmetic arithmetic) {
        this.nulls = Objects.requireNonNull(nulls, "nulls");
        this.collation = Objects.requireNonNull(collation, "collation");
        this.arithmetic = Objects.requireNonNull(arithmetic, "arithmetic");
    }

    public AggregateArithmetic arithmetic() {
        return arithmetic;
    }

    public boolean caseInsensitive() {
        return collation.caseInsensitive();
    }

    /**
     * The database's order of two values of one column.
     *
     * @throws IllegalArgumentException when the values are of kinds a database would not hold in one column
     */
    @Override
    public int compare(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        if (a == null || b == null) {
            return compareNull(a == null);
        }
        // Fast paths for the common cases: same-typed integers and strings.
        if (a instanceof Long && b instanceof Long) {
            return Long.compare((Long) a, (Long) b);
        }
        if (a instanceof Integer && b instanceof Integer) {
            return Integer.compare((Integer) a, (Integer) b);
        }
        if (a instanceof String && b instanceof String) {
            return collation.compare((String) a, (String) b);
        }
        Kind ka = Kind.of(a);
        Kind kb = Kind.of(b);
        if (ka != kb) {
            throw incomparable(a, b);
        }
        return switch (ka) {
            case NUMBER -> compareNumbers(number(a), number(b));
            case STRING -> collation.compare((String) a, (String) b);
            case BYTES -> Arrays.compareUnsigned((byte[]) a, (byte[]) b);
            case DATETIME -> dateTime(a).compareTo(dateTime(b));
            case TIME -> time(a).compareTo(time(b));
            case INSTANT -> instant(a).compareTo(instant(b));
            case OTHER -> compareOther(a, b);
        };
    }

    /** NULL against a value: its place by the NULL order, whichever side it is on. */
    private int compareNull(boolean nullFirst) {
        int sign = nulls == NullOrder.LOWEST ? -1 : 1;
        return nullFirst ? sign : -sign;
    }

    /** Whether two values are the same value for grouping and DISTINCT: {@code compare(a, b) == 0}. */
    public boolean same(Object a, Object b) {
        return compare(a, b) == 0;
    }

    /**
     * A canonical stand-in for {@code value} whose {@code equals} and {@code hashCode} agree with {@link #compare}:
     * two values are the same group exactly when their keys are equal. {@code null} stays {@code null}.
     */
    public Object groupKey(Object value) {
        if (value == null) {
            return null;
        }
        return switch (Kind.of(value)) {
            case STRING -> collation.key((String) value);
            case NUMBER -> numberKey(number(value));
            case BYTES -> new Bytes((byte[]) value);
            case DATETIME -> dateTime(value);
            case TIME -> time(value);
            case INSTANT -> instant(value);
            case OTHER -> value;
        };
    }

    /**
     * A form of {@code value} that {@link #compareKeys} orders exactly as {@link #compare} orders the values,
     * computed once per row so that sorting and merging do not fold the same string again at every comparison.
     * Only strings and dates change; the result is for comparing, never for output.
     */
    Object collationKey(Object value) {
        if (value instanceof String) {
            return collation.key((String) value);
        }
        if (value == null) {
            return null;
        }
        return switch (Kind.of(value)) {
            case DATETIME -> dateTime(value);
            case TIME -> time(value);
            case INSTANT -> instant(value);
            // Strings were handled above; the other kinds compare binary as they are.
            case STRING, NUMBER, BYTES, OTHER -> value;
        };
    }

    /** The order of two values made by {@link #collationKey}. */
    int compareKeys(Object a, Object b) {
        if (a instanceof String && b instanceof String) {
            return collation.compareKeys((String) a, (String) b);
        }
        return compare(a, b);
    }

    // ---- numbers ----

    private static boolean isSmallIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    private static boolean isFloating(Number n) {
        return n instanceof Double || n instanceof Float;
    }

    static int compareNumbers(Number a, Number b) {
        if (isSmallIntegral(a) && isSmallIntegral(b)) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if (isFloating(a) && isFloating(b)) {
            return compareDoubles(a.doubleValue(), b.doubleValue());
        }
        if (isNonFinite(a) || isNonFinite(b)) {
            // MySQL has no NaN or infinity; order them as Java does rather than fail.
            return compareDoubles(a.doubleValue(), b.doubleValue());
        }
        return exactDecimal(a).compareTo(exactDecimal(b));
    }

    private static int compareDoubles(double x, double y) {
        if (x < y) {
            return -1;
        }
        if (x > y) {
            return 1;
        }
        // Equal, including -0.0 == 0.0 as in SQL; only NaN is left for Double.compare to place.
        return x == y ? 0 : Double.compare(x, y);
    }

    private static boolean isNonFinite(Number n) {
        return isFloating(n) && !Double.isFinite(n.doubleValue());
    }

    /** The number's exact value; a double by its exact binary value. Not for NaN or infinity. */
    static BigDecimal exactDecimal(Number n) {
        if (n instanceof BigDecimal) {
            return (BigDecimal) n;
        }
        if (isSmallIntegral(n)) {
            return BigDecimal.valueOf(n.longValue());
        }
        if (n instanceof BigInteger) {
            return new BigDecimal((BigInteger) n);
        }
        if (isFloating(n)) {
            return new BigDecimal(n.doubleValue());
        }
        return new BigDecimal(n.toString());
    }

    private static Object numberKey(Number n) {
        if (isNonFinite(n)) {
            return n.doubleValue();
        }
        BigDecimal d = exactDecimal(n);
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

    /** The value as a number; booleans are 0 and 1, as MySQL stores them. */
    static Number number(Object value) {
        if (value instanceof Boolean) {
            return (Boolean) value ? 1L : 0L;
        }
        return (Number) value;
    }

    // ---- dates and times ----

    static LocalDateTime dateTime(Object v) {
        if (v instanceof LocalDateTime) {
            return (LocalDateTime) v;
        }
        if (v instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) v).toLocalDateTime();
        }
        if (v instanceof LocalDate) {
            return ((LocalDate) v).atStartOfDay();
        }
        if (v instanceof java.sql.Date) {
            return ((java.sql.Date) v).toLocalDate().atStartOfDay();
        }
        return LocalDateTime.ofInstant(((java.util.Date) v).toInstant(), ZoneId.systemDefault());
    }

    static LocalTime time(Object v) {
        if (v instanceof LocalTime) {
            return (LocalTime) v;
        }
        java.sql.Time t = (java.sql.Time) v;
        // Time.toLocalTime() drops the milliseconds that the driver may have kept.
        return t.toLocalTime().withNano((int) Math.floorMod(t.getTime(), 1000L) * 1_000_000);
    }

    static Instant instant(Object v) {
        if (v instanceof Instant) {
            return (Instant) v;
        }
        if (v instanceof OffsetDateTime) {
            return ((OffsetDateTime) v).toInstant();
        }
        return ((ZonedDateTime) v).toInstant();
    }

    // ---- the rest ----

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareOther(Object a, Object b) {
        if (a.getClass() == b.getClass() && a instanceof Comparable) {
            return ((Comparable) a).compareTo(b);
        }
        throw incomparable(a, b);
    }

    private static IllegalArgumentException incomparable(Object a, Object b) {
        return new IllegalArgumentException("cannot compare " + a.getClass().getSimpleName() + " value " + a
                + " with " + b.getClass().getSimpleName() + " value " + b + " in one column");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueComparator other && nulls == other.nulls && collation.equals(other.collation)
                && arithmetic.equals(other.arithmetic);
    }

    @Override
    public int hashCode() {
        return (31 * nulls.hashCode() + collation.hashCode()) * 31 + arithmetic.hashCode();
    }

    @Override
    public String toString() {
        return "ValueComparator(nulls " + nulls + ", " + collation + ")";
    }

    /** The kinds of value that compare with each other. */
    enum Kind {
        NUMBER, STRING, BYTES, DATETIME, TIME, INSTANT, OTHER;

        static Kind of(Object v) {
            if (v instanceof Number || v instanceof Boolean) {
                return NUMBER;
            }
            if (v instanceof String) {
                return STRING;
            }
            if (v instanceof byte[]) {
                return BYTES;
            }
            // java.sql.Time and java.sql.Date are java.util.Dates too: test them first.
            if (v instanceof java.sql.Time || v instanceof LocalTime) {
                return TIME;
            }
            if (v instanceof java.util.Date || v instanceof LocalDateTime || v instanceof LocalDate) {
                return DATETIME;
            }
            if (v instanceof Instant || v instanceof OffsetDateTime || v instanceof ZonedDateTime) {
                return INSTANT;
            }
            return OTHER;
        }
    }

    /** byte[] with value equality, for group keys. */
    private static final class Bytes {
        private final byte[] bytes;

        Bytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes && Arrays.equals(bytes, ((Bytes) o).bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
