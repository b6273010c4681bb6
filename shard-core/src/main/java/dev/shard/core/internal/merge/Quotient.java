package dev.shard.core.internal.merge;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A DECIMAL with more digits than its type shows, as MySQL holds a quotient inside an expression: {@code 2 / 3} is
 * a DECIMAL of scale 4 (the dividend's + {@code div_precision_increment}) but is kept to nine places (whole words of
 * nine digits, truncated), so {@code 2 / 3 * 100} is {@code 66.6667}, not {@code 66.6700}. Arithmetic goes on with
 * all the digits; a comparison, and the value shown, round to the declared scale, as MariaDB does
 * ({@code 2 / 3 = 0.6667} is true).
 */
final class Quotient extends BigDecimal {

    private final int declaredScale;

    Quotient(BigDecimal digits, int declaredScale) {
        super(digits.unscaledValue(), digits.scale());
        this.declaredScale = declaredScale;
    }

    /** The scale of the value's type: what MySQL shows and compares. */
    int declaredScale() {
        return declaredScale;
    }

    /** The value as MySQL shows it: rounded half up to the declared scale. */
    BigDecimal shown() {
        return setScale(declaredScale, RoundingMode.HALF_UP);
    }

    /** The declared scale of a DECIMAL: a quotient's own, otherwise the value's scale. */
    static int declaredScale(BigDecimal value) {
        return value instanceof Quotient q ? q.declaredScale : Math.max(value.scale(), 0);
    }

    /** {@code digits} with the declared scale: a plain DECIMAL when no digit lies beyond it. */
    static BigDecimal of(BigDecimal digits, int declaredScale) {
        BigDecimal stripped = digits.signum() == 0 ? BigDecimal.ZERO : digits.stripTrailingZeros();
        if (stripped.scale() <= declaredScale) {
            return digits.setScale(declaredScale, RoundingMode.UNNECESSARY);
        }
        return new Quotient(digits, declaredScale);
    }

    /**
     * The digits MySQL keeps of {@code x / y} ({@code do_div_mod} in strings/decimal.c): both scales rounded up to
     * whole words of nine digits, plus what is left of the increment after that padding, rounded up to a word.
     */
    static int keptDigits(int dividendScale, int divisorScale, int increment) {
        int paddedDividend = words(dividendScale) * 9;
        int paddedDivisor = words(divisorScale) * 9;
        int left = Math.max(0, increment - (paddedDividend - dividendScale) - (paddedDivisor - divisorScale));
        return words(paddedDividend + paddedDivisor + left) * 9;
    }

    private static int words(int digits) {
        return (Math.max(digits, 0) + 8) / 9;
    }
}
