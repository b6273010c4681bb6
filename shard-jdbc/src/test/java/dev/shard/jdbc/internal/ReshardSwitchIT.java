package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.DifferentialDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The switch on MariaDB, with two application instances and writers running throughout: auto-commit inserts and
 * two-row transactions (retried when the switch asks for it) for users whose slots move from ds0/ds1 to ds2 and
 * users whose slots stay. The test stands in for the tool: once every instance acknowledged the freeze it copies the
 * moving users' rows to ds2, publishes, and deletes them from their old owners once every instance routes by the
 * new map. Afterwards every committed write is present exactly
 * once, on the data source that owns its slot in the new map, and nothing else is.
 */
class ReshardSwitchIT {

    private static final Duration BOUND = Duration.ofSeconds(120);

    private DifferentialDatabases databases;
    private final List<ShardingDataSource> opened = new ArrayList<>();
    private final ExecutorService writers = Executors.newCachedThreadPool();

    @BeforeEach
    void create() throws SQLException {
        databases = DifferentialDatabases.create("reshard_switch", 3);
        for (Connection shard : databases.shards()) {
            try (Statement s = shard.createStatement()) {
                s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
            }
        }
    }

    @AfterEach
    void drop() throws SQLException {
        writers.shutdownNow();
        opened.forEach(ShardingDataSource::close);
        databases.close();
    }

    /** ds0..ds{count-1}. */
    private ShardConfig.Builder config(int count) {
        ShardConfig.Builder builder = ShardConfig.builder();
        ShardConfig all = databases.config(8).build();
        for (int i = 0; i < count; i++) {
            builder.dataSource("ds" + i, all.dataSource("ds" + i).poolProperties());
        }
        return builder.shardedTable("t_order", "user_id").slotMapPollMillis(50)
                .reshardWriteHoldMillis(BOUND.toMillis());
    }

    @Test
    void writersKeepWritingThroughTheSwitchAndEveryCommittedRowEndsOnItsNewOwner() throws Exception {
        ShardConfig small = config(2).build();
        new ShardingDataSource(small).close(); // stores version 1: ds0 and ds1 own every slot
        ShardConfig grown = config(3).build();
        SlotMap target = SlotMap.of(grown);
        ShardRuntime one = SlotMapStoreTest.runtime(open(grown));
        ShardRuntime two = SlotMapStoreTest.runtime(open(grown));
        List<Long> users = new ArrayList<>();
        for (long user = 1; users.size() < 40; user++) {
            users.add(user);
        }
        Set<Long> movingUsers = users.stream()
                .filter(user -> target.shardIndexOf(user) == 2).collect(Collectors.toSet());
        assertThat(movingUsers).isNotEmpty().hasSizeLessThan(users.size());

        Map<Long, Long> committed = new ConcurrentHashMap<>();
        AtomicLong orders = new AtomicLong();
        AtomicLong retried = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> running = new ArrayList<>();
        for (ShardRuntime instance : List.of(one, two)) {
            running.add(writers.submit(() -> autoCommitWrites(instance, users, orders, committed, stop)));
            running.add(writers.submit(() -> transactions(instance, users, orders, committed, retried, stop)));
        }
        awaitCommitted(committed, 200);

        try (ReshardCoordination tool = ReshardCoordination.open(grown)) {
            tool.announce(1, target);
            awaitCommitted(committed, committed.size() + 200);
            tool.freeze();
            assertThat(tool.awaitFrozen(BOUND)).isTrue();
            long frozenAt = committed.size();
            Map<Integer, List<Long>> copied = copyByHand(movingUsers);
            assertThat(tool.publishTarget()).isEqualTo(2);
            assertThat(tool.awaitRouting(2, BOUND)).isTrue();
            cleanUpByHand(copied);
            awaitCommitted(committed, frozenAt + 200);
        }
        stop.set(true);
        for (Future<?> writer : running) {
            writer.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }

        Map<Long, String> found = new TreeMap<>();
        List<Connection> shards = databases.shards();
        for (int shard = 0; shard < 3; shard++) {
            try (Statement s = shards.get(shard).createStatement();
                 ResultSet rs = s.executeQuery("SELECT order_id, user_id FROM t_order")) {
                while (rs.next()) {
                    long order = rs.getLong(1);
                    String where = "ds" + shard;
                    assertThat(found.put(order, where)).as("order %d twice", order).isNull();
                    assertThat(where).as("order %d of user %d", order, rs.getLong(2))
                            .isEqualTo("ds" + target.shardIndexOf(rs.getLong(2)));
                }
            }
        }
        assertThat(found.keySet()).isEqualTo(new java.util.TreeSet<>(committed.keySet()));
        assertThat(found.values()).contains("ds2");
    }

    private ShardingDataSource open(ShardConfig config) {
        ShardingDataSource ds = new ShardingDataSource(config);
        opened.add(ds);
        return ds;
    }

    private static void awaitCommitted(Map<Long, Long> committed, long count) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (committed.size() < count) {
            assertThat(System.nanoTime() - deadline).as("%d writes committed", count).isNegative();
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static Void autoCommitWrites(ShardRuntime instance, List<Long> users, AtomicLong orders,
                                         Map<Long, Long> committed, AtomicBoolean stop) throws SQLException {
        try (Connection c = instance.openConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO t_order (order_id, user_id) VALUES (?, ?)")) {
            while (!stop.get()) {
                long order = orders.incrementAndGet();
                long user = users.get(ThreadLocalRandom.current().nextInt(users.size()));
                insert.setLong(1, order);
                insert.setLong(2, user);
                insert.executeUpdate();
                committed.put(order, user);
            }
        }
        return null;
    }

    /** Two rows per transaction; one that started on the old map and writes a moved slot is retried whole. */
    private static Void transactions(ShardRuntime instance, List<Long> users, AtomicLong orders,
                                     Map<Long, Long> committed, AtomicLong retried, AtomicBoolean stop)
            throws SQLException {
        try (Connection c = instance.openConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO t_order (order_id, user_id) VALUES (?, ?)")) {
            c.setAutoCommit(false);
            while (!stop.get()) {
                Map<Long, Long> rows = new TreeMap<>();
                try {
                    for (int i = 0; i < 2; i++) {
                        long order = orders.incrementAndGet();
                        long user = users.get(ThreadLocalRandom.current().nextInt(users.size()));
                        insert.setLong(1, order);
                        insert.setLong(2, user);
                        insert.executeUpdate();
                        rows.put(order, user);
                    }
                    c.commit();
                    committed.putAll(rows);
                } catch (SQLTransientException e) {
                    c.rollback();
                    retried.incrementAndGet();
                }
            }
        }
        return null;
    }

    /**
     * What the tool's copy and final catch-up do, while writes to the moving slots are frozen everywhere: plain
     * reads of the sources (no locks: a held transaction may still hold some there until the switch), upserts into
     * the target.
     *
     * @return the orders copied, by source
     */
    private Map<Integer, List<Long>> copyByHand(Set<Long> movingUsers) throws SQLException {
        List<Connection> shards = databases.shards();
        String in = movingUsers.stream().map(String::valueOf).collect(Collectors.joining(","));
        Map<Integer, List<Long>> copied = new TreeMap<>();
        for (int source = 0; source < 2; source++) {
            List<Long> orders = new ArrayList<>();
            try (Statement s = shards.get(source).createStatement();
                 ResultSet rs = s.executeQuery("SELECT order_id, user_id FROM t_order WHERE user_id IN (" + in + ")");
                 PreparedStatement copy = shards.get(2).prepareStatement("REPLACE INTO t_order VALUES (?, ?)")) {
                while (rs.next()) {
                    copy.setLong(1, rs.getLong(1));
                    copy.setLong(2, rs.getLong(2));
                    copy.executeUpdate();
                    orders.add(rs.getLong(1));
                }
            }
            copied.put(source, orders);
        }
        return copied;
    }

    /** What the tool's cleanup does once every instance routes by the new map: deletes by primary key. */
    private void cleanUpByHand(Map<Integer, List<Long>> copied) throws SQLException {
        for (Map.Entry<Integer, List<Long>> source : copied.entrySet()) {
            try (PreparedStatement delete = databases.shards().get(source.getKey())
                    .prepareStatement("DELETE FROM t_order WHERE order_id = ?")) {
                for (long order : source.getValue()) {
                    delete.setLong(1, order);
                    delete.executeUpdate();
                }
            }
        }
    }
}
