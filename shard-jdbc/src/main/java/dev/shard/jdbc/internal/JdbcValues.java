package dev.shard.jdbc.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/**
 * JDBC getter conversions for merged rows, whose values are whatever the shards' drivers returned from
 * getObject. They follow what MySQL Connector/J does for the same column, so that code written against one
 * database reads a merged result the same way. Dates and times are in {@link JdbcDateTimes}.
 */
final class JdbcValues {

    /**
     * MySQL's text form of DATETIME: a space, not a 'T', and fractions only when present. A minimum width of 0
     * is what leaves the fraction out: with 1, a whole second printed as "10:30:00.0" (optionalStart does not
     * help when formatting, as the field is always available).
     */
    private static final DateTimeFormatter DATETIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .toFormatter();

    private JdbcValues() {
    }

    static String toString(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (value instanceof LocalDateTime dateTime) {
            return DATETIME.format(dateTime);
        }
        if (value instanceof Timestamp timestamp) {
            return DATETIME.format(timestamp.toLocalDateTime());
        }
        return value.toString();
    }

    static long toLong(Object value, int column) throws SQLException {
        if (value == null) {
            return 0;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        BigDecimal decimal = toBigDecimal(value, column);
        try {
            // JDBC getters truncate a fraction, as Connector/J does; a value out of range is an error.
            return decimal.setScale(0, java.math.RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new SQLDataException("Value " + value + " of column " + column + " is out of range for a long",
                    "22003");
        }
    }

    static int toInt(Object value, int column) throws SQLException {
        long v = toLong(value, column);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new SQLDataException("Value " + value + " of column " + column + " is out of range for an int",
                    "22003");
        }
        return (int) v;
    }

    static short toShort(Object value, int column) throws SQLException {
        long v = toLong(value, column);
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            throw new SQLDataException("Value " + value + " of column " + column + " is out of range for a short",
                    "22003");
        }
        return (short) v;
    }

    static byte toByte(Object value, int column) throws SQLException {
        long v = toLong(value, column);
        if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
            throw new SQLDataException("Value " + value + " of column " + column + " is out of range for a byte",
                    "22003");
        }
        return (byte) v;
    }

    static double toDouble(Object value, int column) throws SQLException {
        if (value == null) {
            return 0;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        return toBigDecimal(value, column).doubleValue();
    }

    static boolean toBoolean(Object value, int column) throws SQLException {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            String t = s.trim();
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("y") || t.equalsIgnoreCase("yes")) {
                return true;
            }
            if (t.equalsIgnoreCase("false") || t.equalsIgnoreCase("n") || t.equalsIgnoreCase("no") || t.isEmpty()) {
                return false;
            }
        }
        return toBigDecimal(value, column).signum() != 0;
    }

    static BigDecimal toBigDecimal(Object value, int column) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(((Number) value).doubleValue());
        }
        if (value instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        try {
            return new BigDecimal(toString(value).trim());
        } catch (NumberFormatException e) {
            throw conversion(value, "a number", column);
        }
    }

    static byte[] toBytes(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        return toString(value).getBytes(StandardCharsets.UTF_8);
    }

    static InputStream toAsciiStream(Object value) {
        return value == null ? null
                : new ByteArrayInputStream(toString(value).getBytes(StandardCharsets.US_ASCII));
    }

    static InputStream toBinaryStream(Object value) {
        return value == null ? null : new ByteArrayInputStream(toBytes(value));
    }

    static Reader toCharacterStream(Object value) {
        return value == null ? null : new StringReader(toString(value));
    }

    static Blob toBlob(Object value) throws SQLException {
        if (value == null || value instanceof Blob) {
            return (Blob) value;
        }
        return new SerialBlob(toBytes(value));
    }

    static Clob toClob(Object value) throws SQLException {
        if (value == null || value instanceof Clob) {
            return (Clob) value;
        }
        return new SerialClob(toString(value).toCharArray());
    }

    static URL toUrl(Object value, int column) throws SQLException {
        String text = toString(value);
        try {
            return text == null ? null : new URL(text);
        } catch (MalformedURLException e) {
            throw new SQLException("Column " + column + " is not a URL: " + text, "22018", e);
        }
    }

    /** getObject(column, type): the JDBC 4.1 conversions, plus the java.time types MyBatis and Hibernate ask for. */
    static <T> T convert(Object value, Class<T> type, int column) throws SQLException {
        if (type == null) {
            throw new SQLException("getObject: type must not be null", "HY000");
        }
        if (value == null) {
            return null;
        }
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        Object result;
        if (type == String.class) {
            result = toString(value);
        } else if (type == Long.class || type == long.class) {
            result = toLong(value, column);
        } else if (type == Integer.class || type == int.class) {
            result = toInt(value, column);
        } else if (type == Short.class || type == short.class) {
            result = toShort(value, column);
        } else if (type == Byte.class || type == byte.class) {
            result = toByte(value, column);
        } else if (type == Double.class || type == double.class) {
            result = toDouble(value, column);
        } else if (type == Float.class || type == float.class) {
            result = (float) toDouble(value, column);
        } else if (type == Boolean.class || type == boolean.class) {
            result = toBoolean(value, column);
        } else if (type == BigDecimal.class) {
            result = toBigDecimal(value, column);
        } else if (type == BigInteger.class) {
            result = toBigDecimal(value, column).toBigInteger();
        } else if (type == byte[].class) {
            result = toBytes(value);
        } else if (type == LocalDateTime.class) {
            result = JdbcDateTimes.toLocalDateTime(value, column);
        } else if (type == LocalDate.class) {
            result = value instanceof Date d ? d.toLocalDate()
                    : JdbcDateTimes.toLocalDateTime(value, column).toLocalDate();
        } else if (type == LocalTime.class) {
            result = JdbcDateTimes.toLocalTime(value, column);
        } else if (type == OffsetDateTime.class) {
            result = value instanceof Instant i ? i.atZone(ZoneId.systemDefault()).toOffsetDateTime()
                    : JdbcDateTimes.toLocalDateTime(value, column).atZone(ZoneId.systemDefault())
                            .toOffsetDateTime();
        } else if (type == ZonedDateTime.class) {
            result = JdbcDateTimes.toLocalDateTime(value, column).atZone(ZoneId.systemDefault());
        } else if (type == Instant.class) {
            result = JdbcDateTimes.toLocalDateTime(value, column).atZone(ZoneId.systemDefault()).toInstant();
        } else if (type == Timestamp.class) {
            result = JdbcDateTimes.toTimestamp(value, column);
        } else if (type == Date.class) {
            result = JdbcDateTimes.toDate(value, column);
        } else if (type == Time.class) {
            result = JdbcDateTimes.toTime(value, column);
        } else if (type == java.util.Date.class) {
            result = JdbcDateTimes.toTimestamp(value, column);
        } else {
            throw conversion(value, type.getName(), column);
        }
        @SuppressWarnings("unchecked")
        T cast = (T) result;
        return cast;
    }

    static SQLException conversion(Object value, String target, int column) {
        return new SQLDataException("Cannot convert " + value.getClass().getSimpleName() + " value of column "
                + column + " to " + target, "22018");
    }
}
