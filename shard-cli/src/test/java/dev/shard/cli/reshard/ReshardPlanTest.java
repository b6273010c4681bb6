package dev.shard.cli.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.SlotRange;
import dev.shard.core.internal.hash.SlotMap;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan between two maps, and the key bounds and texts the chunks use. */
class ReshardPlanTest {

    private static final List<String> FOUR = List.of("ds0", "ds1", "ds2", "ds3");
    private static final List<String> FIVE = List.of("ds0", "ds1", "ds2", "ds3", "ds4");

    @Test
    void addingADataSourceMovesSlotsOnlyToIt() {
        ReshardPlan plan = ReshardPlan.of(3, SlotMap.consistent(FOUR, null), SlotMap.consistent(FIVE, null));
        assertThat(plan.fromVersion()).isEqualTo(3);
        assertThat(plan.targets()).containsExactly("ds4");
        assertThat(plan.sources()).containsExactly("ds0", "ds1", "ds2", "ds3");
        assertThat(plan.addedDataSources()).containsExactly("ds4");
        int moving = plan.moves().stream().mapToInt(ReshardPlan.Move::slots).sum();
        // About a fifth of the slots, each run of slots named once.
        assertThat(moving).isBetween(SlotMap.SLOT_COUNT / 5 - 2000, SlotMap.SLOT_COUNT / 5 + 2000);
        for (ReshardPlan.Move move : plan.moves()) {
            assertThat(move.ranges().stream().mapToInt(SlotRange::size).sum()).isEqualTo(move.slots());
            SlotRange first = move.ranges().get(0);
            assertThat(plan.moves(first.from())).isTrue();
            assertThat(plan.ownerBefore(first.from())).isEqualTo(move.from());
            assertThat(plan.ownerAfter(first.from())).isEqualTo("ds4");
        }
    }

    @Test
    void drainingMovesOnlyTheDrainedSlotsAndPinnedMapsMoveExactlyTheirRanges() {
        SlotMap five = SlotMap.consistent(FIVE, null);
        ReshardPlan drain = ReshardPlan.of(2, five, SlotMap.consistent(FIVE, List.of(1.0, 1.0, 1.0, 1.0, 0.0)));
        assertThat(drain.sources()).containsExactly("ds4");
        assertThat(drain.addedDataSources()).isEmpty();
        assertThat(drain.slotsLeaving("ds4")).isEqualTo(drain.slotsBefore("ds4"));

        SlotMap two = SlotMap.pinned(List.of("a", "b"), Map.of("a", List.of(SlotRange.parse("0-131071")),
                "b", List.of(SlotRange.parse("131072-262143"))));
        SlotMap shifted = SlotMap.pinned(List.of("a", "b"), Map.of("a", List.of(SlotRange.parse("0-131079")),
                "b", List.of(SlotRange.parse("131080-262143"))));
        ReshardPlan pinned = ReshardPlan.of(1, two, shifted);
        assertThat(pinned.moves()).containsExactly(new ReshardPlan.Move("b", "a", 8,
                List.of(SlotRange.parse("131072-131079"))));
        assertThat(ReshardPlan.of(1, two, two).isEmpty()).isTrue();
    }

    @Test
    void compositeKeyBoundsCompareColumnByColumn() {
        assertThat(KeyBounds.predicate(SqlDialect.MYSQL, List.of("a", "b"), List.of(1, 2), null))
                .isEqualTo("((`a` > ?) OR (`a` = ? AND `b` > ?))");
        assertThat(KeyBounds.predicate(SqlDialect.MYSQL, List.of("id"), List.of(1), List.of(9)))
                .isEqualTo("((`id` > ?)) AND ((`id` <= ?))");
        assertThat(KeyBounds.predicate(SqlDialect.MYSQL, List.of("a", "b"), null, List.of(1, 2)))
                .isEqualTo("((`a` < ?) OR (`a` = ? AND `b` <= ?))");
        assertThat(KeyBounds.predicate(SqlDialect.MYSQL, List.of("id"), null, null)).isEqualTo("1 = 1");
        assertThat(KeyBounds.predicate(SqlDialect.POSTGRES, List.of("a", "b"), List.of(1, 2), null))
                .isEqualTo("((\"a\" > ?) OR (\"a\" = ? AND \"b\" > ?))");
    }

    @Test
    void keyTextKeepsNumbersBytesAndAnyString() {
        String text = KeyBounds.encode(Arrays.asList(42L, new BigDecimal("1.50"), "a:b5:c", new byte[] {0, -1}));
        List<Object> back = KeyBounds.decode(text);
        assertThat(back.get(0)).isEqualTo(new BigDecimal("42"));
        assertThat(back.get(1)).isEqualTo(new BigDecimal("1.50"));
        assertThat(back.get(2)).isEqualTo("a:b5:c");
        assertThat((byte[]) back.get(3)).containsExactly(0, -1);
    }
}
