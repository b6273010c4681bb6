package dev.shard.core.internal.sql;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * LIMIT and OFFSET values as row counts. MySQL takes them up to 18446744073709551615 and documents
 * {@code LIMIT 10, 18446744073709551615} as "from row 10 to the end"; no table holds more than
 * {@link Long#MAX_VALUE} rows, so a larger value is read as that, and sums (each shard's {@code offset + count})
 * stop there instead of wrapping around to a small or negative limit.
 */
public final class RowLimits {

    private RowLimits() {
    }

    /** The value as a row count, or null when it is not a whole number of 0 or more. */
    public static Long rows(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            long rows = ((Number) value).longValue();
            return rows >= 0 ? rows : null;
        }
        BigDecimal decimal;
        try {
            if (value instanceof BigInteger big) {
                decimal = new BigDecimal(big);
            } else if (value instanceof BigDecimal d) {
                decimal = d;
            } else if (value instanceof String s && s.matches("\\d+")) {
                decimal = new BigDecimal(s);
            } else {
                return null;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (decimal.signum() < 0 || decimal.stripTrailingZeros().scale() > 0) {
            return null;
        }
        return decimal.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : decimal.longValue();
    }

    /** {@code offset + count}, or {@link Long#MAX_VALUE} where the sum would be larger. */
    public static long sum(long offset, long count) {
        return offset > Long.MAX_VALUE - count ? Long.MAX_VALUE : offset + count;
    }
}
