package dev.shard.core.internal.merge;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A MySQL function the merge can compute over merged values, for select items such as {@code ROUND(AVG(x), 2)}
 * whose arguments are aggregates. The numeric functions keep the argument's kind, as MySQL does: an integer stays
 * an integer, a DECIMAL is rounded exactly (halves away from zero), a DOUBLE as MariaDB rounds it (to nearest even
 * after scaling, {@code rint}); a string is read as a DOUBLE. NULL in gives NULL out, except in COALESCE and
 * IFNULL, whose point is to replace it.
 */
public record ScalarFunction(Name name, List<Expr> arguments) implements Expr {

    /** The functions, with the argument counts MySQL accepts. */
    public enum Name {
        ROUND(1, 2), TRUNCATE(2, 2), ABS(1, 1), FLOOR(1, 1), CEIL(1, 1), COALESCE(1, Integer.MAX_VALUE),
        IFNULL(2, 2);

        private final int minArguments;
        private final int maxArguments;

        Name(int minArguments, int maxArguments) {
            this.minArguments = minArguments;
            this.maxArguments = maxArguments;
        }

        /** The function SQL spells {@code name} (CEILING is CEIL), or null for one the merge cannot compute. */
        public static Name of(String name) {
            String upper = name.toUpperCase(Locale.ROOT);
            if (upper.equals("CEILING")) {
                return CEIL;
            }
            for (Name candidate : values()) {
                if (candidate.name().equals(upper)) {
                    return candidate;
                }
            }
            return null;
        }

        public boolean accepts(int argumentCount) {
            return argumentCount >= minArguments && argumentCount <= maxArguments;
        }
    }

    public ScalarFunction {
        Objects.requireNonNull(name, "name");
        arguments = List.copyOf(arguments);
        if (!name.accepts(arguments.size())) {
            throw new IllegalArgumentException(name + " does not take " + arguments.size() + " arguments");
        }
    }

    @Override
    public Object eval(RowView row) throws SQLException {
        if (name == Name.COALESCE || name == Name.IFNULL) {
            for (Expr argument : arguments) {
                Object value = argument.eval(row);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
        List<Object> values = new ArrayList<>(arguments.size());
        for (Expr argument : arguments) {
            Object value = argument.eval(row);
            if (value == null) {
                return null;
            }
            values.add(value);
        }
        Number x = SqlValues.numeric(values.get(0));
        return switch (name) {
            case ROUND -> round(x, values.size() > 1 ? places(values.get(1)) : 0, false);
            case TRUNCATE -> round(x, places(values.get(1)), true);
            case ABS -> abs(x);
            case FLOOR -> whole(x, RoundingMode.FLOOR);
            case CEIL -> whole(x, RoundingMode.CEILING);
            case COALESCE, IFNULL -> throw new IllegalStateException("handled above");
        };
    }

    private static long places(Object value) throws SQLException {
        Number n = SqlValues.numeric(value);
        return SqlValues.isFloating(n) ? Math.round(n.doubleValue()) : n.longValue();
    }

    private static Object round(Number x, long places, boolean truncate) {
        if (SqlValues.isFloating(x)) {
            return roundDouble(x.doubleValue(), places, truncate);
        }
        int scale = (int) Math.max(-ValueComparator.MAX_DECIMAL_SCALE, Math.min(places,
                ValueComparator.MAX_DECIMAL_SCALE));
        RoundingMode mode = truncate ? RoundingMode.DOWN : RoundingMode.HALF_UP;
        if (SqlValues.isIntegral(x)) {
            if (scale >= 0) {
                return x instanceof BigInteger ? x : x.longValue();
            }
            BigInteger rounded = new BigDecimal(SqlValues.bigInteger(x)).setScale(scale, mode)
                    .setScale(0, RoundingMode.UNNECESSARY).toBigIntegerExact();
            return rounded.bitLength() < 64 ? (Object) rounded.longValue() : rounded;
        }
        BigDecimal d = ValueComparator.exactDecimal(x).setScale(scale, mode);
        return scale < 0 ? d.setScale(0, RoundingMode.UNNECESSARY) : d;
    }

    /** MariaDB's {@code my_double_round}: scale by a power of ten, round to nearest even (or toward zero), scale back. */
    private static double roundDouble(double value, long places, boolean truncate) {
        double factor = Math.pow(10.0, Math.abs((double) places));
        boolean negative = places < 0;
        double scaled = negative ? value / factor : value * factor;
        if (!negative && Double.isInfinite(scaled)) {
            return value;
        }
        double whole = truncate ? (value >= 0 ? Math.floor(scaled) : Math.ceil(scaled)) : Math.rint(scaled);
        return negative ? whole * factor : whole / factor;
    }

    private static Object abs(Number x) {
        if (SqlValues.isFloating(x)) {
            return Math.abs(x.doubleValue());
        }
        if (SqlValues.isIntegral(x)) {
            BigInteger value = SqlValues.bigInteger(x).abs();
            return value.bitLength() < 64 ? (Object) value.longValue() : value;
        }
        return ValueComparator.exactDecimal(x).abs();
    }

    /** FLOOR and CEIL: an integer (MySQL's BIGINT when the value fits), a DOUBLE for a DOUBLE. */
    private static Object whole(Number x, RoundingMode mode) {
        if (SqlValues.isFloating(x)) {
            return mode == RoundingMode.FLOOR ? Math.floor(x.doubleValue()) : Math.ceil(x.doubleValue());
        }
        if (SqlValues.isIntegral(x)) {
            return x instanceof BigInteger ? x : x.longValue();
        }
        BigInteger d = ValueComparator.exactDecimal(x).setScale(0, mode).toBigIntegerExact();
        return d.bitLength() < 64 ? (Object) d.longValue() : d;
    }

    @Override
    public String describe() {
        return name + arguments.stream().map(Expr::describe).collect(Collectors.joining(", ", "(", ")"));
    }

    @Override
    public Expr resolve(Resolver resolver) throws SQLException {
        List<Expr> resolved = new ArrayList<>(arguments.size());
        for (Expr argument : arguments) {
            resolved.add(argument.resolve(resolver));
        }
        return new ScalarFunction(name, resolved);
    }

    @Override
    public List<Expr> operands() {
        return arguments;
    }
}
