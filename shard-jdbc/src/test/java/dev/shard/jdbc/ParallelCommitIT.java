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
 * time: PostgreSQL's {@code DEFERRABLE INITIALLY DEFERRED} unique constraint, violated on one shard only. A commit
 * that is slow needs work done at commit time: a deferred constraint trigger on {@code t_slow} that pauses for each
 * row as long as the shard's {@code commit_pause} says, and logs when its pause began and ended.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelCommitIT {

    private static final int SHARDS = 3;
    private static final String INSERT = "INSERT INTO t_code (id, name) VALUES (?, ?)";
    private static final String INSERT_SLOW = "INSERT INTO t_slow (id, name) VALUES (?, ?)";
    /** Every batch that ever succeeded counts as cheap: its shards run, and commit, one after another. */
    private static final long ALWAYS_SEQUENTIAL = Long.MAX_VALUE / 1_000;

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;

    @BeforeAll
    void setUp() throws SQLException {
        databases = DifferentialDatabases.create(PostgresServer.require(), "shard_it_pcommit", SHARDS);
        for (Connection shard : databases.shards()) {
            try (Statement s = shard.createStatement()) {
                s.execute("CREATE TABLE t_code (id INT NOT NULL, name TEXT NOT NULL,"
                        + " CONSTRAINT t_code_id UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)");
                s.execute("CREATE TABLE t_slow (id INT NOT NULL, name TEXT NOT NULL)");
                s.execute("CREATE TABLE commit_pause (seconds FLOAT8 NOT NULL)");
                s.execute("INSERT INTO commit_pause VALUES (0)");
                s.execute("CREATE TABLE commit_log (started TIMESTAMPTZ NOT NULL, ended TIMESTAMPTZ NOT NULL)");
                s.execute("CREATE FUNCTION pause_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " DECLARE started TIMESTAMPTZ := clock_timestamp();"
                        + " BEGIN PERFORM pg_sleep((SELECT seconds FROM commit_pause));"
                        + " INSERT INTO commit_log VALUES (started, clock_timestamp()); RETURN NULL; END $$");
                s.execute("CREATE CONSTRAINT TRIGGER t_slow_pause AFTER INSERT ON t_slow"
                        + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pause_at_commit()");
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
                s.execute("DELETE FROM t_slow");
                s.execute("DELETE FROM commit_log");
                s.execute("UPDATE commit_pause SET seconds = 0");
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
    void aCheapBroadcastBatchCommittedShardByShardStopsAtTheFailedCommitAndRollsBackTheRest() throws SQLException {
        // Every batch that succeeded counts as cheap: from the second on, the caller runs and commits the shards
        // one after another (BatchPacingTest proves which thread runs them). ds1's commit fails before ds2's turn,
        // so ds2 is rolled back rather than committed, and the message says so in the same words.
        try (ShardingDataSource sequential = paced("t_code", ALWAYS_SEQUENTIAL);
             Connection c = sequential.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            addCodes(ps, 101, 108); // a batch of the same size, to prove it cheap
            assertThat(ps.executeBatch()).hasSize(8).containsOnly(1);
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("DELETE FROM t_code WHERE id > 100")).isEqualTo(8);
            }
            BatchUpdateException e = batchOfEightFailingToCommitOnDs1(ps);
            assertThat(e.getMessage()).contains("Committed on [ds0]; not committed on [ds1, ds2]:");
            // The connection goes on: ds2's connection, rolled back, serves the next broadcast write.
            ps.setInt(1, 20);
            ps.setString(2, "after");
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(codes(0)).as("ds0").hasSize(9).contains("5:code 5", "20:after");
        assertThat(codes(1)).as("ds1").containsExactly("5:only on ds1", "20:after");
        assertThat(codes(2)).as("ds2").containsExactly("20:after");
    }

    /** Codes 1 to 8 in one batch: the commit fails on ds1 (code 5), committed on ds0 and ds2 (in parallel). */
    private void batchOfEightFailsToCommitOnDs1(PreparedStatement ps) throws SQLException {
        BatchUpdateException e = batchOfEightFailingToCommitOnDs1(ps);
        assertThat(e.getMessage()).contains("Committed on [ds0, ds2]; not committed on [ds1]:");
        assertCommittedOnDs0AndDs2Only(8);
    }

    /** Codes 1 to 8 in one batch, whose commit fails on ds1 (code 5): the failure, every entry counted failed. */
    private BatchUpdateException batchOfEightFailingToCommitOnDs1(PreparedStatement ps) throws SQLException {
        addCodes(ps, 1, 8);
        BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, ps::executeBatch);
        assertThat((Object) e).as("BatchUpdateException").isNotNull();
        assertThat(e.getSQLState()).isEqualTo("23505");
        assertThat(e.getMessage()).contains("Commit failed on shard ds1").contains("t_code_id");
        assertThat(e.getLargeUpdateCounts()).hasSize(8).containsOnly(Statement.EXECUTE_FAILED);
        return e;
    }

    @Test
    void aBroadcastBatchWhoseCommitsAreSlowIsPacedByThemAndStaysParallel() throws SQLException {
        // The shards' inserts take milliseconds, far below the 1 s threshold; their commits take 2 x 0.4 s each, far
        // above it together. Were the commits not counted, the second batch would commit one shard after another.
        pauseAtCommit(0.4, 0.4, 0.4);
        try (ShardingDataSource paced = paced("t_slow", 1_000_000);
             Connection c = paced.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_SLOW)) {
            for (int batch = 0; batch < 2; batch++) {
                for (int i = 0; i < SHARDS; i++) {
                    try (Statement s = databases.shards().get(i).createStatement()) {
                        s.execute("DELETE FROM commit_log");
                    }
                }
                addRows(ps, 10 * batch + 1, 10 * batch + 2);
                assertThat(ps.executeBatch()).containsExactly(1, 1);
            }
        }
        // The second batch's commits, shard by shard: [began, ended] of each shard's pauses, in order of beginning.
        List<double[]> commits = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            try (Statement s = databases.shards().get(i).createStatement();
                 ResultSet rs = s.executeQuery("SELECT extract(epoch FROM min(started))::float8,"
                         + " extract(epoch FROM max(ended))::float8, count(*) FROM commit_log")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(3)).as("pauses at ds" + i + "'s commit").isEqualTo(2);
                commits.add(new double[] {rs.getDouble(1), rs.getDouble(2)});
            }
        }
        commits.sort((a, b) -> Double.compare(a[0], b[0]));
        boolean overlapped = false;
        for (int k = 1; k < commits.size(); k++) {
            overlapped |= commits.get(k)[0] < commits.get(k - 1)[1];
        }
        assertThat(overlapped).as("some shard's commit began before another's ended (in parallel): "
                + commits.stream().map(java.util.Arrays::toString).toList()).isTrue();
    }

    @Test
    void aSequentialCommitPastTheDeadlineRollsBackTheShardsAfterIt() throws SQLException {
        // ds0's commit pauses 2 x 2 s, past the 1 s timeout: its connection is abandoned, its outcome not known.
        // The shards after it are not committed past the deadline (that could not even be sent) but rolled back.
        try (ShardingDataSource sequential = paced("t_slow", ALWAYS_SEQUENTIAL);
             Connection c = sequential.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_SLOW)) {
            addRows(ps, 1, 2); // a batch of the same size, to prove it cheap
            assertThat(ps.executeBatch()).containsExactly(1, 1);
            pauseAtCommit(2, 0, 0);
            ps.setQueryTimeout(1);
            addRows(ps, 11, 12);
            BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, ps::executeBatch);
            assertThat((Object) e).as("BatchUpdateException").isNotNull();
            assertThat(e.getMessage()).contains("Commit failed on shard ds0").contains("Query timeout of 1 s")
                    .contains("Committed on []; not committed on [ds1, ds2];"
                            + " not known whether committed on [ds0] (the connection was lost during the commit)");
            assertThat(e.getLargeUpdateCounts()).containsOnly(Statement.EXECUTE_FAILED).hasSize(2);
        } finally {
            // ds0's server session is still in its pause, and would commit after it: it is ended here instead.
            try (Statement s = databases.shards().get(0).createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid, 60000) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event = 'PgSleep'");
            }
        }
        for (int i : new int[] {1, 2}) {
            assertThat(rows(i, "t_slow")).as("ds" + i).containsExactly("1:row 1", "2:row 2");
        }
    }

    /** How long each shard's commit pauses for each row of t_slow it commits. */
    private void pauseAtCommit(double... seconds) throws SQLException {
        for (int i = 0; i < SHARDS; i++) {
            try (PreparedStatement ps = databases.shards().get(i).prepareStatement(
                    "UPDATE commit_pause SET seconds = ?")) {
                ps.setDouble(1, seconds[i]);
                ps.executeUpdate();
            }
        }
    }

    private static void addRows(PreparedStatement ps, int from, int to) throws SQLException {
        add(ps, from, to, "row ");
    }

    /** A data source of its own, with {@code table} broadcast, its batches paced at {@code sequentialBelowMicros}. */
    private ShardingDataSource paced(String table, long sequentialBelowMicros) {
        return new ShardingDataSource(databases.config(3).broadcastTables(table)
                .sequentialScatterBelowMicros(sequentialBelowMicros).build());
    }

    private static void addCodes(PreparedStatement ps, int from, int to) throws SQLException {
        add(ps, from, to, "code ");
    }

    /** Entries {@code from} to {@code to}: each an id and its name, {@code name} followed by the id. */
    private static void add(PreparedStatement ps, int from, int to, String name) throws SQLException {
        for (int id = from; id <= to; id++) {
            ps.setInt(1, id);
            ps.setString(2, name + id);
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
        return rows(shard, "t_code");
    }

    private List<String> rows(int shard, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = databases.shards().get(shard).createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }
}
