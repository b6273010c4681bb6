package dev.shard.core.internal.hash;

import static dev.shard.core.internal.hash.SlotMapConsistentTest.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.SlotRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlotMapPinnedTest {

    private static final int LAST = SlotMap.SLOT_COUNT - 1;
    private static final int HALF = SlotMap.SLOT_COUNT / 2;

    @Test
    void consistentMapSurvivesExportAndPinning() {
        SlotMap consistent = SlotMap.consistent(names("ds%d", 8), List.of(1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 3.0, 1.0));
        Map<String, List<SlotRange>> ranges = consistent.toRanges();

        assertThat(ranges.keySet()).containsExactlyElementsOf(consistent.shards());
        int total = 0;
        for (List<SlotRange> list : ranges.values()) {
            for (int i = 0; i < list.size(); i++) {
                total += list.get(i).size();
                if (i > 0) {
                    // Compacted: neighbouring ranges of one shard never touch.
                    assertThat(list.get(i).from()).isGreaterThan(list.get(i - 1).to() + 1);
                }
            }
        }
        assertThat(total).isEqualTo(SlotMap.SLOT_COUNT);

        SlotMap pinned = SlotMap.pinned(consistent.shards(), ranges);
        assertThat(pinned).isEqualTo(consistent).hasSameHashCodeAs(consistent);
        assertThat(pinned.slotCounts()).containsExactly(consistent.slotCounts());
    }

    @Test
    void explicitMapAllowsAnEmptyNewShard() {
        SlotMap map = SlotMap.pinned(List.of("ds0", "ds1", "ds2"), Map.of(
                "ds0", List.of(new SlotRange(0, HALF - 1)),
                "ds1", List.of(new SlotRange(HALF, LAST))));
        assertThat(map.slotCounts()).containsExactly(HALF, HALF, 0);
        assertThat(map.shardIndexOfSlot(0)).isEqualTo(0);
        assertThat(map.shardIndexOfSlot(HALF - 1)).isEqualTo(0);
        assertThat(map.shardIndexOfSlot(HALF)).isEqualTo(1);
        assertThat(map.toRanges()).containsEntry("ds2", List.of());
        assertThat(map.toString()).isEqualTo("SlotMap[ds0=" + HALF + ", ds1=" + HALF + ", ds2=0]");
    }

    @Test
    void movingOneSlotChangesOnlyThatSlot() {
        Map<String, List<SlotRange>> ranges = Map.of(
                "ds0", List.of(new SlotRange(0, 69), new SlotRange(71, HALF - 1)),
                "ds1", List.of(new SlotRange(HALF, LAST), SlotRange.of(70)));
        SlotMap map = SlotMap.pinned(List.of("ds0", "ds1"), ranges);
        assertThat(map.shardIndexOfSlot(69)).isEqualTo(0);
        assertThat(map.shardIndexOfSlot(70)).isEqualTo(1);
        assertThat(map.shardIndexOfSlot(71)).isEqualTo(0);
        assertThat(map.toRanges().get("ds1")).containsExactly(SlotRange.of(70), new SlotRange(HALF, LAST));
    }

    /** Indexes past 127 catch a signed byte table, past 256 the switch to a short table. */
    @ParameterizedTest
    @ValueSource(ints = {200, 256, 257, 300, SlotMap.MAX_SHARDS})
    void manyShardsKeepTheirIndexes(int count) {
        List<String> names = names("ds%d", count);
        Map<String, List<SlotRange>> ranges = new LinkedHashMap<>();
        int perShard = SlotMap.SLOT_COUNT / count;
        for (int i = 0; i < count; i++) {
            int to = i == count - 1 ? LAST : (i + 1) * perShard - 1;
            ranges.put(names.get(i), List.of(new SlotRange(i * perShard, to)));
        }
        SlotMap map = SlotMap.pinned(names, ranges);
        for (int i = 0; i < count; i++) {
            assertThat(map.shardIndexOfSlot(i * perShard)).isEqualTo(i);
        }
        assertThat(map.shardIndexOfSlot(LAST)).isEqualTo(count - 1);
        assertThat(SlotMap.pinned(names, map.toRanges())).isEqualTo(map);
    }

    @Test
    void tooManyShardsAreRejected() {
        assertThatThrownBy(() -> SlotMap.pinned(names("ds%d", SlotMap.MAX_SHARDS + 1), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than the 32767 supported");
    }

    @Test
    void doubleAssignedSlotIsNamed() {
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0", "ds1"), Map.of(
                "ds0", List.of(new SlotRange(0, HALF - 1), SlotRange.of(HALF + 70)),
                "ds1", List.of(new SlotRange(HALF, LAST)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slot " + (HALF + 70) + " is assigned to both ds0 and ds1");
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0", "ds1"), Map.of(
                "ds0", List.of(new SlotRange(0, 80)),
                "ds1", List.of(new SlotRange(70, LAST)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots 70-80 are assigned to both ds0 and ds1");
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0"), Map.of(
                "ds0", List.of(new SlotRange(0, LAST), new SlotRange(10, 20)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots 10-20 are listed twice for ds0");
    }

    @Test
    void unassignedSlotsAreNamed() {
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0", "ds1"), Map.of(
                "ds0", List.of(new SlotRange(0, 4095)),
                "ds1", List.of(new SlotRange(8192, LAST)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots 4096-8191 are not assigned to any data source");
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0"), Map.of(
                "ds0", List.of(new SlotRange(0, 4), new SlotRange(6, LAST)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slot 5 is not assigned to any data source");
        List<SlotRange> everyOtherSlot = new ArrayList<>();
        for (int slot = 0; slot < 20; slot += 2) {
            everyOtherSlot.add(SlotRange.of(slot));
        }
        everyOtherSlot.add(new SlotRange(20, LAST));
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0"), Map.of("ds0", everyOtherSlot)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots 1, 3, 5, 7, 9 and 5 more ranges are not assigned to any data source");
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots 0-" + LAST + " are not assigned to any data source");
    }

    @Test
    void slotsOutsideTheSpaceAreNamed() {
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0", "ds1", "ds2"), Map.of(
                "ds0", List.of(new SlotRange(0, LAST)),
                "ds2", List.of(new SlotRange(LAST + 10, LAST + 20)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slot range " + (LAST + 10) + "-" + (LAST + 20) + " of ds2 is outside 0-" + LAST);
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0"), Map.of(
                "ds0", List.of(new SlotRange(0, LAST), SlotRange.of(SlotMap.SLOT_COUNT)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slot " + SlotMap.SLOT_COUNT + " of ds0 is outside 0-" + LAST);
    }

    @Test
    void unknownDataSourceIsNamed() {
        assertThatThrownBy(() -> SlotMap.pinned(List.of("ds0", "ds1"), Map.of(
                "ds0", List.of(new SlotRange(0, LAST)),
                "ds9", List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown data source 'ds9' in slots");
    }
}
