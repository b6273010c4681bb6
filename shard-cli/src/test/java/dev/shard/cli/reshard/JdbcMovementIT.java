package dev.shard.cli.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.reshard.Movement.DifferingChunk;
import dev.shard.cli.reshard.ReshardState.Checkpoint;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.CollationWeights;
import dev.shard.core.internal.hash.ShardKeys;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.testing.MySqlServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The row work of a reshard from four shards to five on the MariaDB test server, without writers (the binlog and
 * the switch are tested end to end in {@code ReshardIT}): schema, then broadcast rows on the new shard, the copy in
 * chunks and from a checkpoint, verify finding exactly the rows changed behind its back, cleanup and abort.
 * Tables: t_user keyed by a BIGINT, t_name by a string under utf8mb4_general_ci with a composite primary key.
 */
class JdbcMovementIT {

    private static final List<String> OLD = List.of("ds0", "ds1", "ds2", "ds3");
    private static final List<String> ALL = List.of("ds0", "ds1", "ds2", "ds3", "ds4");
    private static final SlotMap FOUR = SlotMap.consistent(OLD, null);
    private static final SlotMap FIVE = SlotMap.consistent(ALL, null);
    private static final CollationWeights GENERAL_CI = CollationWeights.of("utf8mb4_general_ci");

    private final MySqlServer server = MySqlServer.require();
    private ShardPools pools;
    private final ReshardPlan plan = ReshardPlan.of(1, FOUR, FIVE);
    private JdbcMovement movement;

    private String database(String name) {
        return "shard_it_reshard_tool_" + name + "_" + ProcessHandle.current().pid();
    }

    @BeforeEach
    void createShards() throws SQLException {
        ShardConfig.Builder config = ShardConfig.builder();
        pools = new ShardPools(server, this::database, ALL);
        for (String name : ALL) {
            config.dataSource(name, Map.of("jdbcUrl", server.jdbcUrl(database(name))));
        }
        config.shardedTable("t_user", "user_id").shardedTable("t_name", "name").broadcastTables("t_region")
                .defaultDataSource("ds0");
        movement = new JdbcMovement(config.build(), pools::get, ReshardOptions.defaults().withChunkRows(50));
        for (String name : OLD) {
            execute(name, "CREATE TABLE t_user (user_id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(50),"
                    + " score DECIMAL(10,2), born DATETIME(3))");
            execute(name, "CREATE TABLE t_name (name VARCHAR(50) NOT NULL, seq INT NOT NULL, note VARBINARY(20),"
                    + " PRIMARY KEY (name, seq))");
            execute(name, "CREATE TABLE t_region (id INT NOT NULL PRIMARY KEY, label VARCHAR(20))");
            execute(name, "INSERT INTO t_region VALUES (1, 'north'), (2, 'south')");
        }
        Map<String, List<String>> users = new LinkedHashMap<>();
        for (long id = 1; id <= 1000; id++) {
            users.computeIfAbsent(OLD.get(FOUR.shardIndexOf(id)), o -> new ArrayList<>())
                    .add("(" + id + ", 'user " + id + "', " + id + ".25, '2024-01-02 03:04:05.678')");
        }
        users.forEach((owner, values) -> insert(owner, "t_user", values));
        Map<String, List<String>> names = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            String name = (i % 3 == 0 ? "Straße " : i % 3 == 1 ? "ÉCOLE " : "plain ") + i;
            String owner = OLD.get(FOUR.shardIndexOfSlot(ShardKeys.slotOf(name, GENERAL_CI)));
            for (int seq = 1; seq <= 2; seq++) {
                names.computeIfAbsent(owner, o -> new ArrayList<>()).add("('" + name + "', " + seq + ", x'00ff" + seq
                        + "0')");
            }
        }
        names.forEach((owner, values) -> insert(owner, "t_name", values));
    }

    private void insert(String owner, String table, List<String> values) {
        try {
            execute(owner, "INSERT INTO " + table + " VALUES " + String.join(", ", values));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void dropShards() throws SQLException {
        pools.close();
    }

    @Test
    void copyVerifyAndCleanupLeaveEveryRowOnceOnItsNewOwner() throws Exception {
        Map<String, List<String>> before = union();
        movement.prepare(plan);
        // The schema only: the broadcast rows come in the copy.
        assertThat(rows("ds4", "SELECT id, label FROM t_region ORDER BY id")).isEmpty();
        assertThat(movement.problems(plan)).isEmpty();
        execute("ds4", "INSERT INTO t_region VALUES (9, 'stale')"); // as an aborted reshard may leave

        copyAll();
        copyAll(); // from the start again, as a copy killed before its first checkpoint is: not twice
        // The broadcast table whole, from the plan's broadcast source: what was on ds4 before is gone.
        assertThat(plan.broadcastSource()).isEqualTo("ds0");
        assertThat(rows("ds4", "SELECT id, label FROM t_region ORDER BY id")).containsExactly("1|north", "2|south");
        assertThat(movement.verify(plan, null)).isEmpty();
        // Verify compares the broadcast copy too.
        execute("ds0", "UPDATE t_region SET label = 'east' WHERE id = 2");
        List<DifferingChunk> differing = movement.verify(plan, null);
        assertThat(differing).singleElement().satisfies(chunk -> {
            assertThat(chunk.table()).isEqualTo("t_region");
            assertThat(chunk.differences()).singleElement().asString().contains("differs on ds4 (label is south,"
                    + " expected east)");
        });
        execute("ds0", "UPDATE t_region SET label = 'south' WHERE id = 2");
        assertThat(movement.verify(plan, differing)).isEmpty();
        for (String table : List.of("t_user", "t_name")) {
            for (String row : rows("ds4", keysOf(table))) {
                assertThat(owner(FIVE, table, row)).as(row).isEqualTo("ds4");
            }
        }

        for (String source : OLD) {
            for (String table : movement.tables()) {
                movement.deleteMoved(plan, source, table);
            }
        }
        assertThat(union()).isEqualTo(before);
        for (String name : ALL) {
            for (String table : List.of("t_user", "t_name")) {
                for (String row : rows(name, keysOf(table))) {
                    assertThat(owner(FIVE, table, row)).as(table + " " + row + " on " + name).isEqualTo(name);
                }
            }
        }
    }

    @Test
    void verifyReportsEachRowChangedBehindItsBackAndOnlyThose() throws Exception {
        movement.prepare(plan);
        copyAll();
        long changed = firstKeyOn("ds4", "SELECT user_id FROM t_user ORDER BY user_id");
        long missing = firstKeyOn("ds4", "SELECT user_id FROM t_user ORDER BY user_id DESC");
        execute("ds4", "UPDATE t_user SET score = score + 1 WHERE user_id = " + changed);
        execute("ds4", "DELETE FROM t_user WHERE user_id = " + missing);
        // A row of a moving slot that no source has: the copy never wrote it.
        long extra = 5000;
        while (!FIVE.shards().get(FIVE.shardIndexOf(extra)).equals("ds4")) {
            extra++;
        }
        execute("ds4", "INSERT INTO t_user VALUES (" + extra + ", 'ghost', 0, NULL)");

        List<DifferingChunk> differing = movement.verify(plan, null);
        List<String> found = differing.stream().flatMap(chunk -> chunk.differences().stream())
                .map(d -> d.key() + " " + d.problem()).sorted().toList();
        assertThat(found).containsExactlyInAnyOrder(
                changed + " differs on ds4 (score is " + (changed + 1) + ".25, expected " + changed + ".25)",
                missing + " missing on ds4",
                extra + " on ds4 but not on " + plan.ownerBefore(ShardKeys.slotOf(extra)));
        // Checking those chunks again finds the same, and nothing once the rows are right.
        assertThat(movement.verify(plan, differing)).hasSameSizeAs(differing);
        execute("ds4", "DELETE FROM t_user WHERE user_id = " + extra);
        copyAll();
        assertThat(movement.verify(plan, differing)).isEmpty();
    }

    @Test
    void aCopyResumedFromItsCheckpointCopiesTheRestAndAbortRemovesEveryCopy() throws Exception {
        movement.prepare(plan);
        List<Checkpoint> seen = new ArrayList<>();
        Checkpoint start = new Checkpoint("ds1", "t_name", null, 0, false);
        try {
            movement.copy(plan, start, (reached, read, moved) -> {
                seen.add(reached);
                if (seen.size() == 2) {
                    throw new SQLException("killed");
                }
            });
        } catch (SQLException expected) {
            assertThat(expected.getMessage()).isEqualTo("killed");
        }
        Checkpoint resumed = movement.copy(plan, seen.get(1), (reached, read, moved) -> { });
        assertThat(resumed.done()).isTrue();
        Checkpoint fresh = movement.copy(plan, start, (reached, read, moved) -> { });
        assertThat(resumed.rows()).isEqualTo(fresh.rows());
        assertThat(resumed.lastKey()).isEqualTo(fresh.lastKey());
        assertThat(KeyBounds.decode(seen.get(1).lastKey())).hasSize(2);
        copyAll();
        assertThat(movement.verify(plan, null)).isEmpty();

        for (String table : movement.tables()) {
            movement.deleteCopies(plan, "ds4", table);
        }
        assertThat(rows("ds4", "SELECT user_id FROM t_user")).isEmpty();
        assertThat(rows("ds4", "SELECT name FROM t_name")).isEmpty();
        // The broadcast copy stays (ds4 is in no map); a later reshard's copy replaces it whole.
        assertThat(rows("ds4", "SELECT id FROM t_region ORDER BY id")).containsExactly("1", "2");
    }

    /** The sharded tables from every source, then the broadcast tables from the broadcast source, as the copy does. */
    private void copyAll() throws Exception {
        for (String source : plan.sources()) {
            for (String table : movement.tables()) {
                movement.copy(plan, new Checkpoint(source, table, null, 0, false), (reached, read, moved) -> { });
            }
        }
        for (String table : movement.broadcastTables()) {
            movement.copy(plan, new Checkpoint(plan.broadcastSource(), table, null, 0, false),
                    (reached, read, moved) -> { });
        }
    }

    private static String keysOf(String table) {
        return table.equals("t_user") ? "SELECT user_id FROM t_user" : "SELECT name FROM t_name";
    }

    private static String owner(SlotMap map, String table, String key) {
        int slot = table.equals("t_user") ? ShardKeys.slotOf(Long.parseLong(key)) : ShardKeys.slotOf(key, GENERAL_CI);
        return map.shards().get(map.shardIndexOfSlot(slot));
    }

    /** Every row of the sharded tables over all shards, as text, sorted; each must appear once. */
    private Map<String, List<String>> union() throws SQLException {
        Map<String, List<String>> union = new LinkedHashMap<>();
        for (String table : List.of("t_user", "t_name")) {
            List<String> all = new ArrayList<>();
            for (String name : ALL) {
                try (Connection c = pools.get(name).getConnection(); Statement s = c.createStatement();
                     ResultSet exists = s.executeQuery("SHOW TABLES LIKE '" + table + "'")) {
                    if (!exists.next()) {
                        continue;
                    }
                }
                all.addAll(rows(name, "SELECT * FROM " + table));
            }
            assertThat(new TreeSet<>(all)).as("no row twice in " + table).hasSize(all.size());
            union.put(table, all.stream().sorted().toList());
        }
        return union;
    }

    private long firstKeyOn(String name, String sql) throws SQLException {
        return Long.parseLong(rows(name, sql).get(0));
    }

    private List<String> rows(String name, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = pools.get(name).getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(RowChunks.text(rs.getObject(i)));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }

    private void execute(String name, String sql) throws SQLException {
        pools.execute(name, sql);
    }
}
