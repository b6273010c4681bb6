package dev.shard.cli.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.hash.ShardKeys;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.ShardingDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The applications' load of the reshard tests, on a sharded table {@code t_kv} (key {@code k}) and a broadcast
 * table {@code t_region}: writer threads insert, update and delete random keys through application instances, one
 * thread updates broadcast rows, and each committed write is made again on a reference database; reader threads read
 * keys through the instances and compare with the reference. Each instance writes and reads its own keys (every
 * n-th), since an instance reads a moved key from its old owner until it polls the new map. Then
 * {@link #assertEveryRowOnceOnItsOwner} checks the shards against the reference.
 */
final class ReshardLoad {

    /** The test's databases by name (the shards' and "ref"). */
    interface Databases {
        Connection connect(String name) throws SQLException;
    }

    interface Work {
        ToolProcesses.Run run() throws Exception;
    }

    private final int keys;
    private final int writers;
    private final int regions;
    private final Databases databases;
    private final List<String> writeStatements;
    private final String rowColumns;
    private final ReentrantLock[] keyLocks;
    private final ReentrantLock[] regionLocks;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final List<String> readProblems = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param writeStatements the insert, update and delete of one key (its one parameter), each deterministic given
     *                        the row it finds, so that the reference ends up with the same rows
     * @param rowColumns      the columns of {@code t_kv} compared, key first, as a select list
     */
    ReshardLoad(int keys, int writers, int regions, Databases databases, List<String> writeStatements,
                String rowColumns) {
        this.keys = keys;
        this.writers = writers;
        this.regions = regions;
        this.databases = databases;
        this.writeStatements = List.copyOf(writeStatements);
        this.rowColumns = rowColumns;
        this.keyLocks = new ReentrantLock[keys + 1];
        this.regionLocks = new ReentrantLock[regions + 1];
        for (int i = 0; i <= keys; i++) {
            keyLocks[i] = new ReentrantLock();
        }
        for (int i = 0; i <= regions; i++) {
            regionLocks[i] = new ReentrantLock();
        }
    }

    long writes() {
        return writes.get();
    }

    long retried() {
        return retried.get();
    }

    List<String> readProblems() {
        return readProblems;
    }

    /** Held while the test writes a key itself, so that no writer writes it between the test's write and check. */
    ReentrantLock keyLock(long key) {
        return keyLocks[(int) key];
    }

    /** Runs {@code work} while the writers and readers run; stops them once it returns, and checks they did work. */
    ToolProcesses.Run whileWriting(List<ShardingDataSource> instances, Work work) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(writers + instances.size() + 1);
        List<Future<?>> running = new ArrayList<>();
        long before = writes.get();
        int n = instances.size();
        for (int i = 0; i < writers; i++) {
            int index = i % n;
            running.add(threads.submit(() -> write(instances.get(index), index, n, stop)));
        }
        for (int i = 0; i < n; i++) {
            int index = i;
            running.add(threads.submit(() -> read(instances.get(index), index, n, stop)));
        }
        running.add(threads.submit(() -> writeBroadcast(instances, stop)));
        ToolProcesses.Run result;
        try {
            result = work.run();
        } finally {
            stop.set(true);
            threads.shutdown();
            assertThat(threads.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        for (Future<?> future : running) {
            future.get();
        }
        assertThat(writes.get()).isGreaterThan(before);
        return result;
    }

    private Void write(ShardingDataSource instance, int index, int instances, AtomicBoolean stop) throws Exception {
        try (Connection ref = databases.connect("ref")) {
            while (!stop.get()) {
                int k = key(index, instances);
                String sql = writeStatements.get(ThreadLocalRandom.current().nextInt(writeStatements.size()));
                keyLocks[k].lock();
                try {
                    writeBoth(instance, ref, sql, k);
                } finally {
                    keyLocks[k].unlock();
                }
            }
        }
        return null;
    }

    /** The write through the instance and, once it is applied there, on the reference; the caller holds its lock. */
    private void writeBoth(ShardingDataSource instance, Connection ref, String sql, long key) throws SQLException {
        try (Connection c = instance.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, key);
            s.executeUpdate();
        } catch (SQLTransientException e) {
            // Held past the bound or refused at the switch: not applied; the application retries.
            retried.incrementAndGet();
            return;
        }
        try (PreparedStatement s = ref.prepareStatement(sql)) {
            s.setLong(1, key);
            s.executeUpdate();
        }
        writes.incrementAndGet();
    }

    private Void writeBroadcast(List<ShardingDataSource> instances, AtomicBoolean stop) throws Exception {
        String sql = "UPDATE t_region SET v = v + 1 WHERE id = ?";
        try (Connection ref = databases.connect("ref")) {
            for (int turn = 0; !stop.get(); turn++) {
                int id = 1 + ThreadLocalRandom.current().nextInt(regions);
                regionLocks[id].lock();
                try {
                    writeBoth(instances.get(turn % instances.size()), ref, sql, id);
                } finally {
                    regionLocks[id].unlock();
                }
            }
        }
        return null;
    }

    /** Reads a key through the instance and from the reference with no write of that key between them. */
    private Void read(ShardingDataSource instance, int index, int instances, AtomicBoolean stop) throws Exception {
        try (Connection ref = databases.connect("ref")) {
            while (!stop.get()) {
                int k = key(index, instances);
                keyLocks[k].lock();
                try {
                    List<String> sharded;
                    try (Connection c = instance.getConnection()) {
                        sharded = select(c, k);
                    }
                    List<String> expected = select(ref, k);
                    if (!sharded.equals(expected)) {
                        readProblems.add("key " + k + ": read " + sharded + ", reference " + expected);
                    }
                } finally {
                    keyLocks[k].unlock();
                }
            }
        }
        return null;
    }

    /** A random key of this instance's share: keys are dealt out to the instances in turn. */
    private int key(int index, int instances) {
        return instances * ThreadLocalRandom.current().nextInt(keys / instances) + index + 1;
    }

    private List<String> select(Connection c, long k) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + rowColumns + " FROM t_kv WHERE k = ?")) {
            s.setLong(1, k);
            try (ResultSet rs = s.executeQuery()) {
                return rowsOf(rs);
            }
        }
    }

    private static List<String> rowsOf(ResultSet rs) throws SQLException {
        List<String> rows = new ArrayList<>();
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            StringBuilder row = new StringBuilder(rs.getString(1));
            for (int i = 2; i <= columns; i++) {
                row.append('|').append(rs.getString(i));
            }
            rows.add(row.toString());
        }
        return rows;
    }

    /**
     * Every row of the shards is on the shard that owns its slot, once, the union equals the reference, and every
     * data source of the map holds the reference's broadcast rows.
     */
    void assertEveryRowOnceOnItsOwner(List<String> shards, SlotMap map) throws SQLException {
        Map<Long, String> union = new TreeMap<>();
        for (String shard : shards) {
            for (String row : rows(shard)) {
                long k = Long.parseLong(row.substring(0, row.indexOf('|')));
                assertThat(owner(map, k)).as("key " + k + " on " + shard).isEqualTo(shard);
                assertThat(union.put(k, row)).as("key " + k + " twice").isNull();
            }
        }
        Map<Long, String> expected = new TreeMap<>();
        for (String row : rows("ref")) {
            expected.put(Long.parseLong(row.substring(0, row.indexOf('|'))), row);
        }
        assertThat(union).isEqualTo(expected);
        List<String> regionRows = regions("ref");
        for (String shard : map.shards()) {
            assertThat(regions(shard)).as("t_region on " + shard).isEqualTo(regionRows);
        }
    }

    private List<String> regions(String database) throws SQLException {
        try (Connection c = databases.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM t_region ORDER BY id")) {
            return rowsOf(rs);
        }
    }

    /** The rows of t_kv on a database, none when it has no such table. */
    List<String> rows(String database) throws SQLException {
        try (Connection c = databases.connect(database)) {
            try (ResultSet tables = c.getMetaData().getTables(c.getCatalog(), null, "t_kv", null)) {
                if (!tables.next()) {
                    return List.of();
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + rowColumns + " FROM t_kv")) {
                return rowsOf(rs);
            }
        }
    }

    /**
     * The deployment as it was before the reshard, through an application started from {@code config} (which stores
     * its map) and on the reference: the tables, every other key, and the broadcast rows.
     *
     * @param keyTable the CREATE TABLE of t_kv, whose columns k, v and note come first
     */
    void seed(java.nio.file.Path config, String keyTable) throws SQLException {
        try (ShardingDataSource first = ShardingDataSource.fromYaml(config);
             Connection c = first.getConnection(); Statement s = c.createStatement();
             Connection ref = databases.connect("ref"); Statement r = ref.createStatement()) {
            StringBuilder values = new StringBuilder();
            for (int k = 1; k <= keys; k += 2) {
                values.append(values.length() == 0 ? "" : ", ").append("(").append(k).append(", 0, 'seed')");
            }
            StringBuilder regionValues = new StringBuilder();
            for (int id = 1; id <= regions; id++) {
                regionValues.append(regionValues.length() == 0 ? "" : ", ").append("(").append(id).append(", 0)");
            }
            for (Statement on : List.of(s, r)) {
                on.execute(keyTable);
                on.executeUpdate("INSERT INTO t_kv (k, v, note) VALUES " + values);
                on.execute("CREATE TABLE t_region (id BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL)");
                on.executeUpdate("INSERT INTO t_region VALUES " + regionValues);
            }
        }
    }

    /**
     * A shard.yaml over the shards that have a weight, t_kv sharded by k, t_region broadcast, and quick polls.
     *
     * @param connection a data source's connection settings, such as {@code jdbcUrl: "...", username: u}
     */
    static java.nio.file.Path writeConfig(java.nio.file.Path path, List<String> shards, Map<String, Double> weights,
                                          java.util.function.Function<String, String> connection)
            throws java.io.IOException {
        StringBuilder text = new StringBuilder("dataSources:\n");
        for (String name : shards) {
            if (weights.containsKey(name)) {
                text.append("  ").append(name).append(": { ").append(connection.apply(name))
                        .append(", maximumPoolSize: 4, minimumIdle: 1, weight: ").append(weights.get(name))
                        .append(" }\n");
            }
        }
        text.append("""
                defaultDataSource: ds0
                tables:
                  t_kv: { shardingColumn: k }
                broadcastTables: [t_region]
                settings:
                  storeSlotMap: true
                  slotMapPollMillis: 100
                  reshardWriteHoldMillis: 3000
                """);
        return java.nio.file.Files.writeString(path, text);
    }

    static String owner(SlotMap map, long k) {
        return map.shards().get(map.shardIndexOfSlot(ShardKeys.slotOf(k)));
    }

    /** The first key that moves to {@code to} between the maps. */
    static long movingKey(SlotMap from, SlotMap to, String target) {
        for (long k = 1; ; k++) {
            if (owner(to, k).equals(target) && !owner(from, k).equals(target)) {
                return k;
            }
        }
    }
}
