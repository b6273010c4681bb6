package dev.shard.core.internal.dialect;

import java.util.Objects;

/** One bind value of the normalised statement, in order of the '?' markers in {@link NormalizedSql#template()}. */
public sealed interface ParamSource {

    /** A '?' the user wrote; userIndex is 1-based as in JDBC setXxx(index, ...). */
    record UserParameter(int userIndex) implements ParamSource {
        public UserParameter {
            if (userIndex < 1) {
                throw new IllegalArgumentException("userIndex is 1-based: " + userIndex);
            }
        }
    }

    /**
     * A literal lifted out of the SQL text. value: Long for integers that fit (else BigInteger), BigDecimal for
     * decimals and exponent numbers (1.5, 1e3), String for quoted strings (unescaped by MySQL's default rules).
     */
    record Literal(Object value) implements ParamSource {
        public Literal {
            // SQL NULL is never lifted (the keyword stays in the text), so a null here is a bug.
            Objects.requireNonNull(value, "value");
        }
    }
}
