package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.H2Shards;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The switch of a reshard between the tool ({@link ReshardCoordination}) and two application instances (two
 * ShardingDataSources over the same H2 databases): ds0 and ds1 own every slot in version 1, and the target gives
 * ds2 its share. Tests poll the instances themselves, so that each step is seen when the test says; the instances'
 * own polls run too and change nothing about the outcome.
 */
class ReshardSwitchTest {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String INSERT = "INSERT INTO t_order (order_id, user_id) VALUES (?, ?)";

    private final H2Shards shards = new H2Shards("reshard_switch_" + System.nanoTime());
    private final List<ShardingDataSource> opened = new ArrayList<>();
    private final ExecutorService writers = Executors.newCachedThreadPool();
    private final ShardConfig small = shards.config(2).build();
    private ReshardCoordination tool;
    private SlotMap target;
    /** A user whose slot moves from ds0 or ds1 to ds2, and one whose slot stays. */
    private long moving;
    private long staying;

    /** The configuration every instance runs with: ds2 added, owning nothing until the reshard. */
    private ShardConfig.Builder grown() {
        return shards.config(3).broadcastTables("t_region").slotMapPollMillis(50)
                .reshardWriteHoldMillis(BOUND.toMillis());
    }

    @BeforeEach
    void versionOneOnTwoShards() throws SQLException {
        for (int i = 0; i < 3; i++) {
            try (Connection c = DriverManager.getConnection(shards.url(i), "sa", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
                s.execute("CREATE TABLE t_region (region_id BIGINT PRIMARY KEY, name VARCHAR(20))");
            }
        }
        SlotMapStore store = SlotMapStore.open(small);
        try {
            store.loadOrStore(SlotMap.of(small));
        } finally {
            store.close();
        }
        target = SlotMap.of(grown().build());
        moving = SlotMapStoreTest.userMovingTo(2, small, grown().build());
        staying = moving + 1;
        while (target.shardIndexOf(staying) == 2) {
            staying++;
        }
        tool = ReshardCoordination.open(grown().build());
    }

    @AfterEach
    void close() {
        writers.shutdownNow();
        opened.forEach(ShardingDataSource::close);
        tool.close();
    }

    private ShardRuntime start(ShardConfig config) throws SQLException {
        ShardingDataSource ds = new ShardingDataSource(config);
        opened.add(ds);
        return SlotMapStoreTest.runtime(ds);
    }

    private static void insert(ShardRuntime instance, long order, long user) throws SQLException {
        try (Connection c = instance.openConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setLong(1, order);
            ps.setLong(2, user);
            ps.executeUpdate();
        }
    }

    private Future<?> insertInBackground(ShardRuntime instance, long order, long user) {
        return writers.submit(() -> {
            insert(instance, order, user);
            return null;
        });
    }

    private long rowsOn(int shard, long order) throws SQLException {
        return count(shard, "SELECT COUNT(*) FROM t_order WHERE order_id = " + order);
    }

    private long count(int shard, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(shards.url(shard), "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private int oldOwner(long user) {
        return SlotMap.of(small).shardIndexOf(user);
    }

    /** Waits for a state, looking again every few milliseconds, within a generous bound. */
    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("%s within %s", what, BOUND).isNegative();
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static void poll(ShardRuntime... instances) {
        for (ShardRuntime instance : instances) {
            instance.follower().poll();
        }
    }

    /** Announces, freezes and waits for both instances' acknowledgements. */
    private void announceAndFreeze(ShardRuntime... instances) throws Exception {
        tool.announce(1, target);
        poll(instances);
        tool.freeze();
        poll(instances); // a poll after the one that saw the announcement: the acknowledgement comes now
        assertThat(tool.awaitFrozen(BOUND)).isTrue();
    }

    @Test
    void writesToMovingSlotsAreHeldWhileFrozenAndLandOnTheNewOwnerOncePublished() throws Exception {
        ShardRuntime one = start(grown().build());
        ShardRuntime two = start(grown().build());
        assertThat(tool.instances()).hasSize(2).allSatisfy(instance -> {
            assertThat(instance.routingVersion()).isEqualTo(1);
            assertThat(instance.host()).contains("pid " + ProcessHandle.current().pid());
        });
        announceAndFreeze(one, two);
        assertThat(tool.instances()).allSatisfy(instance -> assertThat(instance.frozenAck()).isTrue());

        Future<?> held = insertInBackground(one, 1, moving);
        Future<?> heldOnTwo = insertInBackground(two, 2, moving);
        await("both writes held", () -> one.reshard().heldWrites() == 1 && two.reshard().heldWrites() == 1);
        insert(one, 3, staying); // not moving: runs at once
        assertThat(rowsOn(oldOwner(staying), 3)).isEqualTo(1);
        assertThat(held).isNotDone();

        assertThat(tool.publishTarget()).isEqualTo(2);
        poll(one, two);
        held.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        heldOnTwo.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        for (long order : new long[] {1, 2}) {
            assertThat(rowsOn(2, order)).as("order %d on the new owner", order).isEqualTo(1);
            assertThat(rowsOn(oldOwner(moving), order)).as("order %d on the old owner", order).isZero();
        }
        assertThat(tool.awaitRouting(2, BOUND)).isTrue();
        assertThat(one.explain("SELECT * FROM t_order WHERE user_id = ?", moving).shards()).containsExactly("ds2");
    }

    @Test
    void anInstancePollsSoonerWhileAReshardIsAnnouncedAndSoonestWhileFrozen() throws Exception {
        ShardRuntime one = start(grown().slotMapPollMillis(1000).build());
        assertThat(one.reshard().nextPollMillis(1000)).as("nothing announced").isEqualTo(1000);
        tool.announce(1, target);
        poll(one);
        poll(one); // past the poll that first saw it, which keeps the whole interval
        assertThat(one.reshard().nextPollMillis(1000)).isEqualTo(ReshardSwitch.ANNOUNCED_POLL_MILLIS);
        tool.freeze();
        poll(one);
        assertThat(tool.awaitFrozen(BOUND)).isTrue();
        assertThat(one.reshard().nextPollMillis(1000)).isEqualTo(ReshardSwitch.FROZEN_POLL_MILLIS);
        assertThat(one.reshard().nextPollMillis(20)).as("never less often than the setting").isEqualTo(20);
        tool.publishTarget();
        poll(one);
        assertThat(one.reshard().nextPollMillis(1000)).as("published: nothing announced").isEqualTo(1000);
        assertThat(tool.awaitRouting(2, BOUND)).as("the new version reported at once").isTrue();
    }

    @Test
    void anAbortedSwitchReleasesHeldWritesToTheOldOwner() throws Exception {
        ShardRuntime one = start(grown().build());
        announceAndFreeze(one);
        Future<?> held = insertInBackground(one, 1, moving);
        await("the write held", () -> one.reshard().heldWrites() == 1);

        tool.unfreeze();
        poll(one);
        held.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(rowsOn(oldOwner(moving), 1)).isEqualTo(1);
        assertThat(rowsOn(2, 1)).isZero();

        tool.withdraw();
        poll(one);
        assertThat(one.reshard().gate()).as("no announcement: statements read one null").isNull();
        assertThat(tool.current().version()).isEqualTo(1);
    }

    @Test
    void aWriteHeldLongerThanTheBoundFailsNamingTableAndShards() throws Exception {
        ShardRuntime one = start(grown().reshardWriteHoldMillis(200).build());
        announceAndFreeze(one);
        assertThatThrownBy(() -> insert(one, 1, moving)).isInstanceOf(SQLTransientException.class)
                .hasMessageContaining("table t_order")
                .hasMessageContaining("ds" + oldOwner(moving) + " to ds2")
                .hasMessageContaining("held writes to the moving slots for settings.reshardWriteHoldMillis (200 ms)");
        // The freeze is older than the bound now (a tool killed in the switch): the next write fails without
        // waiting, and says how to end it. The instance never lifts the freeze itself.
        assertThatThrownBy(() -> insert(one, 2, moving)).isInstanceOf(SQLTransientException.class)
                .hasMessageContaining("shard reshard --resume").hasMessageContaining("--abort");
        assertThat(one.reshard().gate().frozen()).isTrue();
        assertThat(rowsOn(oldOwner(moving), 1) + rowsOn(2, 1) + rowsOn(oldOwner(moving), 2) + rowsOn(2, 2)).isZero();

        tool.unfreeze(); // what --abort and --resume do first
        poll(one);
        insert(one, 2, moving);
        assertThat(rowsOn(oldOwner(moving), 2)).isEqualTo(1);
    }

    @Test
    void whenTheTargetAddsADataSourceBroadcastWritesAreHeldWhileFrozenAndReachItOncePublished() throws Exception {
        ShardRuntime one = start(grown().build());
        ShardRuntime two = start(grown().build());
        tool.announce(1, target);
        poll(one, two);
        broadcastInsert(one, 1, "announced"); // before the freeze: on the data sources of version 1
        tool.freeze();
        poll(one, two);
        assertThat(tool.awaitFrozen(BOUND)).isTrue();

        Future<?> held = writers.submit(() -> broadcastInsert(two, 2, "held"));
        await("the broadcast write held", () -> two.reshard().heldWrites() == 1);
        assertThat(regionsOn(0, 2) + regionsOn(1, 2) + regionsOn(2, 2)).isZero();
        // Here the tool copies the broadcast rows to ds2; its write of row 1 stands in for that copy.
        try (Connection c = DriverManager.getConnection(shards.url(2), "sa", "");
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO t_region VALUES (1, 'announced')");
        }
        assertThat(tool.publishTarget()).isEqualTo(2);
        poll(one, two);
        held.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        for (int shard = 0; shard < 3; shard++) {
            assertThat(regionsOn(shard, 2)).as("the released write on ds%d", shard).isEqualTo(1);
        }
    }

    @Test
    void aTransactionOnTheVersionBeforeADataSourceWasAddedCannotWriteABroadcastTable() throws Exception {
        ShardRuntime one = start(grown().build());
        try (Connection c = one.openConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM t_region")) {
                ps.executeQuery().close(); // the transaction starts on version 1
            }
            announceAndFreeze(one);
            assertThat(tool.publishTarget()).isEqualTo(2);
            poll(one);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t_region VALUES (3, 'late')")) {
                assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLTransientException.class)
                        .hasMessageContaining("broadcast table").hasMessageContaining("roll back and retry");
            }
            c.rollback();
        }
        broadcastInsert(one, 3, "late");
        assertThat(regionsOn(2, 3)).isEqualTo(1);
    }

    private static Void broadcastInsert(ShardRuntime instance, long id, String name) throws SQLException {
        try (Connection c = instance.openConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO t_region (region_id, name) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, name);
            ps.executeUpdate();
        }
        return null;
    }

    private long regionsOn(int shard, long id) throws SQLException {
        return count(shard, "SELECT COUNT(*) FROM t_region WHERE region_id = " + id);
    }

    @Test
    void anOpenTransactionThatWroteAMovingSlotDelaysTheAcknowledgementUntilItCommits() throws Exception {
        ShardRuntime one = start(grown().build());
        tool.announce(1, target);
        poll(one);
        try (Connection c = one.openConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            c.setAutoCommit(false);
            ps.setLong(1, 1);
            ps.setLong(2, moving);
            ps.executeUpdate(); // announced, not frozen: runs, on the old owner
            tool.freeze();
            poll(one);
            poll(one);
            assertThat(tool.instances()).noneMatch(ReshardCoordination.InstanceState::frozenAck);
            assertThat(tool.awaitFrozen(Duration.ofMillis(300))).isFalse();
            ps.setLong(1, 2);
            // Holding it could only end at the bound: the switch waits for this very transaction.
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLTransientException.class)
                    .hasMessageContaining("roll back and retry the transaction");
            c.commit();
        }
        poll(one);
        assertThat(tool.awaitFrozen(BOUND)).isTrue();
        assertThat(rowsOn(oldOwner(moving), 1)).isEqualTo(1);
    }

    @Test
    void anInstanceThatCannotReadTheMetadataRefusesEveryWriteEvenWithAnAnnouncementKnown() throws Exception {
        ShardRuntime one = start(grown().metadataLeaseMillis(300).build());
        tool.announce(1, target);
        poll(one);
        try (Connection c = DriverManager.getConnection(shards.url(0), "sa", "");
             Statement s = c.createStatement()) {
            s.execute("ALTER TABLE shard_slot_map RENAME TO shard_slot_map_away");
            await("the lease to run out", () -> one.reshard().gate().refusal() != null);
            assertThatThrownBy(() -> insert(one, 1, moving)).isInstanceOf(SQLTransientException.class)
                    .hasMessageContaining("table t_order")
                    .hasMessageContaining("is refused: this instance has not read ")
                    .hasMessageContaining("settings.metadataLeaseMillis (300 ms)");
            // Not moving by the known announcement, but that one may have been aborted and another, moving this
            // slot, switched without this instance meanwhile.
            assertThatThrownBy(() -> insert(one, 2, staying)).isInstanceOf(SQLTransientException.class)
                    .hasMessageContaining("settings.metadataLeaseMillis (300 ms)");
            s.execute("ALTER TABLE shard_slot_map_away RENAME TO shard_slot_map");
        }
        poll(one);
        insert(one, 1, moving); // announced, not frozen: allowed again
        insert(one, 2, staying);
        assertThat(rowsOn(oldOwner(moving), 1)).isEqualTo(1);
        assertThat(rowsOn(oldOwner(staying), 2)).isEqualTo(1);
    }

    @Test
    void withNothingAnnouncedAnInstanceThatCannotReadTheMetadataRefusesEveryShardedWrite() throws Exception {
        ShardRuntime one = start(grown().metadataLeaseMillis(300).build());
        try (Connection c = DriverManager.getConnection(shards.url(0), "sa", "");
             Statement s = c.createStatement()) {
            s.execute("ALTER TABLE shard_slot_map RENAME TO shard_slot_map_away");
            await("the lease to run out", () -> one.reshard().gate() != null);
            assertThatThrownBy(() -> insert(one, 1, staying)).isInstanceOf(SQLTransientException.class)
                    .hasMessageContaining("a reshard may be moving");
            s.execute("ALTER TABLE shard_slot_map_away RENAME TO shard_slot_map");
        }
        poll(one);
        assertThat(one.reshard().gate()).isNull();
        insert(one, 1, staying);
    }

    @Test
    void anInstanceWhoseFileLacksTheAddedDataSourceSaysSoAndNeverAcknowledgesTheFreeze() throws Exception {
        ShardRuntime current = start(grown().build());
        // Started from the file before ds2 was added: it could not route by the target once published.
        ShardRuntime stale = start(shards.config(2).slotMapPollMillis(50).build());
        tool.announce(1, target);
        poll(current, stale);
        assertThat(tool.awaitTargetRead(BOUND)).isTrue();
        assertThat(tool.instances()).extracting(ReshardCoordination.InstanceState::target)
                .containsExactlyInAnyOrder(ReshardCoordination.TargetReport.ROUTABLE,
                        ReshardCoordination.TargetReport.CANNOT_ROUTE);
        assertThat(stale.reshard().acknowledgement()).isNegative();
        insert(stale, 1, moving); // announced: its writes go on, to the old owner
        assertThat(rowsOn(oldOwner(moving), 1)).isEqualTo(1);

        tool.freeze();
        poll(current, stale);
        long start = System.nanoTime();
        assertThat(tool.awaitFrozen(BOUND)).isFalse();
        assertThat(System.nanoTime() - start).as("ended by the report, not by the bound").isLessThan(BOUND.toNanos());
        assertThat(tool.instances()).filteredOn(ReshardCoordination.InstanceState::frozenAck).hasSize(1);

        opened.remove(1).close(); // restarted with the new file, or stopped: its row goes
        assertThat(tool.awaitFrozen(BOUND)).isTrue();
        assertThat(tool.instances()).singleElement().satisfies(instance -> assertThat(instance.target())
                .isEqualTo(ReshardCoordination.TargetReport.ROUTABLE));
        assertThat(tool.publishTarget()).isEqualTo(2);
    }

    @Test
    void aClosedInstanceRemovesItsRow() throws Exception {
        start(grown().build());
        ShardRuntime two = start(grown().build());
        assertThat(tool.instances()).hasSize(2);
        opened.remove(1).close();
        assertThat(tool.instances()).hasSize(1);
        assertThat(two.isClosed()).isTrue();
    }
}
