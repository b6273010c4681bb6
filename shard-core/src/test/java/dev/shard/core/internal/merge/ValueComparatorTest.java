package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueComparatorTest {

    private static final ValueComparator BIN = MySqlMerge.BINARY;
    private static final ValueComparator CI = MySqlMerge.CASE_INSENSITIVE;

    @Test
    void nullIsTheSmallestValue() {
        assertThat(BIN.compare(null, null)).isZero();
        assertThat(BIN.compare(null, Long.MIN_VALUE)).isNegative();
        assertThat(BIN.compare("", null)).isPositive();
        assertThat(CI.compare(null, "a")).isNegative();
    }

    @Test
    void numbersCompareByValueAcrossJavaTypes() {
        Object[] fives = {5, 5L, new BigDecimal("5.00"), 5.0d, 5.0f, BigInteger.valueOf(5), (short) 5, (byte) 5};
        for (Object a : fives) {
            for (Object b : fives) {
                assertThat(BIN.compare(a, b)).as("%s vs %s", a, b).isZero();
                assertThat(BIN.groupKey(a)).as("key %s vs %s", a, b).isEqualTo(BIN.groupKey(b));
            }
            assertThat(BIN.compare(a, 6L)).isNegative();
            assertThat(BIN.compare(new BigDecimal("4.99"), a)).isNegative();
            assertThat(BIN.compare(a, 5.000001d)).isNegative();
        }
        assertThat(BIN.compare(Long.MAX_VALUE, new BigInteger("9223372036854775808"))).isNegative();
        assertThat(BIN.compare(-0.0d, 0.0d)).isZero();
        assertThat(BIN.groupKey(-0.0d)).isEqualTo(BIN.groupKey(new BigDecimal("0.000")));
        // Exact comparison keeps the order transitive: 0.1d is not the decimal 0.1.
        assertThat(BIN.compare(0.1d, new BigDecimal("0.1"))).isPositive();
    }

    @Test
    void booleansAreZeroAndOne() {
        assertThat(BIN.compare(true, 1L)).isZero();
        assertThat(BIN.compare(false, true)).isNegative();
        assertThat(BIN.groupKey(true)).isEqualTo(BIN.groupKey(new BigDecimal("1.0")));
    }

    @Test
    void caseInsensitiveStringsFoldCaseAccentsAndTrailingSpaces() {
        assertThat(CI.compare("paid", "PAID")).isZero();
        assertThat(CI.compare("a", "B")).isNegative();
        assertThat(CI.compare("B", "a")).isPositive();
        assertThat(CI.compare("café", "CAFE")).isZero();
        assertThat(CI.compare("Ünïcödé", "unicode ")).isZero();
        assertThat(CI.compare("a  ", "A")).isZero();
        assertThat(CI.compare("é", "f")).isNegative();
        assertThat(CI.groupKey("PAID  ")).isEqualTo(CI.groupKey("paid"));
        assertThat(CI.groupKey("Café")).isEqualTo(CI.groupKey("cafe"));
    }

    @Test
    void binaryStringsAreCaseSensitiveButPadSpace() {
        assertThat(BIN.compare("paid", "PAID")).isPositive();
        assertThat(BIN.compare("B", "a")).isNegative();
        assertThat(BIN.compare("a ", "a")).isZero();
        assertThat(BIN.groupKey("a  ")).isEqualTo(BIN.groupKey("a"));
        // PAD SPACE: the shorter string is compared as if padded with spaces, so a tab sorts before the end.
        assertThat(BIN.compare("a\t", "a")).isNegative();
        assertThat(CI.compare("A\t", "a")).isNegative();
        assertThat(BIN.compare("ab", "a")).isPositive();
    }

    @Test
    void binaryStringsCompareByCodePoint() {
        String supplementary = new String(Character.toChars(0x1F600));
        // In UTF-16 a surrogate (0xD83D) is below U+FF5E; by code point U+1F600 is above.
        assertThat(BIN.compare(supplementary, "\uFF5E")).isPositive();
        assertThat(CI.compare(supplementary, "\uFF5E")).isPositive();
    }

    @Test
    void bytesCompareUnsigned() {
        assertThat(BIN.compare(new byte[] {(byte) 0xFF}, new byte[] {0x01})).isPositive();
        assertThat(BIN.compare(new byte[] {1, 2}, new byte[] {1, 2, 0})).isNegative();
        assertThat(BIN.groupKey(new byte[] {1, 2})).isEqualTo(BIN.groupKey(new byte[] {1, 2}));
    }

    @Test
    void datesAndTimesCompareByValueAcrossTypes() {
        LocalDateTime t = LocalDateTime.of(2024, 1, 31, 10, 0, 0, 123_000_000);
        assertThat(BIN.compare(Timestamp.valueOf(t), t)).isZero();
        assertThat(BIN.groupKey(Timestamp.valueOf(t))).isEqualTo(BIN.groupKey(t));
        assertThat(BIN.compare(Timestamp.valueOf(t), t.plusNanos(1))).isNegative();
        assertThat(BIN.compare(java.sql.Date.valueOf("2024-01-31"), LocalDate.of(2024, 1, 31))).isZero();
        assertThat(BIN.compare(LocalDate.of(2024, 1, 31), t)).isNegative();
        assertThat(BIN.compare(LocalDate.of(2024, 1, 31), LocalDateTime.of(2024, 1, 31, 0, 0))).isZero();
        assertThat(BIN.compare(new Time(Time.valueOf("10:00:00").getTime() + 5), LocalTime.of(10, 0))).isPositive();
        assertThat(BIN.compare(Time.valueOf("10:00:00"), LocalTime.of(10, 0))).isZero();
        assertThat(BIN.compare(OffsetDateTime.of(t, ZoneOffset.ofHours(1)), OffsetDateTime.of(t, ZoneOffset.UTC)))
                .isNegative();
    }

    @Test
    void valuesOfDifferentKindsDoNotCompare() {
        assertThatThrownBy(() -> BIN.compare("5", 5L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot compare");
        assertThatThrownBy(() -> BIN.compare(LocalTime.NOON, LocalDate.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void groupKeysAgreeWithCompareAndSortingIsConsistent() {
        // Every pair: keys equal exactly when compare is 0; and the order is antisymmetric and transitive
        // enough for a stable sort to accept it.
        List<Object> values = new ArrayList<>(Arrays.asList(null, 0L, -0.0d, new BigDecimal("0.00"), 1, 1.5d,
                new BigDecimal("1.50"), BigInteger.TEN, 10.0f, "a", "A", "a ", "á", "b", "B", "_", "ß", "Straße",
                "STRASSE"));
        for (ValueComparator cmp : List.of(BIN, CI)) {
            for (Object a : values) {
                for (Object b : values) {
                    if (kind(a) != kind(b)) {
                        continue;
                    }
                    int c = cmp.compare(a, b);
                    assertThat(Integer.signum(c)).as("antisymmetric %s %s", a, b)
                            .isEqualTo(-Integer.signum(cmp.compare(b, a)));
                    assertThat(java.util.Objects.equals(cmp.groupKey(a), cmp.groupKey(b)))
                            .as("%s key vs compare of %s and %s", cmp.caseInsensitive() ? "ci" : "bin", a, b)
                            .isEqualTo(c == 0);
                    assertThat(Integer.signum(BIN.compare(cmp.collationKey(a), cmp.collationKey(b))))
                            .as("collation key order of %s and %s", a, b).isEqualTo(Integer.signum(c));
                }
            }
        }
    }

    @Test
    void asciiFastPathAgreesWithTheFoldingPath() {
        Random random = new Random(42);
        String alphabet = "aAbBzZ_ [`~09\t";
        for (int i = 0; i < 5_000; i++) {
            String a = randomString(random, alphabet);
            String b = randomString(random, alphabet);
            int fast = Integer.signum(CI.compare(a, b));
            int slow = Integer.signum(BIN.compare(MySqlMerge.fold(a), MySqlMerge.fold(b)));
            assertThat(fast).as("'%s' vs '%s'", a, b).isEqualTo(slow);
        }
    }

    private static String randomString(Random random, String alphabet) {
        int length = random.nextInt(5);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static ValueComparator.Kind kind(Object v) {
        return v == null ? null : ValueComparator.Kind.of(v);
    }
}
