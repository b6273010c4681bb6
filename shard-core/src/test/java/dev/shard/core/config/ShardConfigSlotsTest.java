package dev.shard.core.config;

import dev.shard.core.internal.hash.SlotMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.shard.core.config.ShardConfigValidationTest.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The parts of the configuration that call {@link SlotMap} and {@link SlotRange}. Kept apart from the other tests
 * because they need the real SlotMap implementation, developed on another branch.
 */
class ShardConfigSlotsTest {

    private static final String PINNED = """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a" }
              ds1: { jdbcUrl: "jdbc:h2:mem:b", weight: 5 }
            slots:
              ds0: ["0-131071"]
              ds1: ["131072-262142", 262143]
            """;

    @Test
    void pinnedSlotsAreParsedAndUsed() {
        ShardConfig config = ShardConfig.fromYaml(PINNED, "shard.yaml", k -> null);
        assertThat(config.slots()).isEqualTo(Map.of(
                "ds0", List.of(new SlotRange(0, 131071)),
                "ds1", List.of(new SlotRange(131072, 262142), new SlotRange(262143, 262143))));
        SlotMap map = SlotMap.of(config);
        assertThat(map.shards()).containsExactly("ds0", "ds1");
        assertThat(map.shardIndexOfSlot(0)).isZero();
        assertThat(map.shardIndexOfSlot(131071)).isZero();
        assertThat(map.shardIndexOfSlot(131072)).isEqualTo(1);
        assertThat(map.shardIndexOfSlot(SlotMap.SLOT_COUNT - 1)).isEqualTo(1);
    }

    @Test
    void builderSlotsEqualYamlSlots() {
        ShardConfig built = ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a"))
                .dataSource("ds1", Map.of("jdbcUrl", "jdbc:h2:mem:b"), 5)
                .slots("ds0", "0-131071")
                .slots("ds1", "131072-262142")
                .slots("ds1", "262143")
                .build();
        assertThat(built).isEqualTo(ShardConfig.fromYaml(PINNED, "shard.yaml", k -> null));
    }

    @Test
    void malformedRangeIsWrapped() {
        Throwable thrown = catchThrowable(() -> ShardConfig.fromYaml(
                PINNED.replace("\"0-131071\"", "\"zero-131071\""), "shard.yaml", k -> null));
        assertThat(thrown).isInstanceOf(ShardConfigException.class)
                .hasMessageStartingWith("shard.yaml: slots of data source 'ds0': invalid range 'zero-131071': ")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gapsAndOverlapsAreWrapped() {
        assertThat(error(PINNED.replace("\"0-131071\"", "\"0-32000\""))).startsWith("shard.yaml: slots: ");
        assertThat(error(PINNED.replace("\"0-131071\"", "\"0-40000\""))).startsWith("shard.yaml: slots: ");
        assertThat(error(PINNED.replace("\"0-131071\"", "\"0-131071\", \"70000\""))).startsWith("shard.yaml: slots");
    }

    @Test
    void withoutSlotsTheMapIsConsistentOverAllDataSources() {
        ShardConfig config = ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a"))
                .dataSource("ds1", Map.of("jdbcUrl", "jdbc:h2:mem:b"), 2)
                .build();
        SlotMap map = SlotMap.of(config);
        assertThat(map.shards()).containsExactly("ds0", "ds1");
        assertThat(map).isEqualTo(SlotMap.consistent(List.of("ds0", "ds1"), List.of(1.0, 2.0)));
    }
}
