package dev.shard.cli.reshard;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.UnsupportedCharsetException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TimeZone;

/**
 * Turns a value as the binlog client decodes it into the Java value of a row: the types Connector/J's
 * {@code getObject} gives for the same column where one fits, so that a replayed row hashes to the same slot and
 * writes the same bytes as a copied one.
 *
 * <p>The client runs with {@link BinlogCatchUp#DESERIALIZER_MODES}, so values arrive as: integers as signed Java
 * ints and longs (the binlog has no signedness); CHAR/VARCHAR/TEXT as bytes (the binlog has no charset, and the
 * client's own decoding would guess); dates and times as microseconds (exact, no time zone applied), with
 * {@link Long#MIN_VALUE} for a zero date; ENUM as its 1-based index and SET as its bit mask; BIT as a BitSet;
 * DECIMAL as BigDecimal; MySQL's JSON in its binary form (MariaDB's JSON is a LONGTEXT and arrives as text).
 *
 * <p>Results: TINYINT..INT Integer (INT UNSIGNED Long), BIGINT Long (UNSIGNED BigInteger), YEAR Integer,
 * FLOAT Float, DOUBLE Double, DECIMAL BigDecimal, BIT(n) byte[ceil(n/8)], DATE LocalDate, DATETIME LocalDateTime, TIMESTAMP
 * Instant, TIME a String {@code [H]HH:MM:SS[.ffffff]} (it may exceed 24 hours), text and ENUM/SET String, JSON a
 * String, binary strings and BLOBs byte[]. A zero DATE/DATETIME/TIMESTAMP becomes the String
 * {@code 0000-00-00[ 00:00:00]}, which the server stores back as the same zero value. Negative TIME values are not
 * supported (the client drops their sign).
 */
final class BinlogValues {

    /** MySQL character set names whose Java name differs. MySQL's latin1 is Windows-1252, not ISO-8859-1. */
    private static final Map<String, String> JAVA_CHARSETS = Map.ofEntries(
            Map.entry("utf8mb4", "UTF-8"), Map.entry("utf8mb3", "UTF-8"), Map.entry("utf8", "UTF-8"),
            Map.entry("latin1", "windows-1252"), Map.entry("ascii", "US-ASCII"), Map.entry("ucs2", "UTF-16BE"),
            Map.entry("utf16", "UTF-16BE"), Map.entry("utf16le", "UTF-16LE"), Map.entry("utf32", "UTF-32BE"),
            Map.entry("latin2", "ISO-8859-2"), Map.entry("latin5", "ISO-8859-9"), Map.entry("latin7", "ISO-8859-13"),
            Map.entry("greek", "ISO-8859-7"), Map.entry("hebrew", "ISO-8859-8"), Map.entry("cp1250", "windows-1250"),
            Map.entry("cp1251", "windows-1251"), Map.entry("cp1256", "windows-1256"),
            Map.entry("cp1257", "windows-1257"), Map.entry("cp850", "IBM850"), Map.entry("cp852", "IBM852"),
            Map.entry("cp866", "IBM866"), Map.entry("koi8r", "KOI8-R"), Map.entry("koi8u", "KOI8-U"),
            Map.entry("sjis", "Shift_JIS"), Map.entry("cp932", "windows-31j"), Map.entry("ujis", "EUC-JP"),
            Map.entry("euckr", "EUC-KR"), Map.entry("gb2312", "GB2312"), Map.entry("gbk", "GBK"),
            Map.entry("gb18030", "GB18030"), Map.entry("big5", "Big5"), Map.entry("tis620", "TIS-620"));
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
    /** 1582-10-15T00:00Z, where the client's calendar switches from Julian to Gregorian. */
    private static final long GREGORIAN_CUTOVER_MICROS = -12_219_292_800_000_000L;
    private static final String ZERO_DATE = "0000-00-00";
    private static final String ZERO_DATETIME = "0000-00-00 00:00:00";

    private BinlogValues() {
    }

    /**
     * The row value of one column.
     *
     * @throws SQLException naming the table and column when the value cannot be decoded (an unknown charset,
     *                      invalid text, a type the column does not have)
     */
    static Object convert(String table, BinlogColumn column, Serializable raw) throws SQLException {
        if (raw == null) {
            return null;
        }
        try {
            return convert(column, raw);
        } catch (RuntimeException | IOException e) {
            throw new SQLException("Cannot read the binlog value of " + table + "." + column.name() + " ("
                    + column.columnType() + ", decoded as " + raw.getClass().getSimpleName() + "): " + e.getMessage(),
                    e);
        }
    }

    private static Object convert(BinlogColumn column, Serializable raw) throws IOException {
        switch (column.dataType()) {
            case "tinyint":
                return unsignedInt(column, ((Number) raw).intValue(), 8);
            case "smallint":
                return unsignedInt(column, ((Number) raw).intValue(), 16);
            case "mediumint":
                return unsignedInt(column, ((Number) raw).intValue(), 24);
            case "int":
            case "integer":
                int value = ((Number) raw).intValue();
                return column.unsigned() ? (Object) Integer.toUnsignedLong(value) : (Object) value;
            case "bigint":
                long big = ((Number) raw).longValue();
                return column.unsigned() ? (Object) unsignedLong(big) : (Object) big;
            case "bit":
                return bits(column, (BitSet) raw);
            case "date":
                return zeroOr((Long) raw, ZERO_DATE, true);
            case "datetime":
                return zeroOr((Long) raw, ZERO_DATETIME, false);
            case "timestamp":
                long micros = (Long) raw;
                // A zero TIMESTAMP is stored as the epoch's second 0, which no valid TIMESTAMP uses.
                return micros == 0 || micros == Long.MIN_VALUE ? ZERO_DATETIME : instantOfMicros(micros);
            case "time":
                return time((Long) raw);
            case "enum":
                int index = ((Number) raw).intValue();
                // Index 0 is the empty string MySQL stores for an invalid value in non-strict mode.
                return index == 0 ? "" : column.enumValues().get(index - 1);
            case "set":
                return setValue(column, ((Number) raw).longValue());
            case "json":
                // MySQL's binary JSON; MariaDB reports JSON columns as longtext and they arrive as text.
                return raw instanceof byte[] bytes ? JsonBinary.parseAsString(bytes) : raw.toString();
            default:
                return raw instanceof byte[] bytes ? text(column, bytes) : raw;
        }
    }

    private static Object unsignedInt(BinlogColumn column, int value, int bits) {
        return column.unsigned() && value < 0 ? value + (1 << bits) : value;
    }

    private static BigInteger unsignedLong(long value) {
        BigInteger big = BigInteger.valueOf(value);
        return value < 0 ? big.add(TWO_TO_64) : big;
    }

    /**
     * BIT(n) as ceil(n/8) big-endian bytes, as Connector/J reads it (for n > 1) and as the server takes it back; a
     * Long would not hold BIT(64)'s top bit.
     */
    private static byte[] bits(BinlogColumn column, BitSet bits) {
        byte[] bytes = new byte[(column.bitWidth() + 7) / 8];
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            bytes[bytes.length - 1 - i / 8] |= (byte) (1 << (i % 8));
        }
        return bytes;
    }

    private static Object zeroOr(long micros, String zero, boolean dateOnly) {
        if (micros == Long.MIN_VALUE) {
            return zero;
        }
        LocalDateTime time = micros < GREGORIAN_CUTOVER_MICROS ? julianDateTime(micros)
                : LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        return dateOnly ? time.toLocalDate() : time;
    }

    /**
     * The client turns dates before the Gregorian cutover (1582-10-15) into time with java.util.GregorianCalendar,
     * which counts them in the Julian calendar: read the fields back the same way.
     */
    private static LocalDateTime julianDateTime(long micros) {
        GregorianCalendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        calendar.setTimeInMillis(Math.floorDiv(micros, 1000L));
        int nanos = (calendar.get(Calendar.MILLISECOND) * 1000 + (int) Math.floorMod(micros, 1000L)) * 1000;
        return LocalDateTime.of(calendar.get(Calendar.YEAR), calendar.get(Calendar.MONTH) + 1,
                calendar.get(Calendar.DAY_OF_MONTH), calendar.get(Calendar.HOUR_OF_DAY), calendar.get(Calendar.MINUTE),
                calendar.get(Calendar.SECOND), nanos);
    }

    private static Instant instantOfMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** TIME arrives as microseconds after 1970-01-01 00:00 UTC; hours may exceed 24 (up to 838). */
    static String time(long micros) {
        long totalSeconds = Math.floorDiv(micros, 1_000_000L);
        long fraction = Math.floorMod(micros, 1_000_000L);
        String text = String.format("%02d:%02d:%02d", totalSeconds / 3600, totalSeconds / 60 % 60, totalSeconds % 60);
        return fraction == 0 ? text : text + "." + String.format("%06d", fraction);
    }

    private static String setValue(BinlogColumn column, long bits) {
        StringJoiner joined = new StringJoiner(",");
        for (int i = 0; i < column.enumValues().size(); i++) {
            if ((bits & (1L << i)) != 0) {
                joined.add(column.enumValues().get(i));
            }
        }
        return joined.toString();
    }

    /** Text columns decode with their own charset; binary strings (no charset) stay bytes. */
    private static Object text(BinlogColumn column, byte[] bytes) throws CharacterCodingException {
        if (column.charset() == null || column.charset().equalsIgnoreCase("binary")) {
            return bytes;
        }
        return javaCharset(column.charset()).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    static Charset javaCharset(String mysqlCharset) {
        String name = JAVA_CHARSETS.getOrDefault(mysqlCharset.toLowerCase(java.util.Locale.ROOT), mysqlCharset);
        try {
            return Charset.forName(name);
        } catch (UnsupportedCharsetException | java.nio.charset.IllegalCharsetNameException e) {
            throw new IllegalArgumentException("the column's character set " + mysqlCharset + " has no Java "
                    + "equivalent here", e);
        }
    }
}
