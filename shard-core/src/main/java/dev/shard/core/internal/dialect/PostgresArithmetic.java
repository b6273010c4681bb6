package dev.shard.core.internal.dialect;

import dev.shard.core.internal.merge.AggregateArithmetic;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;

/**
 * PostgreSQL's result types and scales for the aggregates the merge finishes.
 *
 * <p>SUM: of {@code smallint} or {@code integer} it is a {@code bigint}, of {@code bigint} or {@code numeric} a
 * {@code numeric}. The shards' partial SUMs already have that type, so a sum of partials keeps it (a Long stays a
 * Long, failing as PostgreSQL does when it leaves the {@code bigint} range); a SUM(DISTINCT) adds the values
 * themselves and takes the type from theirs.
 *
 * <p>AVG of exact numbers is {@code numeric}: PostgreSQL divides the sum by the count as {@code numeric / numeric},
 * whose result scale ({@code select_div_scale} in {@code numeric.c}) aims at 16 significant digits: with weights
 * counted in base-10000 digits, {@code 16 - 4 * qweight}, where {@code qweight} is the dividend's weight minus the
 * divisor's, less one when the dividend's first base-10000 digit is not larger than the divisor's; never below
 * either operand's scale nor above 1000. The quotient is rounded half away from zero. Computed from the global sum
 * and count this is PostgreSQL's own AVG, digit for digit.
 */
final class PostgresArithmetic implements AggregateArithmetic {

    static final PostgresArithmetic INSTANCE = new PostgresArithmetic();

    private static final int MIN_SIGNIFICANT_DIGITS = 16;
    private static final int DIGITS_PER_WEIGHT = 4;
    private static final int MAX_DISPLAY_SCALE = 1000;

    private PostgresArithmetic() {
    }

    @Override
    public Object exactSum(BigDecimal sum, int integerWidth, boolean ofPartials) throws SQLException {
        boolean bigint = ofPartials ? integerWidth == 8 : integerWidth > 0 && integerWidth < 8;
        if (!bigint) {
            return sum;
        }
        try {
            return sum.longValueExact();
        } catch (ArithmeticException e) {
            throw new SQLException("merge: SUM is out of range for type bigint: " + sum.toPlainString(), "22003", e);
        }
    }

    @Override
    public BigDecimal average(BigDecimal sum, long count) {
        BigDecimal divisor = BigDecimal.valueOf(count);
        return sum.divide(divisor, divisionScale(sum, divisor), RoundingMode.HALF_UP);
    }

    /** PostgreSQL's scale of {@code dividend / divisor} for two {@code numeric} values. */
    static int divisionScale(BigDecimal dividend, BigDecimal divisor) {
        int qweight = weight(dividend) - weight(divisor);
        if (firstDigit(dividend) <= firstDigit(divisor)) {
            qweight--;
        }
        int scale = MIN_SIGNIFICANT_DIGITS - qweight * DIGITS_PER_WEIGHT;
        scale = Math.max(scale, Math.max(dividend.scale(), 0));
        scale = Math.max(scale, Math.max(divisor.scale(), 0));
        return Math.min(Math.max(scale, 0), MAX_DISPLAY_SCALE);
    }

    /** The position of the first non-zero base-10000 digit (0 for units to 9999); 0 for zero. */
    private static int weight(BigDecimal v) {
        if (v.signum() == 0) {
            return 0;
        }
        int exponent = v.precision() - v.scale() - 1;
        return Math.floorDiv(exponent, DIGITS_PER_WEIGHT);
    }

    /** The first non-zero base-10000 digit (1..9999); 0 for zero. */
    private static int firstDigit(BigDecimal v) {
        if (v.signum() == 0) {
            return 0;
        }
        return v.abs().movePointLeft(DIGITS_PER_WEIGHT * weight(v)).setScale(0, RoundingMode.DOWN).intValueExact();
    }

    @Override
    public String toString() {
        return "PostgreSQL arithmetic";
    }
}
