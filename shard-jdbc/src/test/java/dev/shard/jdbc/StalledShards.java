package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.MySqlServer;
import dev.shard.jdbc.testing.Readiness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Three shards of which one can hang or die, for the tests of stalled shards: ds0 and ds2 on the shared server, ds1
 * on an {@link ExtraMariaDb} the test freezes (SIGSTOP) or kills. Table {@code t (user_id, note)} holds one row on
 * each shard ({@link #onDs0}, {@link #onDs1}, {@link #onDs2}). Pools have {@value #POOL_SIZE} connections.
 */
final class StalledShards implements AutoCloseable {

    /**
     * The class in whose frames the threads of one kind of statement run, which tells the statements in flight
     * apart: a statement on one shard runs on the caller's thread, under {@code ShardStatement}; a scatter's shard
     * statements run under {@code ScatterExecution}, on the caller's thread and on scatter threads; a batch's under
     * {@code ShardBatches}, likewise. (A scatter's caller thread also has {@code ShardStatement} frames, but its
     * scatter threads do not.)
     */
    enum Running {
        ONE_SHARD("dev.shard.jdbc.internal.ShardStatement"),
        SCATTER("dev.shard.jdbc.internal.ScatterExecution"),
        BATCH("dev.shard.jdbc.internal.ShardBatches");

        private final String statementClass;

        Running(String statementClass) {
            this.statementClass = statementClass;
        }
    }

    static final int POOL_SIZE = 6;

    private final String suffix;
    final MySqlServer server;
    final ExtraMariaDb extra;
    final ShardingDataSource sharded;
    final long onDs0;
    final long onDs1;
    final long onDs2;

    /** @param name a name unique to the test class, for its databases */
    StalledShards(String name) throws Exception {
        suffix = "_" + name + "_" + ProcessHandle.current().pid();
        server = MySqlServer.require();
        extra = ExtraMariaDb.start();
        try {
            server.recreateDatabase(database(0));
            server.recreateDatabase(database(2));
            extra.createDatabase(database(1));
            sharded = open();
            try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (user_id BIGINT NOT NULL, note VARCHAR(50) NOT NULL, PRIMARY KEY (user_id))");
            }
            onDs0 = firstIdOn("ds0");
            onDs1 = firstIdOn("ds1");
            onDs2 = firstIdOn("ds2");
            try (Connection c = sharded.getConnection();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO t (user_id, note) VALUES (?, 'row')")) {
                for (long id : List.of(onDs0, onDs1, onDs2)) {
                    insert.setLong(1, id);
                    insert.executeUpdate();
                }
            }
        } catch (Exception | AssertionError e) {
            extra.close();
            throw e;
        }
    }

    /** Another data source over the same three databases (one the test may close). */
    ShardingDataSource open() {
        return new ShardingDataSource(ShardConfig.builder()
                .dataSource("ds0", pool(server.jdbcUrl(database(0)), server.user(), server.password()))
                .dataSource("ds1", pool(extra.jdbcUrl(database(1)), extra.user(), extra.password()))
                .dataSource("ds2", pool(server.jdbcUrl(database(2)), server.user(), server.password()))
                .defaultDataSource("ds0")
                .shardedTable("t", "user_id")
                .build());
    }

    @Override
    public void close() throws Exception {
        try {
            sharded.close();
            server.dropDatabase(database(0));
            server.dropDatabase(database(2));
        } finally {
            extra.close();
        }
    }

    /** Before each test: the extra server runs and every shard answers. */
    void everyShardAnswers() {
        if (!extra.isRunning()) {
            extra.restart();
        }
        awaitTrafficOnEveryShard(sharded);
    }

    boolean selectOne(long userId) throws SQLException {
        try (Connection c = sharded.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT note FROM t WHERE user_id = ?")) {
            select.setLong(1, userId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Waits (bounded) until a statement on every shard succeeds. */
    static void awaitTrafficOnEveryShard(ShardingDataSource dataSource) {
        Readiness.awaitConnection(() -> {
            Connection c = dataSource.getConnection();
            try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM t")) {
                assertThat(rows.next()).isTrue();
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        }, "a scatter SELECT over every shard");
    }

    /** Waits (bounded) until no pool of {@code dataSource} has a connection in use. */
    static void awaitNoActiveConnections(ShardingDataSource dataSource) {
        for (String shard : List.of("ds0", "ds1", "ds2")) {
            awaitTrue("no active connection in " + shard + "'s pool",
                    () -> dataSource.poolStatistics(shard).active() == 0);
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Readiness.BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what + " within " + Readiness.BOUND).isNegative();
            try {
                Thread.sleep(50); // the poll interval of a bounded wait, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }

    /**
     * Whether a statement of kind {@code running} has been sent and waits for a server's answer: one of its threads
     * is blocked reading from a socket. A statement sent to a frozen shard stays so, and one caught reading from a
     * shard that answers is in flight too: either way the statement is running, as opposed to not yet sent.
     * Counting threads would not count statements: one scatter alone has a thread per shard.
     */
    static boolean waitingForAServer(Running running) {
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            boolean reading = false;
            boolean statement = false;
            for (StackTraceElement frame : stack) {
                reading |= frame.getMethodName().startsWith("read")
                        && (frame.getClassName().endsWith("NioSocketImpl")
                        || frame.getClassName().endsWith("SocketInputStream"));
                // A nested class (ShardBatches.Run) counts as its outer class.
                statement |= frame.getClassName().split("\\$", 2)[0].equals(running.statementClass);
            }
            if (reading && statement) {
                return true;
            }
        }
        return false;
    }

    private long firstIdOn(String shard) throws SQLException {
        for (long id = 1; ; id++) {
            if (sharded.explain("SELECT * FROM t WHERE user_id = ?", id).shards().get(0).equals(shard)) {
                return id;
            }
        }
    }

    private static Map<String, String> pool(String jdbcUrl, String user, String password) {
        return Map.of("jdbcUrl", jdbcUrl, "username", user, "password", password, "maximumPoolSize",
                String.valueOf(POOL_SIZE));
    }

    private String database(int shard) {
        return "stalled_ds" + shard + suffix;
    }
}
