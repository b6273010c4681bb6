package dev.shard.core.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** String shard keys hash by their column collation's weights (the shipped tables; CollationWeightsIT checks them). */
class CollationWeightsTest {

    private static final CollationWeights GENERAL = CollationWeights.of("utf8mb4_general_ci");
    private static final CollationWeights UNICODE = CollationWeights.of("UTF8MB4_UNICODE_CI");
    private static final CollationWeights BIN = CollationWeights.of("utf8mb4_bin");

    @Test
    void weightsAreTheServersWeightStrings() {
        assertThat(hex(GENERAL.weightString("Straße"))).isEqualTo("005300540052004100530045");
        assertThat(hex(UNICODE.weightString("Straße"))).isEqualTo("0fea10020fc00e330fea0fea0e8b");
        assertThat(hex(BIN.weightString("a "))).isEqualTo("000061000020");
        assertThat(hex(GENERAL.weightString("😀"))).isEqualTo("fffd");
    }

    @Test
    void stringsTheCollationHoldsEqualShareASlot() {
        assertThat(ShardKeys.slotOf("Straße", GENERAL)).isEqualTo(ShardKeys.slotOf("strase", GENERAL));
        assertThat(ShardKeys.slotOf("ß", GENERAL)).isEqualTo(ShardKeys.slotOf("S", GENERAL));
        assertThat(ShardKeys.slotOf("ß", UNICODE)).isEqualTo(ShardKeys.slotOf("SS", UNICODE));
        assertThat(ShardKeys.slotOf("Ångström ", UNICODE)).isEqualTo(ShardKeys.slotOf("angstrom", UNICODE));
        assertThat(ShardKeys.slotOf("x", BIN)).isEqualTo(ShardKeys.slotOf("x  ", BIN));
        assertThat(ShardKeys.slotOf("x", BIN)).isNotEqualTo(ShardKeys.slotOf("X", BIN));
        assertThat(ShardKeys.slotOf('ß', UNICODE)).isEqualTo(ShardKeys.slotOf("ss", UNICODE));
    }

    @Test
    void keysThatSpellNumbersStillMeetTheNumbers() {
        assertThat(ShardKeys.slotOf("42", GENERAL)).isEqualTo(ShardKeys.slotOf(42L));
        assertThat(ShardKeys.slotOf("42 ", UNICODE)).isEqualTo(ShardKeys.slotOf(42));
        assertThat(ShardKeys.slotOf("1E3", GENERAL)).isEqualTo(ShardKeys.slotOf(1000L));
        assertThat(ShardKeys.slotOf("42", BIN)).isEqualTo(ShardKeys.slotOf(42L));
        assertThat(ShardKeys.slotOf(42L, GENERAL)).isEqualTo(ShardKeys.slotOf(42L));
    }

    @Test
    void collationsWithoutATableKeepTheFold() {
        assertThat(CollationWeights.of("utf8mb4_0900_ai_ci")).isNull();
        assertThat(CollationWeights.of("latin1_swedish_ci")).isNull();
        assertThat(ShardKeys.slotOf("Alice", null)).isEqualTo(ShardKeys.slotOf("alice "));
    }

    /** Persistent format: these slots are where existing rows live. */
    @Test
    void slotsDoNotChange() {
        assertThat(ShardKeys.slotOf("Straße", GENERAL)).isEqualTo(PINNED_GENERAL);
        assertThat(ShardKeys.slotOf("Straße", UNICODE)).isEqualTo(PINNED_UNICODE);
        assertThat(ShardKeys.slotOf("Straße", BIN)).isEqualTo(PINNED_BIN);
    }

    private static final int PINNED_GENERAL = 14284;
    private static final int PINNED_UNICODE = 75873;
    private static final int PINNED_BIN = 160440;

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
