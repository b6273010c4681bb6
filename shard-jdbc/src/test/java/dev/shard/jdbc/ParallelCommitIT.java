package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.PostgresServer;
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
 * A write to every shard in auto-commit mode commits the shards' local transactions all at once, after every shard
 * has succeeded; when a commit fails, the others have committed (or are committing), and the error says which
 * shards committed and which did not. A commit that fails on a live server needs a constraint checked at commit
 * time: PostgreSQL's {@code DEFERRABLE INITIALLY DEFERRED} unique constraint, violated on one shard only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelCommitIT {

    private static final int SHARDS = 3;
    private static final String INSERT = "INSERT INTO t_code (id, name) VALUES (?, ?)";

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;

    @BeforeAll
    void setUp() throws SQLException {
        databases = DifferentialDatabases.create(PostgresServer.require(), "shard_it_pcommit", SHARDS);
        for (Connection shard : databases.shards()) {
            try (Statement s = shard.createStatement()) {
                s.execute("CREATE TABLE t_code (id INT NOT NULL, name TEXT NOT NULL,"
                        + " CONSTRAINT t_code_id UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)");
            }
        }
        sharded = databases.open(databases.config(3).broadcastTables("t_code").build());
    }

    @AfterAll
    void tearDown() throws SQLException {
        if (databases != null) {
            databases.close();
        }
    }

    /** Every shard empty, but for code 5 on ds1, which makes the commit of code 5 fail there and only there. */
    @BeforeEach
    void codeFiveOnDs1() throws SQLException {
        for (int i = 0; i < SHARDS; i++) {
            try (Statement s = databases.shards().get(i).createStatement()) {
                s.execute("DELETE FROM t_code");
                if (i == 1) {
                    s.execute("INSERT INTO t_code (id, name) VALUES (5, 'only on ds1')");
                }
            }
        }
    }

    @Test
    void aBroadcastBatchWhoseCommitFailsOnOneShardSaysWhereItCommitted() throws SQLException {
        try (Connection c = sharded.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            batchOfEightFailsToCommitOnDs1(ps);
            // The connection goes on: the next broadcast write reaches every shard.
            ps.setInt(1, 20);
            ps.setString(2, "after");
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        for (int i = 0; i < SHARDS; i++) {
            assertThat(codes(i)).as("ds" + i).contains("20:after");
        }
    }

    @Test
    void aCheapBroadcastBatchCommittedShardByShardReportsAFailedCommitTheSameWay() throws SQLException {
        // Every batch that succeeded counts as cheap: from the second on, the caller runs and commits the shards
        // one after another (BatchPacingTest proves which thread runs them), and a failed commit must read the same.
        try (ShardingDataSource sequential = new ShardingDataSource(databases.config(3).broadcastTables("t_code")
                .sequentialScatterBelowMicros(Long.MAX_VALUE / 1_000).build());
             Connection c = sequential.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            addCodes(ps, 101, 108); // a batch of the same size, to prove it cheap
            assertThat(ps.executeBatch()).hasSize(8).containsOnly(1);
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("DELETE FROM t_code WHERE id > 100")).isEqualTo(8);
            }
            batchOfEightFailsToCommitOnDs1(ps);
        }
    }

    /** Codes 1 to 8 in one batch: the commit fails on ds1 (code 5), and the error says where it committed. */
    private void batchOfEightFailsToCommitOnDs1(PreparedStatement ps) throws SQLException {
        addCodes(ps, 1, 8);
        BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, ps::executeBatch);
        assertThat((Object) e).as("BatchUpdateException").isNotNull();
        assertThat(e.getSQLState()).isEqualTo("23505");
        assertThat(e.getMessage()).contains("Commit failed on shard ds1").contains("t_code_id")
                .contains("Committed on [ds0, ds2]; not committed on [ds1]");
        assertThat(e.getLargeUpdateCounts()).hasSize(8).containsOnly(Statement.EXECUTE_FAILED);
        assertCommittedOnDs0AndDs2Only(8);
    }

    private static void addCodes(PreparedStatement ps, int from, int to) throws SQLException {
        for (int id = from; id <= to; id++) {
            ps.setInt(1, id);
            ps.setString(2, "code " + id);
            ps.addBatch();
        }
    }

    @Test
    void aBroadcastInsertWhoseCommitFailsOnOneShardSaysWhereItCommitted() throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> s.executeUpdate("INSERT INTO t_code (id, name) VALUES (4, 'code 4'), (5, 'code 5')"));
            assertThat((Object) e).as("SQLException").isNotNull();
            assertThat(e.getSQLState()).isEqualTo("23505");
            assertThat(e.getMessage()).contains("Commit failed on shard ds1")
                    .contains("Committed on [ds0, ds2]; not committed on [ds1]");
        }
        assertCommittedOnDs0AndDs2Only(2);
    }

    /** ds0 and ds2 hold the write's {@code count} codes, code 5 among them; ds1 holds only its own code 5. */
    private void assertCommittedOnDs0AndDs2Only(int count) throws SQLException {
        assertThat(codes(1)).as("ds1").containsExactly("5:only on ds1");
        for (int i : new int[] {0, 2}) {
            assertThat(codes(i)).as("ds" + i).hasSize(count).contains("5:code 5");
        }
    }

    private List<String> codes(int shard) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = databases.shards().get(shard).createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name FROM t_code ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }
}
