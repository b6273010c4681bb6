package dev.shard.core.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.SlotRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotMapCodecTest {

    private final SlotMap consistent = SlotMap.consistent(List.of("ds0", "ds1", "ds2", "ds3"), null);

    @Test
    void aConsistentMapComesBackEqualAndStaysSmall() {
        String text = SlotMapCodec.encode(consistent);
        assertThat(text).startsWith("slotmap/1 ");
        assertThat(text.length()).isLessThan(150_000); // the owners of 2^18 slots, deflated, not a row per slot
        assertThat(SlotMapCodec.decode(text)).isEqualTo(consistent);
    }

    @Test
    void aPinnedMapWithAnEmptyDataSourceComesBackEqual() {
        SlotMap pinned = SlotMap.pinned(List.of("a", "b", "new"), Map.of(
                "a", List.of(new SlotRange(0, 99_999)), "b", List.of(new SlotRange(100_000, SlotMap.SLOT_COUNT - 1))));
        String text = SlotMapCodec.encode(pinned);
        assertThat(text.length()).isLessThan(2_000);
        SlotMap back = SlotMapCodec.decode(text);
        assertThat(back).isEqualTo(pinned);
        assertThat(back.shards()).containsExactly("a", "b", "new");
        assertThat(back.slotCounts()).containsExactly(100_000, SlotMap.SLOT_COUNT - 100_000, 0);
    }

    @Test
    void aChangedChecksumIsReportedAsDamage() {
        String text = SlotMapCodec.encode(consistent);
        String[] parts = text.split(" ");
        String damaged = parts[0] + " " + (parts[1].equals("00000000") ? "00000001" : "00000000") + " " + parts[2];
        assertThatThrownBy(() -> SlotMapCodec.decode(damaged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fails its checksum").hasMessageContaining("damaged or edited by hand");
    }

    @Test
    void aTruncatedBodyIsReported() {
        String text = SlotMapCodec.encode(consistent);
        assertThatThrownBy(() -> SlotMapCodec.decode(text.substring(0, text.length() / 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the stored slot map");
    }

    @Test
    void otherFormatsAreNamed() {
        assertThatThrownBy(() -> SlotMapCodec.decode("slotmap/2 00000000 AAAA"))
                .hasMessageContaining("format slotmap/2").hasMessageContaining("reads slotmap/1");
        assertThatThrownBy(() -> SlotMapCodec.decode("ds0: 0-262143"))
                .hasMessageContaining("not in a format Shard writes");
        assertThatThrownBy(() -> SlotMapCodec.decode(null)).hasMessageContaining("NULL");
    }
}
