package dev.shard.core.internal.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.schema.Column;

/**
 * The value a literal left in the statement text stands for when it meets a shard key, as MySQL compares it with
 * a number: {@code b'1010'}, {@code B'1010'} and {@code 0b1010} are 10, {@code 0x25}, {@code x'25'} and
 * {@code X'25'} are 37, {@code +37} is 37, {@code -b'11'} is -3, {@code TRUE} is 1. Without this a bit literal
 * was hashed as the string of its digits ("1010") and routed to another shard than the row with key 10.
 *
 * <p>Hex and bit literals are numbers only in a numeric context; against a string sharding column MySQL compares
 * them as byte strings, which this does not model (docs/routing.md lists it among the known gaps). A literal
 * whose number cannot be told exactly (more than 64 bits, an empty {@code x''}) gives null, so that it pins
 * nothing and the statement runs on every shard that may hold its rows.
 */
final class LiteralValues {

    private LiteralValues() {
    }

    /** The literal's value (Long, BigInteger, BigDecimal or String), or null when it is not a literal we read. */
    static Object valueOf(Expression expression) {
        if (expression instanceof LongValue value) {
            return value.getStringValue().length() < 19 ? (Object) value.getValue() : value.getBigIntegerValue();
        }
        if (expression instanceof StringValue value) {
            String prefix = value.getPrefix();
            if (prefix != null && prefix.equalsIgnoreCase("b")) {
                return unsigned(value.getValue(), 2);
            }
            if (prefix != null && prefix.equalsIgnoreCase("x")) {
                return unsigned(value.getValue(), 16);
            }
            return value.getValue();
        }
        if (expression instanceof DoubleValue value) {
            return new BigDecimal(value.toString());
        }
        if (expression instanceof HexValue hex) {
            return hexValue(hex.getValue());
        }
        if (expression instanceof BooleanValue bool) {
            return bool.getValue() ? 1L : 0L;
        }
        if (expression instanceof Column column && column.getTable() == null) {
            return prefixedNumber(column.getColumnName());
        }
        if (expression instanceof SignedExpression signed) {
            Object value = valueOf(signed.getExpression());
            if (signed.getSign() == '+') {
                return value;   // MySQL's unary plus changes nothing, not even a string's type
            }
            if (signed.getSign() == '-') {
                return negate(value);
            }
        }
        return null;
    }

    /** 0x25 (MySQL lexes it as a hex literal, not a name) or x'25'/X'25'. */
    private static Object hexValue(String image) {
        String text = image.strip();    // the parser's image may keep the blank after it
        if (text.length() > 2 && (text.charAt(0) == 'x' || text.charAt(0) == 'X') && text.charAt(1) == '\''
                && text.endsWith("'")) {
            return unsigned(text.substring(2, text.length() - 1), 16);
        }
        return prefixedNumber(text);
    }

    /** 0x1F or 0b101 read as a name by the parser; null for any other name. */
    private static Object prefixedNumber(String name) {
        if (name.length() > 2 && name.charAt(0) == '0') {
            char kind = name.charAt(1);
            if (kind == 'x') {
                return unsigned(name.substring(2), 16);
            }
            if (kind == 'b') {
                return unsigned(name.substring(2), 2);
            }
        }
        return null;
    }

    /** The digits as MySQL's BIGINT UNSIGNED reading of a hex or bit literal; null beyond 64 bits or if no digits. */
    private static Object unsigned(String digits, int radix) {
        if (digits.isEmpty()) {
            return null;
        }
        BigInteger value;
        try {
            value = new BigInteger(digits.toLowerCase(Locale.ROOT), radix);
        } catch (NumberFormatException e) {
            return null;
        }
        if (value.bitLength() > Long.SIZE) {
            return null;
        }
        return value.bitLength() < Long.SIZE ? (Object) value.longValue() : value;
    }

    private static Object negate(Object value) {
        if (value instanceof Long l) {
            return l == Long.MIN_VALUE ? BigInteger.valueOf(l).negate() : (Object) (-l);
        }
        if (value instanceof BigInteger b) {
            return b.negate();
        }
        if (value instanceof BigDecimal d) {
            return d.negate();
        }
        return null;    // -'abc' is a number MySQL computes from the string: not a literal we read
    }
}
