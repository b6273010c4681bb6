package dev.shard.core.internal.hash;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Locale;
import java.util.UUID;

/**
 * Turns a shard-key value, whatever Java type carries it, into its slot.
 *
 * <h2>Persistent format: never change anything here</h2>
 * Where a row lives is decided by this class, so its output is stored data in disguise: any change to the
 * canonical forms or the hash below silently strands existing rows on the wrong shard. The format is:
 * <ul>
 *   <li>slot = murmur3_32 (x86, seed 0, Guava's {@code murmur3_32_fixed}) of the canonical form, masked to the
 *       low log2({@link SlotMap#SLOT_COUNT}) bits;</li>
 *   <li>an integer that fits in a long (whatever type carries it) is hashed as its 8 little-endian bytes,
 *       exactly Guava's {@code hashLong};</li>
 *   <li>every other value is hashed as the UTF-8 bytes of a canonical string, except {@code byte[]}, which is
 *       hashed as it is.</li>
 * </ul>
 * The governing rule for canonical forms: two values that SQL considers equal must never get different slots
 * (that would lose rows), while merging values SQL considers different is harmless (it only co-locates them).
 * Where MySQL semantics are unclear, the forms below therefore lean towards merging.
 */
public final class ShardKeys {

    private static final HashFunction MURMUR3_32 = Hashing.murmur3_32_fixed();
    private static final int SLOT_MASK = SlotMap.SLOT_COUNT - 1;

    /** Beyond this many digits of scale a plain string would be unboundedly long (1E+999999999). */
    private static final int MAX_PLAIN_SCALE = 1000;

    private ShardKeys() {
    }

    /**
     * The slot of a shard-key value. Equal SQL values give equal slots whatever carries them.
     *
     * @throws IllegalArgumentException for null or a type that cannot be a shard key
     */
    public static int slotOf(Object value) {
        return hash(value) & SLOT_MASK;
    }

    /**
     * The slot of a shard-key value in a column whose collation's weights are known: a string hashes by its weight
     * under the collation (see {@link CollationWeights}), so strings the column holds equal share a slot; a weight
     * that spells a number in ASCII hashes as that number, as {@link #slotOf(Object)} hashes number-shaped strings,
     * so that {@code setInt(42)} and {@code '42'} still meet. Other values, and any value when {@code collation} is
     * null, hash as {@link #slotOf(Object)} does.
     */
    public static int slotOf(Object value, CollationWeights collation) {
        if (value instanceof Character c) {
            value = c.toString();
        }
        if (collation == null || !(value instanceof String s)) {
            return slotOf(value);
        }
        byte[] key = collation.key(s);
        String ascii = collation.asciiForm(key);
        if (ascii != null && numberShape(ascii) != NumberShape.NONE) {
            return hashText(ascii) & SLOT_MASK;
        }
        return MURMUR3_32.hashBytes(key).asInt() & SLOT_MASK;
    }

    private static int hash(Object value) {
        // Most frequent types first: this runs once per routed statement or row.
        if (value instanceof Long l) {
            return hashLong(l);
        }
        if (value instanceof Integer i) {
            return hashLong(i);
        }
        if (value instanceof String s) {
            return hashText(s);
        }
        if (value instanceof BigDecimal d) {
            return hashDecimal(d);
        }
        if (value instanceof Short s) {
            return hashLong(s);
        }
        if (value instanceof Byte b) {
            return hashLong(b);
        }
        if (value instanceof BigInteger b) {
            return b.bitLength() < Long.SIZE ? hashLong(b.longValue()) : hashDecimal(new BigDecimal(b));
        }
        if (value instanceof Double d) {
            return hashDouble(d);
        }
        if (value instanceof Float f) {
            return hashFloat(f);
        }
        if (value instanceof Boolean b) {
            return hashLong(b ? 1 : 0); // MySQL's BOOLEAN is TINYINT(1): TRUE = 1
        }
        if (value instanceof UUID u) {
            return hashText(u.toString());
        }
        if (value instanceof byte[] bytes) {
            return MURMUR3_32.hashBytes(bytes).asInt();
        }
        if (value instanceof Character c) {
            return hashText(c.toString());
        }
        // Temporal values go through hashText so that a string parameter spelling the same ISO value
        // ('2024-01-05', '2024-01-05T10:15') lands on the same slot as the typed value.
        if (value instanceof LocalDate d) {
            return hashText(d.toString());
        }
        if (value instanceof LocalDateTime t) {
            return hashDateTime(t);
        }
        if (value instanceof Timestamp t) { // before java.util.Date: Timestamp is one
            return hashDateTime(t.toLocalDateTime());
        }
        if (value instanceof java.sql.Date d) {
            return hashText(d.toLocalDate().toString());
        }
        if (value instanceof Instant i) {
            return hashText(i.toString());
        }
        if (value == null) {
            throw new IllegalArgumentException("a shard key value cannot be null: NULL equals nothing, so no shard holds it");
        }
        throw new IllegalArgumentException("a value of type " + value.getClass().getName() + " cannot be a shard key");
    }

    private static int hashDateTime(LocalDateTime t) {
        // MySQL compares DATE '2024-01-05' equal to DATETIME '2024-01-05 00:00:00', so midnight must hash as the date.
        return t.toLocalTime().equals(LocalTime.MIDNIGHT) ? hashText(t.toLocalDate().toString()) : hashText(t.toString());
    }

    private static int hashDouble(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(d + " cannot be a shard key");
        }
        if (d == Math.rint(d)) {
            // -2^63 <= d < 2^63 is exactly the range where the cast is lossless.
            return d >= -0x1p63 && d < 0x1p63 ? hashLong((long) d) : hashDecimal(new BigDecimal(d));
        }
        // A non-integral double is meant as the decimal it was written as (0.1, not 0.1000000000000000055...),
        // so it must meet new BigDecimal("0.1"). Double.toString is not used because its digits changed in JDK 19;
        // this search for the shortest round-tripping decimal depends only on correctly rounded arithmetic.
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == d) {
                return hashDecimal(rounded);
            }
        }
        return hashDecimal(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
    }

    private static int hashFloat(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            throw new IllegalArgumentException(f + " cannot be a shard key");
        }
        if (f == Math.rint(f)) {
            return hashDouble(f); // every float is exactly a double, so integral floats meet integral doubles
        }
        BigDecimal exact = new BigDecimal(f);
        for (int digits = 1; digits < 9; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (rounded.floatValue() == f) {
                return hashDecimal(rounded);
            }
        }
        return hashDecimal(exact.round(new MathContext(9, RoundingMode.HALF_EVEN)));
    }

    private static int hashDecimal(BigDecimal d) {
        if (d.signum() == 0) {
            return hashLong(0); // stripTrailingZeros of 0.000 kept its scale before JDK 8; don't depend on it
        }
        BigDecimal stripped = d.stripTrailingZeros();
        int scale = stripped.scale();
        // precision - scale is the number of integer digits; the check keeps 1E+999999999 from being expanded.
        if (scale <= 0 && stripped.precision() - scale <= 19) {
            BigInteger integer = stripped.toBigInteger();
            if (integer.bitLength() < Long.SIZE) {
                return hashLong(integer.longValue());
            }
        }
        // After stripping, (unscaled, scale) is unique per numeric value, so either string is canonical.
        String canonical = scale >= -MAX_PLAIN_SCALE && scale <= MAX_PLAIN_SCALE
                ? stripped.toPlainString()
                : stripped.toString();
        return hashUtf8(canonical);
    }

    /**
     * Strings are compared the way MySQL's default collations compare them (case- and accent-insensitive, trailing
     * spaces ignored), and a string spelling a number is that number, because MySQL converts the string when the
     * column is numeric and drivers or callers often pass ids as strings.
     */
    private static int hashText(String s) {
        String folded = fold(s);
        return switch (numberShape(folded)) {
            case LONG -> hashLong(Long.parseLong(folded.strip()));
            case DECIMAL -> hashDecimalText(folded);
            case NONE -> hashUtf8(folded);
        };
    }

    private static int hashDecimalText(String folded) {
        try {
            return hashDecimal(new BigDecimal(folded.strip()));
        } catch (NumberFormatException e) {
            return hashUtf8(folded); // exponent beyond int range: not a number MySQL could store either
        }
    }

    /** Case fold, accent strip and trailing-space strip; returns {@code s} itself for the common lower-case ASCII key. */
    static String fold(String s) {
        int length = s.length();
        boolean upper = false;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return foldUnicode(s);
            }
            upper |= c >= 'A' && c <= 'Z';
        }
        int end = trailingSpacesStart(s);
        if (!upper) {
            return end == length ? s : s.substring(0, end);
        }
        char[] chars = new char[end];
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            chars[i] = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        return new String(chars);
    }

    /*
     * NFKD rather than NFD: the 0900 collations also equate compatibility forms (fullwidth '４２' = '42',
     * 'ﬁ' = 'fi'), and merging more is the safe direction. Upper- then lower-casing reaches 'ss' from 'ß' and
     * 'σ' from 'ς', both of which the collations equate. Mark stripping runs again after case mapping because
     * upper-casing can emit combining marks ('ǰ' -> 'J' + U+030C). Caveat for the persistent format: these tables
     * follow the JDK's Unicode version, so only characters unassigned in older versions could ever change slot.
     */
    private static String foldUnicode(String s) {
        String decomposed = Normalizer.normalize(s, Normalizer.Form.NFKD);
        String cased = stripMarks(decomposed).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        String folded = stripMarks(cased);
        return folded.substring(0, trailingSpacesStart(folded));
    }

    private static String stripMarks(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (type != Character.NON_SPACING_MARK && type != Character.COMBINING_SPACING_MARK
                    && type != Character.ENCLOSING_MARK) {
                out.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** MySQL's PAD SPACE collations pad with U+0020 only, so only that is stripped. */
    private static int trailingSpacesStart(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return end;
    }

    private enum NumberShape { NONE, LONG, DECIMAL }

    /**
     * Recognises ASCII numbers only, like MySQL's string-to-number conversion, and only then asks BigDecimal,
     * so that ordinary text keys never pay for a NumberFormatException.
     */
    private static NumberShape numberShape(String s) {
        int i = 0;
        int end = s.length();
        while (i < end && s.charAt(i) <= ' ') {
            i++;
        }
        while (end > i && s.charAt(end - 1) <= ' ') {
            end--;
        }
        if (i < end && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int intDigits = 0;
        while (i < end && isDigit(s.charAt(i))) {
            i++;
            intDigits++;
        }
        if (i == end) {
            // 18 digits always fit in a long; longer runs take the exact BigDecimal route.
            return intDigits == 0 ? NumberShape.NONE : intDigits <= 18 ? NumberShape.LONG : NumberShape.DECIMAL;
        }
        int fractionDigits = 0;
        if (s.charAt(i) == '.') {
            i++;
            while (i < end && isDigit(s.charAt(i))) {
                i++;
                fractionDigits++;
            }
        }
        if (intDigits + fractionDigits == 0) {
            return NumberShape.NONE;
        }
        if (i < end && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < end && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < end && isDigit(s.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return NumberShape.NONE;
            }
        }
        return i == end ? NumberShape.DECIMAL : NumberShape.NONE;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int hashUtf8(String s) {
        return MURMUR3_32.hashString(s, StandardCharsets.UTF_8).asInt();
    }

    /**
     * murmur3_32 (seed 0) of the 8 little-endian bytes of {@code v}, bit for bit Guava's
     * {@code murmur3_32_fixed().hashLong(v)}, inlined because this is the hot path and must not allocate.
     */
    static int hashLong(long v) {
        int h = mixH1(0, mixK1((int) v));
        h = mixH1(h, mixK1((int) (v >>> 32)));
        h ^= Long.BYTES;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int mixK1(int k) {
        return Integer.rotateLeft(k * 0xcc9e2d51, 15) * 0x1b873593;
    }

    private static int mixH1(int h, int k) {
        return Integer.rotateLeft(h ^ k, 13) * 5 + 0xe6546b64;
    }
}
