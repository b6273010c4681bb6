package dev.shard.core.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardKeysTest {

    /**
     * These numbers are the persistent format: rows already live on the shard they name. If this test fails,
     * the change to ShardKeys is the bug, not the expected values; never update them.
     */
    @Test
    void slotsNeverChangeAcrossReleases() {
        assertThat(ShardKeys.slotOf(0L)).isEqualTo(76540);
        assertThat(ShardKeys.slotOf(1L)).isEqualTo(220484);
        assertThat(ShardKeys.slotOf(42L)).isEqualTo(233790);
        assertThat(ShardKeys.slotOf(-7L)).isEqualTo(204149);
        assertThat(ShardKeys.slotOf(Long.MAX_VALUE)).isEqualTo(83135);
        assertThat(ShardKeys.slotOf(Long.MIN_VALUE)).isEqualTo(241445);
        assertThat(ShardKeys.slotOf("alice")).isEqualTo(102109);
        assertThat(ShardKeys.slotOf("straße")).isEqualTo(143139);
        assertThat(ShardKeys.slotOf(3.5)).isEqualTo(91570);
        assertThat(ShardKeys.slotOf(0.1)).isEqualTo(218108);
        assertThat(ShardKeys.slotOf(new BigDecimal("123456789012345678901234"))).isEqualTo(248633);
        assertThat(ShardKeys.slotOf(LocalDate.of(2024, 1, 5))).isEqualTo(29678);
        assertThat(ShardKeys.slotOf(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))).isEqualTo(182942);
        assertThat(ShardKeys.slotOf(new byte[] {1, 2, 3})).isEqualTo(119300);
    }

    /** The format is documented as Guava's murmur3_32_fixed; the inlined hot path must stay bit-identical. */
    @Test
    void integersHashExactlyAsGuavaHashLong() {
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            long v = i < 100 ? i - 50 : random.nextLong();
            int guava = Hashing.murmur3_32_fixed().hashLong(v).asInt() & (SlotMap.SLOT_COUNT - 1);
            assertThat(ShardKeys.slotOf(v)).as("slot of %d", v).isEqualTo(guava);
        }
    }

    @Test
    void textHashesItsUtf8BytesExactlyAsGuava() {
        for (String s : List.of("alice", "bob@example.com", "漢字", "emoji \uD83D\uDE00")) {
            int guava = Hashing.murmur3_32_fixed().hashBytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .asInt() & (SlotMap.SLOT_COUNT - 1);
            assertThat(ShardKeys.slotOf(s)).as(s).isEqualTo(guava);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, -1, 2, 42, -7, 127, -128, 255, 32767, -32768, 65536, Integer.MAX_VALUE,
            Integer.MIN_VALUE, 1L << 53, (1L << 53) + 1, 1234567890123456789L, Long.MAX_VALUE, Long.MIN_VALUE})
    void everyJavaTypeCarryingAnIntegerGivesTheSameSlot(long v) {
        int expected = ShardKeys.slotOf(v);
        List<Object> carriers = new ArrayList<>(List.of(
                BigInteger.valueOf(v),
                new BigDecimal(v),
                new BigDecimal(v + ".00"),
                new BigDecimal(BigInteger.valueOf(v).multiply(BigInteger.valueOf(1000)), 3),
                String.valueOf(v),
                String.valueOf(v) + "   ",
                " " + v));
        if (v >= 0) {
            carriers.addAll(List.of("+" + v, "00" + v, v + ".0", v + "e0"));
        }
        if (v == (int) v) {
            carriers.add((int) v);
        }
        if (v == (short) v) {
            carriers.add((short) v);
        }
        if (v == (byte) v) {
            carriers.add((byte) v);
        }
        if (v != Long.MAX_VALUE && (long) (double) v == v) {
            carriers.add((double) v);
        }
        if (v != Long.MAX_VALUE && (long) (float) v == v) {
            carriers.add((float) v);
        }
        for (Object carrier : carriers) {
            assertThat(ShardKeys.slotOf(carrier)).as("%s (%s) vs %dL", carrier, carrier.getClass().getSimpleName(), v)
                    .isEqualTo(expected);
        }
    }

    @Test
    void nonIntegralNumbersMeetTheirDecimalSpelling() {
        assertSameSlot(new BigDecimal("3.5"), new BigDecimal("3.50"), new BigDecimal("35E-1"), "3.5", "3.500 ", 3.5,
                3.5f);
        // A double stands for the decimal it was written as, not its binary expansion.
        assertSameSlot(new BigDecimal("0.1"), 0.1, 0.1f, "0.1", ".1");
        assertSameSlot(new BigDecimal("-2.25"), -2.25, "-2.250");
        assertThat(ShardKeys.slotOf(0.1)).isNotEqualTo(ShardKeys.slotOf(new BigDecimal(0.1)));
    }

    @Test
    void integersBeyondLongMeetAcrossTypes() {
        BigInteger big = new BigInteger("123456789012345678901234");
        assertSameSlot(big, new BigDecimal(big), new BigDecimal("123456789012345678901234.000"),
                "123456789012345678901234");
        BigInteger tenTo20 = BigInteger.TEN.pow(20);
        assertSameSlot(tenTo20, 1e20, new BigDecimal("1E+20"), "1e20", "100000000000000000000");
        assertSameSlot(BigInteger.ONE.shiftLeft(63), 0x1p63, "9223372036854775808");
    }

    @Test
    void zeroHasOneSlotWhateverItsSignOrScale() {
        assertSameSlot(0L, 0, -0.0, 0.0f, new BigDecimal("0.000"), new BigDecimal("0E+5"), "-0", "0.0", false);
    }

    @Test
    void stringsCompareLikeMysqlDefaultCollations() {
        assertSameSlot("alice", "Alice", "ALICE", "ALICE  ", "Álice", "álice", "ÀLÏCE ");
        assertSameSlot("strasse", "Straße", "STRASSE");
        assertSameSlot("resume", "résumé", "RÉSUMÉ");
        assertSameSlot("file", "ﬁle"); // compatibility ligature
        assertSameSlot(42L, "４２"); // fullwidth digits
        assertThat(ShardKeys.slotOf("alice")).isNotEqualTo(ShardKeys.slotOf("alicf"));
    }

    @Test
    void otherTypesCanonicalise() {
        assertSameSlot(1L, true);
        assertSameSlot(0L, false);
        assertSameSlot("a", 'a', 'A');
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertSameSlot(uuid, uuid.toString(), uuid.toString().toUpperCase());
        // MySQL equates DATE '2024-01-05' with DATETIME '2024-01-05 00:00:00'.
        assertSameSlot(LocalDate.of(2024, 1, 5), java.sql.Date.valueOf("2024-01-05"), "2024-01-05",
                LocalDateTime.of(2024, 1, 5, 0, 0), Timestamp.valueOf("2024-01-05 00:00:00"));
        assertSameSlot(LocalDateTime.of(2024, 1, 5, 10, 15, 30, 5_000_000),
                Timestamp.valueOf("2024-01-05 10:15:30.005"), "2024-01-05T10:15:30.005");
        assertSameSlot(Instant.parse("2024-01-05T10:15:30Z"), "2024-01-05T10:15:30Z");
        assertThat(ShardKeys.slotOf(new byte[] {1, 2, 3})).isEqualTo(
                Hashing.murmur3_32_fixed().hashBytes(new byte[] {1, 2, 3}).asInt() & (SlotMap.SLOT_COUNT - 1));
    }

    @Test
    void distinctValuesSpreadOverManySlots() {
        assertThat(ShardKeys.slotOf(1)).isNotEqualTo(ShardKeys.slotOf(2));
        assertThat(ShardKeys.slotOf("a")).isNotEqualTo(ShardKeys.slotOf("b"));
        Set<Integer> intSlots = new HashSet<>();
        Set<Integer> textSlots = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            intSlots.add(ShardKeys.slotOf(i));
            textSlots.add(ShardKeys.slotOf("user-" + i));
        }
        // 10,000 random draws from 2^18 slots hit about 9,813 distinct ones.
        assertThat(intSlots).hasSizeGreaterThan(9_600);
        assertThat(textSlots).hasSizeGreaterThan(9_600);
    }

    @Test
    void rejectsValuesThatCannotBeShardKeys() {
        assertThatThrownBy(() -> ShardKeys.slotOf(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> ShardKeys.slotOf(new java.util.Date()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.util.Date");
        assertThatThrownBy(() -> ShardKeys.slotOf(new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> ShardKeys.slotOf(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> ShardKeys.slotOf(Float.NEGATIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity");
    }

    @Test
    void hugeExponentsStayCheap() {
        // A plain string of 1E+999999999 would be a billion characters long.
        assertThat(ShardKeys.slotOf(new BigDecimal("1E+999999999")))
                .isEqualTo(ShardKeys.slotOf("1e999999999"))
                .isBetween(0, SlotMap.SLOT_COUNT - 1);
        assertThat(ShardKeys.slotOf("1e99999999999")).isBetween(0, SlotMap.SLOT_COUNT - 1);
    }

    private static void assertSameSlot(Object expected, Object... others) {
        int slot = ShardKeys.slotOf(expected);
        for (Object other : others) {
            assertThat(ShardKeys.slotOf(other)).as("%s (%s) vs %s (%s)", other, other.getClass().getSimpleName(),
                    expected, expected.getClass().getSimpleName()).isEqualTo(slot);
        }
    }
}
