package dev.shard.core.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlotMapConsistentTest {

    private static final int KEYS = 1_000_000;

    /** The same 1M keys as Long 0..999,999 or as random strings, re-created on demand instead of held in memory. */
    private static final IntFunction<Object> LONG_KEYS = i -> (long) i;

    private static IntFunction<Object> randomStringKeys() {
        Random random = new Random(42);
        return i -> {
            char[] chars = new char[8 + random.nextInt(8)];
            for (int c = 0; c < chars.length; c++) {
                chars[c] = "abcdefghijklmnopqrstuvwxyz0123456789_".charAt(random.nextInt(37));
            }
            return new String(chars);
        };
    }

    @ParameterizedTest(name = "{0} shards named {1}")
    @CsvSource({"4, ds%d, 1.05", "64, ds%d, 1.10", "4, shard_%02d, 1.05", "64, shard_%02d, 1.10"})
    void longKeysSpreadEvenly(int shards, String pattern, double maxPeakOverMean) {
        SlotMap map = SlotMap.consistent(names(pattern, shards), null);
        assertThat(peakOverMean(keysPerShard(map, LONG_KEYS))).isLessThanOrEqualTo(maxPeakOverMean);
    }

    @ParameterizedTest(name = "{0} shards")
    @CsvSource({"4, 1.05", "64, 1.10"})
    void stringKeysSpreadEvenly(int shards, double maxPeakOverMean) {
        SlotMap map = SlotMap.consistent(names("ds%d", shards), null);
        assertThat(peakOverMean(keysPerShard(map, randomStringKeys()))).isLessThanOrEqualTo(maxPeakOverMean);
    }

    @Test
    void slotsThemselvesSpreadEvenly() {
        SlotMap map = SlotMap.consistent(names("ds%d", 64), null);
        int[] counts = map.slotCounts();
        assertThat(Arrays.stream(counts).sum()).isEqualTo(SlotMap.SLOT_COUNT);
        assertThat(peakOverMean(counts)).isLessThanOrEqualTo(1.06);
    }

    @ParameterizedTest(name = "{0} -> {0}+1 shards")
    @CsvSource({"4", "63"})
    void addingAShardMovesOnlyItsShareAndOnlyToIt(int n) {
        SlotMap before = SlotMap.consistent(names("ds%d", n), null);
        SlotMap after = SlotMap.consistent(names("ds%d", n + 1), null);
        String added = "ds" + n;
        int moved = 0;
        List<String> strayMoves = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            String from = shardOf(before, (long) i);
            String to = shardOf(after, (long) i);
            if (!from.equals(to)) {
                moved++;
                if (!to.equals(added)) {
                    strayMoves.add("key " + i + ": " + from + " -> " + to);
                }
            }
        }
        assertThat(strayMoves).isEmpty();
        double fair = (double) KEYS / (n + 1);
        assertThat((double) moved).isLessThanOrEqualTo(1.1 * fair).isGreaterThanOrEqualTo(0.9 * fair);
    }

    @Test
    void removingAShardMovesOnlyItsKeys() {
        SlotMap before = SlotMap.consistent(names("ds%d", 5), null);
        SlotMap after = SlotMap.consistent(List.of("ds0", "ds1", "ds3", "ds4"), null);
        int moved = 0;
        List<String> strayMoves = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            String from = shardOf(before, (long) i);
            String to = shardOf(after, (long) i);
            if (from.equals("ds2")) {
                moved++;
            } else if (!to.equals(from)) {
                strayMoves.add("key " + i + ": " + from + " -> " + to);
            }
        }
        assertThat(strayMoves).isEmpty();
        assertThat(moved).isBetween(KEYS / 5 * 9 / 10, KEYS / 5 * 11 / 10);
    }

    @Test
    void weightsSetTheShareOfKeys() {
        SlotMap map = SlotMap.consistent(List.of("ds0", "ds1", "ds2"), List.of(1.0, 2.0, 1.0));
        int[] keys = keysPerShard(map, LONG_KEYS);
        assertThat(keys[0] / (double) KEYS).isBetween(0.23, 0.27);
        assertThat(keys[1] / (double) KEYS).isBetween(0.48, 0.52);
        assertThat(keys[2] / (double) KEYS).isBetween(0.23, 0.27);
    }

    @Test
    void raisingOneWeightMovesKeysOnlyToThatShard() {
        SlotMap before = SlotMap.consistent(names("ds%d", 4), null);
        SlotMap after = SlotMap.consistent(names("ds%d", 4), List.of(1.0, 1.0, 1.5, 1.0));
        int moved = 0;
        List<Integer> strayMoves = new ArrayList<>();
        for (int slot = 0; slot < SlotMap.SLOT_COUNT; slot++) {
            int to = after.shardIndexOfSlot(slot);
            if (before.shardIndexOfSlot(slot) != to) {
                moved++;
                if (to != 2) {
                    strayMoves.add(slot);
                }
            }
        }
        assertThat(strayMoves).isEmpty();
        assertThat(moved).isPositive();
    }

    @Test
    void onlyRelativeWeightsMatter() {
        List<String> names = names("ds%d", 5);
        SlotMap unweighted = SlotMap.consistent(names, null);
        assertThat(SlotMap.consistent(names, List.of())).isEqualTo(unweighted);
        assertThat(SlotMap.consistent(names, Collections.nCopies(5, 1.0))).isEqualTo(unweighted);
        assertThat(SlotMap.consistent(names, Collections.nCopies(5, 8.0))).isEqualTo(unweighted);
    }

    @Test
    void weightZeroDrainsExactlyAsRemovingTheShardWould() {
        List<String> five = names("ds%d", 5);
        SlotMap drained = SlotMap.consistent(five, List.of(1.0, 1.0, 0.0, 2.0, 1.0));
        SlotMap without = SlotMap.consistent(List.of("ds0", "ds1", "ds3", "ds4"), List.of(1.0, 1.0, 2.0, 1.0));
        assertThat(drained.slotCounts()[2]).isZero();
        for (int slot = 0; slot < SlotMap.SLOT_COUNT; slot++) {
            assertThat(drained.shards().get(drained.shardIndexOfSlot(slot)))
                    .isEqualTo(without.shards().get(without.shardIndexOfSlot(slot)));
        }
    }

    @Test
    void rejectsBadWeights() {
        List<String> names = List.of("ds0", "ds1", "ds2");
        for (List<Double> weights : List.of(List.of(1.0, -2.0, 1.0),
                List.of(1.0, Double.NaN, 1.0), List.of(1.0, Double.POSITIVE_INFINITY, 1.0))) {
            assertThatThrownBy(() -> SlotMap.consistent(names, weights))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("weight of ds1 must be a positive number, or 0 to drain it");
        }
        assertThatThrownBy(() -> SlotMap.consistent(names, List.of(0.0, 0.0, 0.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every data source has weight 0");
        assertThatThrownBy(() -> SlotMap.consistent(names, Arrays.asList(1.0, null, 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ds1");
        assertThatThrownBy(() -> SlotMap.consistent(names, List.of(1.0, 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 weights given for 3");
    }

    @Test
    void listOrderDoesNotMatter() {
        List<String> names = names("shard_%02d", 16);
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            weights.add(1.0 + i % 3);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(7));
        List<String> shuffledNames = new ArrayList<>();
        List<Double> shuffledWeights = new ArrayList<>();
        for (int i : order) {
            shuffledNames.add(names.get(i));
            shuffledWeights.add(weights.get(i));
        }
        SlotMap map = SlotMap.consistent(names, weights);
        SlotMap shuffled = SlotMap.consistent(shuffledNames, shuffledWeights);
        assertThat(shuffled.shards()).isNotEqualTo(map.shards());
        List<Integer> differingSlots = new ArrayList<>();
        for (int slot = 0; slot < SlotMap.SLOT_COUNT; slot++) {
            String name = map.shards().get(map.shardIndexOfSlot(slot));
            if (!shuffled.shards().get(shuffled.shardIndexOfSlot(slot)).equals(name)) {
                differingSlots.add(slot);
            }
        }
        assertThat(differingSlots).isEmpty();
    }

    /** Like ShardKeys' golden test: the assignment is persistent, so these must never change. */
    @Test
    void assignmentNeverChangesAcrossReleases() {
        SlotMap map = SlotMap.consistent(List.of("ds0", "ds1", "ds2", "ds3"), null);
        assertThat(map.slotCounts()).containsExactly(65598, 65467, 65665, 65414);
        assertThat(map.shardIndexOfSlot(0)).isEqualTo(3);
        assertThat(map.shardIndexOfSlot(1)).isEqualTo(2);
        assertThat(map.shardIndexOfSlot(1000)).isEqualTo(0);
        assertThat(map.shardIndexOfSlot(SlotMap.SLOT_COUNT - 1)).isEqualTo(3);
        assertThat(map.shardIndexOf(42L)).isEqualTo(0);
        assertThat(map.shardIndexOf("alice")).isEqualTo(2);
    }

    @Test
    void valueSemanticsAndShortToString() {
        SlotMap map = SlotMap.consistent(names("ds%d", 64), null);
        assertThat(SlotMap.consistent(names("ds%d", 64), null)).isEqualTo(map).hasSameHashCodeAs(map);
        assertThat(SlotMap.consistent(names("ds%d", 63), null)).isNotEqualTo(map);
        assertThat(map.toString()).startsWith("SlotMap[ds0=").contains("48 more shards").hasSizeLessThan(400);
    }

    @Test
    void rejectsBadNames() {
        assertThatThrownBy(() -> SlotMap.consistent(List.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> SlotMap.consistent(List.of("ds0", "ds1", "ds0"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("data source 'ds0' is listed twice");
        assertThatThrownBy(() -> SlotMap.consistent(List.of("ds0", ""), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
    }

    static List<String> names(String pattern, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(String.format(pattern, i));
        }
        return names;
    }

    private static String shardOf(SlotMap map, Object key) {
        return map.shards().get(map.shardIndexOf(key));
    }

    private static int[] keysPerShard(SlotMap map, IntFunction<Object> keys) {
        int[] counts = new int[map.shards().size()];
        for (int i = 0; i < KEYS; i++) {
            counts[map.shardIndexOf(keys.apply(i))]++;
        }
        return counts;
    }

    private static double peakOverMean(int[] counts) {
        double mean = Arrays.stream(counts).sum() / (double) counts.length;
        return Arrays.stream(counts).max().orElseThrow() / mean;
    }
}
