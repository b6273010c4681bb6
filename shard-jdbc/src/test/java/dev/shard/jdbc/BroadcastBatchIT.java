package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.ResultSets;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Batches that write a broadcast table (TPC-C's item table) through Shard over four MariaDB shards, against one
 * plain reference database loaded by the same batches (Connector/J with {@code rewriteBatchedStatements=true}):
 * every shard ends up with the reference's rows, each batch reaches a shard's driver as one batch (the server
 * counts one INSERT per batch, as it does for the reference), and a batch a shard refuses is rolled back on every
 * shard.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BroadcastBatchIT {

    static final int SHARDS = 4;
    static final int BATCH = 128;
    static final String INSERT_ITEM =
            "INSERT INTO item (i_id, i_im_id, i_name, i_price, i_data) VALUES (?, ?, ?, ?, ?)";

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;
    private Connection reference;
    private List<Connection> shards;

    @BeforeAll
    void start() throws SQLException {
        databases = DifferentialDatabases.create("shard_it_bcast_batch", SHARDS);
        reference = databases.reference();
        shards = databases.shards();
        sharded = databases.open(databases.config(3)
                .shardedTable("stock", "s_w_id")
                .broadcastTables("item")
                .build());
    }

    @AfterAll
    void stop() throws SQLException {
        if (databases != null) {
            databases.close();
        }
    }

    @BeforeEach
    void createTables() throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            for (Statement target : List.of(s, r)) {
                target.execute("DROP TABLE IF EXISTS item");
                target.execute("DROP TABLE IF EXISTS stock");
                target.execute("CREATE TABLE item (i_id INT NOT NULL, i_im_id INT, i_name VARCHAR(24),"
                        + " i_price DECIMAL(5,2), i_data VARCHAR(50), PRIMARY KEY (i_id))");
                target.execute("CREATE TABLE stock (s_w_id INT NOT NULL, s_i_id INT NOT NULL, s_quantity INT,"
                        + " PRIMARY KEY (s_w_id, s_i_id))");
            }
        }
    }

    @Test
    void anItemTableLoadedByBatchesOf128MatchesTheReferenceOnEveryShardOneInsertPerBatch() throws SQLException {
        int rows = 5_000;
        long shardInserts;
        long referenceInserts;
        try (Connection c = sharded.getConnection()) {
            long before = comInsert(c);
            List<Integer> counts = loadItems(c, 1, rows);
            shardInserts = comInsert(c) - before;
            assertThat(counts).as("one count per entry").hasSize(rows);
        }
        long before = comInsert(reference);
        loadItems(reference, 1, rows);
        referenceInserts = comInsert(reference) - before;
        int batches = (rows + BATCH - 1) / BATCH;
        // With rewriteBatchedStatements the driver sends a batch as one multi-row INSERT: the server counts one
        // statement per batch on the default shard (this connection's session), as on the reference.
        assertThat(referenceInserts).as("reference").isEqualTo(batches);
        assertThat(shardInserts).as("ds0, this session").isEqualTo(referenceInserts);
        List<List<String>> expected = items(reference);
        assertThat(expected).hasSize(rows);
        for (int i = 0; i < SHARDS; i++) {
            assertThat(items(shards.get(i))).as("ds" + i).isEqualTo(expected);
        }
    }

    @Test
    void aBatchOneShardRefusesIsRolledBackOnEveryShardAndTheConnectionStaysUsable() throws SQLException {
        try (Statement s = shards.get(2).createStatement()) {
            s.execute("INSERT INTO item (i_id, i_name) VALUES (77, 'only on ds2')");
        }
        try (Connection c = sharded.getConnection()) {
            BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, () -> loadItems(c, 1, BATCH));
            assertThat((Object) e).as("BatchUpdateException").isNotNull();
            assertThat(e.getMessage()).contains("shard ds2").contains("Duplicate entry '77'")
                    .contains("Rolled back on every shard: nothing was applied of entries 1 to " + BATCH);
            assertThat(e.getLargeUpdateCounts()).hasSize(BATCH).containsOnly(Statement.EXECUTE_FAILED);
            for (int i = 0; i < SHARDS; i++) {
                assertThat(items(shards.get(i))).as("ds" + i).hasSize(i == 2 ? 1 : 0);
            }
            // The same connection goes on: the next batch, and a read.
            assertThat(loadItems(c, BATCH + 1, BATCH)).hasSize(BATCH);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM item")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(BATCH);
            }
        }
        for (int i = 0; i < SHARDS; i++) {
            assertThat(items(shards.get(i))).as("ds" + i).hasSize(BATCH + (i == 2 ? 1 : 0));
        }
    }

    @Test
    void aStatementBatchMixingBroadcastAndShardedWritesMatchesTheReference() throws SQLException {
        List<String> batch = new ArrayList<>();
        for (int item = 1; item <= 3; item++) {
            batch.add("INSERT INTO item (i_id, i_name, i_price) VALUES (" + item + ", 'item " + item + "', 1.50)");
        }
        for (int warehouse = 1; warehouse <= 8; warehouse++) {
            batch.add("INSERT INTO stock (s_w_id, s_i_id, s_quantity) VALUES (" + warehouse + ", 1, 10)");
        }
        batch.add("UPDATE item SET i_price = 2.25 WHERE i_id = 1");
        batch.add("UPDATE stock SET s_quantity = s_quantity - 3 WHERE s_w_id = 2 AND s_i_id = 1");
        batch.add("DELETE FROM item WHERE i_id = 3");
        batch.add("UPDATE item SET i_name = 'renamed' WHERE i_id = 2");
        int[] shardCounts;
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            for (String sql : batch) {
                s.addBatch(sql);
            }
            shardCounts = s.executeBatch();
        }
        int[] referenceCounts;
        try (Statement r = reference.createStatement()) {
            for (String sql : batch) {
                r.addBatch(sql);
            }
            referenceCounts = r.executeBatch();
        }
        assertThat(shardCounts).isEqualTo(referenceCounts);
        for (int i = 0; i < SHARDS; i++) {
            assertThat(items(shards.get(i))).as("ds" + i).isEqualTo(items(reference));
        }
        try (Connection c = sharded.getConnection()) {
            assertThat(rows(c, "SELECT s_w_id, s_i_id, s_quantity FROM stock ORDER BY s_w_id"))
                    .isEqualTo(rows(reference, "SELECT s_w_id, s_i_id, s_quantity FROM stock ORDER BY s_w_id"));
        }
    }

    /** Loads items {@code first} to {@code first + count - 1} by batches of 128; the update counts, in order. */
    private static List<Integer> loadItems(Connection c, int first, int count) throws SQLException {
        List<Integer> counts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(INSERT_ITEM)) {
            for (int id = first; id < first + count; id++) {
                ps.setInt(1, id);
                ps.setInt(2, id * 7 % 10_000);
                ps.setString(3, "item-" + id);
                ps.setBigDecimal(4, BigDecimal.valueOf(100 + id % 9_900, 2));
                ps.setString(5, id % 10 == 0 ? null : "data " + id);
                ps.addBatch();
                if ((id - first + 1) % BATCH == 0 || id == first + count - 1) {
                    for (int n : ps.executeBatch()) {
                        counts.add(n);
                    }
                }
            }
        }
        return counts;
    }

    private static List<List<String>> items(Connection c) throws SQLException {
        return rows(c, "SELECT i_id, i_im_id, i_name, i_price, i_data FROM item ORDER BY i_id");
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return ResultSets.rows(rs);
        }
    }

    /** The server's count of INSERT statements in this connection's session (the default shard's, through Shard). */
    private static long comInsert(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Com_insert'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
