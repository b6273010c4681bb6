package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.Readiness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Transactions across shards on real servers: commit, rollback, savepoints, isolation and read-only over four
 * shards; and what a commit or rollback does when one shard's server dies between the statements and the commit.
 *
 * <p>The failure tests use three shards: ds0 and ds2 on the shared server, ds1 on an {@link ExtraMariaDb} the
 * test kills. Commits go in shard order, so ds0 commits before ds1 fails and ds2 is rolled back: the report has
 * all three kinds of shard. Databases are named with the process id, so concurrent builds don't collide.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossShardCommitIT {

    private static final String SUFFIX = "_" + ProcessHandle.current().pid();
    private static final String TABLE = "CREATE TABLE t (user_id BIGINT NOT NULL, note VARCHAR(50) NOT NULL, "
            + "PRIMARY KEY (user_id)) ENGINE=InnoDB";
    private static final String INSERT = "INSERT INTO t (user_id, note) VALUES (?, ?)";
    private static final int MAIN_SHARDS = 4;

    private MySqlServer server;
    /** Four shards on the shared server. */
    private ShardingDataSource main;
    private Map<String, List<Long>> mainIds;

    /** Three shards, ds1 on the extra server; started by the tests that need it. */
    private ExtraMariaDb extra;
    private ShardingDataSource mixed;
    private Map<String, List<Long>> mixedIds;

    @BeforeAll
    void setUp() throws Exception {
        server = MySqlServer.require();
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < MAIN_SHARDS; i++) {
            server.recreateDatabase(mainDatabase(i));
            builder.dataSource("ds" + i, pool(server.jdbcUrl(mainDatabase(i)), server.user(), server.password()));
        }
        main = new ShardingDataSource(builder.defaultDataSource("ds0").shardedTable("t", "user_id").build());
        createTable(main);
        mainIds = idsPerShard(main);
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (main != null) {
                main.close();
            }
            if (mixed != null) {
                mixed.close();
            }
            if (server != null) {
                for (int i = 0; i < MAIN_SHARDS; i++) {
                    server.dropDatabase(mainDatabase(i));
                }
                server.dropDatabase(mixedMainDatabase(0));
                server.dropDatabase(mixedMainDatabase(2));
            }
        } finally {
            if (extra != null) {
                extra.close();
            }
        }
    }

    @BeforeEach
    void emptyTables() throws Exception {
        for (int i = 0; i < MAIN_SHARDS; i++) {
            try (Connection c = server.connect(mainDatabase(i)); Statement s = c.createStatement()) {
                s.execute("DELETE FROM t");
            }
        }
        if (mixed != null) {
            if (!extra.isRunning()) {
                restartExtra();
            }
            for (String shard : List.of("ds0", "ds1", "ds2")) {
                try (Connection c = openMixedDirectly(shard); Statement s = c.createStatement()) {
                    s.execute("DELETE FROM t");
                }
            }
        }
    }

    // ------------------------------------------------------------------ four shards on the shared server

    @Test
    void commitMakesEveryShardsRowsVisibleAtOnce() throws Exception {
        List<Long> ids = firstIdOfEachShard(main, mainIds);
        try (Connection c = main.getConnection()) {
            c.setAutoCommit(false);
            insertAll(c, ids, "commit");
            for (int i = 0; i < MAIN_SHARDS; i++) {
                assertThat(countDirectly(main, "ds" + i, ids.get(i)))
                        .as("uncommitted row on ds%d seen from outside the transaction", i).isZero();
            }
            c.commit();
        }
        for (int i = 0; i < MAIN_SHARDS; i++) {
            assertThat(countDirectly(main, "ds" + i, ids.get(i))).as("row on ds%d after commit", i).isOne();
        }
        assertNoActiveConnections(main);
    }

    @Test
    void rollbackUndoesEveryShard() throws Exception {
        List<Long> ids = firstIdOfEachShard(main, mainIds);
        try (Connection c = main.getConnection()) {
            c.setAutoCommit(false);
            insertAll(c, ids, "rollback");
            c.rollback();
            // The connection goes on: the next transaction commits normally.
            insertAll(c, List.of(mainIds.get("ds3").get(1)), "after rollback");
            c.commit();
        }
        for (int i = 0; i < MAIN_SHARDS; i++) {
            assertThat(countDirectly(main, "ds" + i, ids.get(i))).as("row on ds%d after rollback", i).isZero();
        }
        assertThat(countDirectly(main, "ds3", mainIds.get("ds3").get(1))).isOne();
        assertNoActiveConnections(main);
    }

    @Test
    void rollbackToASavepointUndoesLaterWorkOnEveryShard() throws Exception {
        List<Long> ids = firstIdOfEachShard(main, mainIds);
        long laterOnDs0 = mainIds.get("ds0").get(1);
        try (Connection c = main.getConnection()) {
            c.setAutoCommit(false);
            insertAll(c, ids.subList(0, 2), "before savepoint");
            Savepoint savepoint = c.setSavepoint();
            // Two shards first used after the savepoint, and more work on one that was in use before it.
            insertAll(c, ids.subList(2, 4), "after savepoint");
            insertAll(c, List.of(laterOnDs0), "after savepoint");
            c.rollback(savepoint);
            c.commit();
        }
        assertThat(countDirectly(main, "ds0", ids.get(0))).isOne();
        assertThat(countDirectly(main, "ds1", ids.get(1))).isOne();
        assertThat(countDirectly(main, "ds2", ids.get(2))).isZero();
        assertThat(countDirectly(main, "ds3", ids.get(3))).isZero();
        assertThat(countDirectly(main, "ds0", laterOnDs0)).isZero();
        assertNoActiveConnections(main);
    }

    @Test
    void isolationLevelAndReadOnlyApplyToEveryShard() throws Exception {
        List<Long> ids = firstIdOfEachShard(main, mainIds);
        List<Connection> writers = new ArrayList<>();
        try (Connection c = main.getConnection()) {
            // Uncommitted rows, one per shard, written from outside: only READ UNCOMMITTED sees them.
            for (int i = 0; i < MAIN_SHARDS; i++) {
                Connection writer = server.connect(mainDatabase(i));
                writers.add(writer);
                writer.setAutoCommit(false);
                try (PreparedStatement insert = writer.prepareStatement(INSERT)) {
                    insert.setLong(1, ids.get(i));
                    insert.setString(2, "dirty");
                    insert.executeUpdate();
                }
            }
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
            try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM t WHERE user_id = ?")) {
                for (int i = 0; i < MAIN_SHARDS; i++) {
                    count.setLong(1, ids.get(i));
                    try (ResultSet rs = count.executeQuery()) {
                        rs.next();
                        assertThat(rs.getLong(1)).as("dirty read on ds%d", i).isOne();
                    }
                }
            }
            c.commit();
        } finally {
            for (Connection writer : writers) {
                writer.rollback();
                writer.close();
            }
        }
        try (Connection c = main.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                for (int i = 0; i < MAIN_SHARDS; i++) {
                    insert.setLong(1, ids.get(i));
                    insert.setString(2, "read-only");
                    assertThatThrownBy(insert::executeUpdate).as("write on ds%d in a read-only transaction", i)
                            .isInstanceOf(SQLException.class).hasMessageFindingMatch("(?i)read[- ]only");
                }
            }
            c.rollback();
        }
        for (int i = 0; i < MAIN_SHARDS; i++) {
            assertThat(countDirectly(main, "ds" + i, ids.get(i))).isZero();
        }
        assertNoActiveConnections(main);
    }

    // ------------------------------------------------------------------ a shard dies before the commit

    @Test
    void aCommitThatFailsOnOneShardReportsWhichShardsCommittedAndLeavesTheConnectionUsable() throws Exception {
        startMixed();
        long onDs0 = mixedIds.get("ds0").get(0);
        long onDs1 = mixedIds.get("ds1").get(0);
        long onDs2 = mixedIds.get("ds2").get(0);
        try (Connection c = mixed.getConnection(); PreparedStatement insert = c.prepareStatement(INSERT)) {
            c.setAutoCommit(false);
            for (long id : List.of(onDs0, onDs1, onDs2)) {
                insert.setLong(1, id);
                insert.setString(2, "doomed transaction");
                insert.executeUpdate();
            }
            extra.stop();

            SQLException failure = catchThrowableOfType(SQLException.class, c::commit);

            assertThat((Throwable) failure).as("commit with ds1's server dead").isNotNull();
            assertThat(failure.getMessage())
                    .contains("committed on [ds0]")
                    .contains("failed on ds1: ")
                    .contains("not committed (rolled back) on [ds2]");
            assertThat(failure.getCause()).as("the driver's exception").isInstanceOf(SQLException.class);
            assertThat(failure.getCause().getClass().getName()).startsWith("com.mysql");
            assertThat(failure.getSQLState()).startsWith("08");
            assertThat(countDirectly(mixed, "ds0", onDs0)).as("committed on ds0").isOne();
            assertThat(countDirectly(mixed, "ds2", onDs2)).as("rolled back on ds2").isZero();

            // Still usable: the shards that were kept take new work, through the same prepared statement...
            long laterOnDs0 = mixedIds.get("ds0").get(1);
            long laterOnDs2 = mixedIds.get("ds2").get(1);
            for (long id : List.of(laterOnDs0, laterOnDs2)) {
                insert.setLong(1, id);
                insert.setString(2, "after the failed commit");
                assertThat(insert.executeUpdate()).isOne();
            }
            // ...and the dead shard's error names it, whether the pool still had a connection that died with the
            // server (found out on use) or has to open one (refused).
            insert.setLong(1, onDs1);
            for (int attempt = 1; attempt <= 2; attempt++) {
                assertThatThrownBy(insert::executeUpdate).as("statement %d on the dead shard", attempt)
                        .isInstanceOf(SQLException.class).hasMessageFindingMatch("(?i)shard ds1\\b");
            }
            c.commit();
            assertThat(countDirectly(mixed, "ds0", laterOnDs0)).isOne();
            assertThat(countDirectly(mixed, "ds2", laterOnDs2)).isOne();

            // Once its server is back, the next statement there gets a new connection.
            restartExtra();
            assertThat(countDirectly(mixed, "ds1", onDs1)).as("ds1's uncommitted row after the crash").isZero();
            insert.setLong(1, onDs1);
            insert.setString(2, "after restart");
            assertThat(insert.executeUpdate()).isOne();
            c.commit();
            assertThat(countDirectly(mixed, "ds1", onDs1)).isOne();
        }
        assertNoActiveConnections(mixed);
    }

    @Test
    void aCommitAfterAShardsConnectionWasLostCommitsNothing() throws Exception {
        startMixed();
        List<Long> ids = firstIdOfEachShard(mixed, mixedIds);
        try (Connection c = mixed.getConnection()) {
            c.setAutoCommit(false);
            insertAll(c, ids, "lost with ds1");
            extra.stop();
            // ds1's server took this transaction's row with it; the statement finds the connection gone.
            assertThatThrownBy(() -> insertAll(c, List.of(mixedIds.get("ds1").get(1)), "too late"))
                    .isInstanceOf(SQLRecoverableException.class).hasMessageStartingWith("Shard ds1: ");

            SQLException refused = catchThrowableOfType(SQLException.class, c::commit);

            assertThat((Throwable) refused).isInstanceOf(SQLTransactionRollbackException.class);
            assertThat(refused.getMessage()).contains("Commit refused: the connection to [ds1] was lost")
                    .contains("Nothing was committed; rolled back on [ds0, ds2]");
            assertThat(countDirectly(mixed, "ds0", ids.get(0))).isZero();
            assertThat(countDirectly(mixed, "ds2", ids.get(2))).isZero();

            insertAll(c, List.of(ids.get(0)), "next transaction");
            c.commit();
            assertThat(countDirectly(mixed, "ds0", ids.get(0))).isOne();
        }
        assertNoActiveConnections(mixed);
    }

    @Test
    void aCommitOnASingleShardThrowsTheDriversExceptionUnchanged() throws Exception {
        startMixed();
        long onDs1 = mixedIds.get("ds1").get(0);
        try (Connection c = mixed.getConnection(); PreparedStatement insert = c.prepareStatement(INSERT)) {
            c.setAutoCommit(false);
            insert.setLong(1, onDs1);
            insert.setString(2, "single shard");
            insert.executeUpdate();
            extra.stop();

            SQLException failure = catchThrowableOfType(SQLException.class, c::commit);

            assertThat((Throwable) failure).isNotNull();
            assertThat(failure.getClass().getName()).as("the driver's own exception").startsWith("com.mysql");
            assertThat(failure.getMessage()).doesNotContain("committed on");

            restartExtra();
            insert.setString(2, "after restart");
            assertThat(insert.executeUpdate()).isOne();
            c.commit();
        }
        assertThat(countDirectly(mixed, "ds1", onDs1)).isOne();
        assertNoActiveConnections(mixed);
    }

    @Test
    void aRollbackWithADeadShardRollsBackTheOthersAndNamesIt() throws Exception {
        startMixed();
        List<Long> ids = firstIdOfEachShard(mixed, mixedIds);
        try (Connection c = mixed.getConnection()) {
            c.setAutoCommit(false);
            insertAll(c, ids, "rolled back");
            extra.stop();

            SQLException failure = catchThrowableOfType(SQLException.class, c::rollback);

            assertThat((Throwable) failure).isNotNull();
            assertThat(failure.getMessage()).contains("Rollback failed on ds1: ").contains("rolled back on [ds0, ds2]");
            assertThat(countDirectly(mixed, "ds0", ids.get(0))).isZero();
            assertThat(countDirectly(mixed, "ds2", ids.get(2))).isZero();

            insertAll(c, List.of(ids.get(0)), "after the failed rollback");
            c.commit();
            assertThat(countDirectly(mixed, "ds0", ids.get(0))).isOne();
        }
        restartExtra();
        assertThat(countDirectly(mixed, "ds1", ids.get(1))).as("ds1's uncommitted row after the crash").isZero();
        assertNoActiveConnections(mixed);
    }

    // ------------------------------------------------------------------ support

    private void startMixed() throws Exception {
        if (mixed != null) {
            return;
        }
        extra = ExtraMariaDb.start();
        System.out.printf("Extra MariaDB server on port %d: mariadb-install-db %d ms, start %d ms%n",
                extra.port(), extra.installMillis(), extra.lastStartMillis());
        server.recreateDatabase(mixedMainDatabase(0));
        server.recreateDatabase(mixedMainDatabase(2));
        extra.createDatabase(mixedExtraDatabase());
        Map<String, String> ds1 = new HashMap<>(pool(extra.jdbcUrl(mixedExtraDatabase()), extra.user(),
                extra.password()));
        // While ds1's server is down, a statement there fails after this wait for a connection, not HikariCP's 30 s.
        // Too short for anything that must succeed after a restart: restartExtra() waits for the pool instead.
        ds1.put("connectionTimeout", "1000");
        mixed = new ShardingDataSource(ShardConfig.builder()
                .dataSource("ds0", pool(server.jdbcUrl(mixedMainDatabase(0)), server.user(), server.password()))
                .dataSource("ds1", ds1)
                .dataSource("ds2", pool(server.jdbcUrl(mixedMainDatabase(2)), server.user(), server.password()))
                .defaultDataSource("ds0")
                .shardedTable("t", "user_id")
                .build());
        createTable(mixed);
        mixedIds = idsPerShard(mixed);
    }

    /** Restarts ds1's server and returns once ds1's pool hands out a connection to it that answers a query. */
    private void restartExtra() {
        extra.restart(); // returns once the server answers a query
        System.out.printf("Extra MariaDB server restarted in %d ms%n", extra.lastStartMillis());
        HikariDataSource ds1 = mixed.runtime().pool("ds1");
        // Its pool's idle connections died with the old process. HikariCP would find that out when they are
        // next borrowed, but only for connections idle over 500 ms; dropping them makes the test deterministic.
        ds1.getHikariPoolMXBean().softEvictConnections();
        // While the server was down, the pool retried it with a backoff that grows to 5 s, well past the pool's
        // 1 s connectionTimeout: the next statement on ds1 would fail if its new connection were still to come.
        Readiness.awaitConnection(ds1, "Shard ds1's pool after its server restarted");
        // A statement that found ds1 dead opened its circuit breaker; a background probe closes it again.
        long onDs1 = mixedIds.get("ds1").get(0);
        Readiness.awaitConnection(() -> {
            Connection c = mixed.getConnection();
            try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM t WHERE user_id = ?")) {
                select.setLong(1, onDs1);
                select.executeQuery().close();
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        }, "Shard ds1 through Shard after its server restarted");
    }

    private static Map<String, String> pool(String jdbcUrl, String user, String password) {
        return Map.of("jdbcUrl", jdbcUrl, "username", user, "password", password, "maximumPoolSize", "2");
    }

    private static void createTable(ShardingDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(TABLE);
        }
    }

    /** The first few user ids that route to each shard. */
    private static Map<String, List<Long>> idsPerShard(ShardingDataSource ds) throws SQLException {
        Map<String, List<Long>> ids = new LinkedHashMap<>();
        for (String name : ds.shardNames()) {
            ids.put(name, new ArrayList<>());
        }
        for (long id = 1; ids.values().stream().anyMatch(list -> list.size() < 3); id++) {
            String shard = ds.explain("SELECT * FROM t WHERE user_id = ?", id).shards().get(0);
            if (ids.get(shard).size() < 3) {
                ids.get(shard).add(id);
            }
        }
        return ids;
    }

    private static List<Long> firstIdOfEachShard(ShardingDataSource ds, Map<String, List<Long>> ids) {
        return ds.shardNames().stream().map(name -> ids.get(name).get(0)).toList();
    }

    private static void insertAll(Connection c, List<Long> ids, String note) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            for (long id : ids) {
                insert.setLong(1, id);
                insert.setString(2, note);
                assertThat(insert.executeUpdate()).isOne();
            }
        }
    }

    /** Rows with this id in one shard's database, read directly, bypassing Shard. */
    private long countDirectly(ShardingDataSource ds, String shard, long id) throws SQLException {
        try (Connection c = ds == main ? server.connect(mainDatabase(Integer.parseInt(shard.substring(2))))
                : openMixedDirectly(shard);
             PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM t WHERE user_id = ?")) {
            count.setLong(1, id);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Connection openMixedDirectly(String shard) throws SQLException {
        return switch (shard) {
            case "ds0" -> server.connect(mixedMainDatabase(0));
            case "ds1" -> extra.connect(mixedExtraDatabase());
            case "ds2" -> server.connect(mixedMainDatabase(2));
            default -> throw new IllegalArgumentException(shard);
        };
    }

    private static void assertNoActiveConnections(ShardingDataSource ds) {
        for (String name : ds.shardNames()) {
            assertThat(ds.runtime().pool(name).getHikariPoolMXBean().getActiveConnections())
                    .as("active connections of %s's pool", name).isZero();
        }
    }

    private static String mainDatabase(int shard) {
        return "txn_it_" + shard + SUFFIX;
    }

    private static String mixedMainDatabase(int shard) {
        return "txn_it_mixed_" + shard + SUFFIX;
    }

    private static String mixedExtraDatabase() {
        return "txn_it_mixed_1" + SUFFIX;
    }
}
