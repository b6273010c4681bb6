package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.testing.H2Shards;
import dev.shard.jdbc.testing.RecordingDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tool's side of the switch on its own (H2): announcements are refused unless they start from the version in
 * force, repeated ones are no-ops, publishing needs a freeze and is one compare-and-set with the announcement's
 * removal. {@code ReshardSwitchTest} drives it against running instances.
 */
class ReshardCoordinationTest {

    private final H2Shards shards = new H2Shards("coordination_" + System.nanoTime());
    private ReshardCoordination tool;
    private ShardConfig small;
    private ShardConfig grown;

    private String url(int shard) {
        return shards.url(shard);
    }

    private ShardConfig config(int count) {
        return shards.config(count).storeSlotMap(true).build();
    }

    @BeforeEach
    void storeVersionOne() throws SQLException {
        small = config(2);
        grown = config(3);
        SlotMapStore store = SlotMapStore.open(small);
        try {
            store.loadOrStore(SlotMap.of(small));
        } finally {
            store.close();
        }
        tool = ReshardCoordination.open(grown);
    }

    @AfterEach
    void close() {
        tool.close();
    }

    @Test
    void anAnnouncementStartsFromTheVersionInForceAndMayBeRepeated() throws SQLException {
        SlotMap target = SlotMap.of(grown);
        assertThatThrownBy(() -> tool.announce(2, target)).isInstanceOf(SQLException.class)
                .hasMessageContaining("from slot map version 2").hasMessageContaining("is 1");
        assertThat(tool.announcement()).isEmpty();
        tool.announce(1, target);
        tool.announce(1, target); // --resume
        assertThat(tool.announcement()).contains(
                new ReshardCoordination.Announcement(1, target, ReshardCoordination.State.ANNOUNCED));
        assertThatThrownBy(() -> tool.announce(1, SlotMap.of(small))).isInstanceOf(SQLException.class)
                .hasMessageContaining("Another reshard is announced");
    }

    @Test
    void publishingNeedsAFreezeAndRemovesTheAnnouncement() throws SQLException, InterruptedException {
        SlotMap target = SlotMap.of(grown);
        assertThatThrownBy(() -> tool.freeze()).hasMessageContaining("No reshard is announced");
        tool.announce(1, target);
        assertThatThrownBy(() -> tool.publishTarget()).hasMessageContaining("not frozen");
        tool.freeze();
        tool.freeze();
        assertThat(tool.announcement().orElseThrow().state()).isEqualTo(ReshardCoordination.State.FROZEN);
        assertThat(tool.awaitFrozen(Duration.ofSeconds(1))).as("no instance to wait for").isTrue();
        tool.unfreeze();
        assertThat(tool.announcement().orElseThrow().state()).isEqualTo(ReshardCoordination.State.ANNOUNCED);
        tool.freeze();
        assertThat(tool.publishTarget()).isEqualTo(2);
        assertThat(tool.announcement()).isEmpty();
        assertThat(tool.current()).isEqualTo(new SlotMapStore.Stored(2, target));
        assertThatThrownBy(() -> tool.publishTarget()).hasMessageContaining("No reshard is announced");
    }

    @Test
    void aPublishAfterAnotherIsRefusedAndChangesNothing() throws SQLException {
        tool.announce(1, SlotMap.of(grown));
        tool.freeze();
        try (Connection c = DriverManager.getConnection(url(0), "sa", "")) {
            c.createStatement().executeUpdate("UPDATE shard_slot_map SET map_version = 7");
        }
        assertThatThrownBy(() -> tool.publishTarget()).hasMessageContaining("no longer version 1");
        assertThat(tool.announcement()).isPresent();
        tool.withdraw();
        tool.withdraw();
        assertThat(tool.announcement()).isEmpty();
    }

    @Test
    void instancesAreListedWithTheirAcknowledgementsAndDeadOnesAreNotAwaited() throws Exception {
        try (Connection c = DriverManager.getConnection(url(0), "sa", "")) {
            ReshardTables.create(c);
            ReshardTables.insertInstance(c, "live", "host-a", 1, 60_000);
            ReshardTables.insertInstance(c, "dead", "host-b", 1, 1);
            c.createStatement().executeUpdate("UPDATE shard_instance SET last_heartbeat = TIMESTAMPADD(MINUTE, -5,"
                    + " last_heartbeat) WHERE id = 'dead'");
        }
        tool.announce(1, SlotMap.of(grown));
        tool.freeze();
        assertThat(tool.awaitFrozen(Duration.ofMillis(200))).isFalse();
        long token;
        try (Connection c = DriverManager.getConnection(url(0), "sa", "")) {
            token = ReshardTables.announced(c, false).freezeToken();
            ReshardTables.heartbeat(c, "live", 1, token);
        }
        assertThat(tool.awaitFrozen(Duration.ofSeconds(5))).isTrue();
        List<ReshardCoordination.InstanceState> instances = tool.instances();
        assertThat(instances).extracting(ReshardCoordination.InstanceState::id).containsExactly("dead", "live");
        assertThat(instances).extracting(ReshardCoordination.InstanceState::frozenAck).containsExactly(false, true);
        assertThat(tool.publishTarget()).isEqualTo(2);
        assertThat(tool.awaitRouting(2, Duration.ofMillis(200))).isFalse();
        try (Connection c = DriverManager.getConnection(url(0), "sa", "")) {
            ReshardTables.heartbeat(c, "live", 2, 0);
        }
        assertThat(tool.awaitRouting(2, Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void theTablesAreCreatedOnceAndAgainWhenDroppedWhileTheToolRuns() throws SQLException {
        RecordingDriver.register();
        String recorded = RecordingDriver.url(url(0));
        ShardConfig.Builder builder = ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", recorded, "username", "sa", "password", ""));
        for (int i = 1; i < 3; i++) {
            builder.dataSource("ds" + i, Map.of("jdbcUrl", url(i), "username", "sa", "password", ""));
        }
        SlotMap target = SlotMap.of(grown);
        try (ReshardCoordination recordedTool = ReshardCoordination.open(
                builder.shardedTable("t_order", "user_id").storeSlotMap(true).build())) {
            assertThat(recordedTool.announcement()).isEmpty();
            assertThat(recordedTool.instances()).isEmpty();
            recordedTool.announce(1, target);
            assertThat(createTableStatements(recorded)).as("the two tables, on the first call only").isEqualTo(2);

            try (Connection c = DriverManager.getConnection(url(0), "sa", "")) {
                c.createStatement().execute("DROP TABLE shard_reshard");
                c.createStatement().execute("DROP TABLE shard_instance");
            }
            assertThat(recordedTool.announcement()).isEmpty();
            assertThat(createTableStatements(recorded)).isEqualTo(4);
            assertThat(recordedTool.instances()).isEmpty();
            recordedTool.announce(1, target);
            assertThat(recordedTool.announcement()).contains(
                    new ReshardCoordination.Announcement(1, target, ReshardCoordination.State.ANNOUNCED));
            assertThat(createTableStatements(recorded)).isEqualTo(4);
        }
    }

    private static long createTableStatements(String recordingUrl) {
        return RecordingDriver.sentTo(recordingUrl).stream().filter(sent -> sent.sql().startsWith("CREATE TABLE"))
                .count();
    }
}
