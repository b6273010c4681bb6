package dev.shard.jdbc;

import static dev.shard.jdbc.StalledShards.awaitNoActiveConnections;
import static dev.shard.jdbc.StalledShards.awaitTrafficOnEveryShard;
import static dev.shard.jdbc.StalledShards.awaitTrue;
import static dev.shard.jdbc.StalledShards.waitingForAServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.jdbc.StalledShards.Running;
import dev.shard.jdbc.testing.Readiness;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Connection.abort and the data source's close while a statement is in flight on a frozen shard (ds1 of
 * {@link StalledShards}, SIGSTOPped): the statement has been sent and nothing will answer it, so only abort or
 * close can end it. Its thread must get an SQLException saying why, and no pool may keep a connection in use.
 * The statements run without a query timeout, so that nothing else would end them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbortAndCloseIT {

    private StalledShards shards;
    private final ExecutorService application = Executors.newCachedThreadPool();

    @BeforeAll
    void setUp() throws Exception {
        shards = new StalledShards("abort");
    }

    @AfterAll
    void tearDown() throws Exception {
        application.shutdownNow();
        if (shards != null) {
            shards.close();
        }
    }

    @BeforeEach
    void everyShardAnswers() {
        shards.everyShardAnswers();
    }

    @AfterEach
    void thawed() {
        if (shards.extra.isRunning()) {
            shards.extra.thaw();
        }
    }

    @Test
    void abortFromAnotherThreadEndsAOneShardStatementOnAFrozenShard() throws Exception {
        Connection connection = onEveryShard(shards.sharded);
        shards.extra.freeze();
        Future<Boolean> running = application.submit(() -> select(connection, shards.onDs1));
        awaitTrue("the SELECT on ds1 waiting for its server", () -> waitingForAServer(Running.ONE_SHARD));

        ExecutorService aborter = Executors.newSingleThreadExecutor();
        try {
            connection.abort(aborter);
            assertThat(connection.isClosed()).as("closed as soon as abort returns").isTrue();
            assertFailsBecause(running, "the connection was aborted (Connection.abort)");
        } finally {
            aborter.shutdown();
        }
        assertThatThrownBy(connection::createStatement).isInstanceOf(SQLException.class)
                .hasMessage("Connection is closed: the connection was aborted (Connection.abort)");
        connection.abort(Runnable::run); // no-op on a closed connection
        // The physical connections were evicted, ds1's among them: nothing stays in use, even while ds1 is frozen.
        awaitNoActiveConnections(shards.sharded);
        assertThat(shards.selectOne(shards.onDs0)).as("ds0 while ds1 is frozen").isTrue();
        shards.extra.thaw();
        // Aborting a connection says nothing about the shard: ds1 is used again as soon as it answers.
        awaitTrafficOnEveryShard(shards.sharded);
        awaitNoActiveConnections(shards.sharded);
    }

    @Test
    void abortEndsAScatterWaitingForAFrozenShard() throws Exception {
        Connection connection = onEveryShard(shards.sharded);
        shards.extra.freeze();
        Future<Boolean> running = application.submit(() -> {
            try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM t")) {
                return rows.next();
            }
        });
        awaitTrue("the scatter waiting for a server", () -> waitingForAServer(Running.SCATTER));
        connection.abort(Runnable::run);
        assertFailsBecause(running, "the connection was aborted (Connection.abort)");
        awaitNoActiveConnections(shards.sharded);
        shards.extra.thaw();
        awaitTrafficOnEveryShard(shards.sharded);
    }

    @Test
    void abortNeedsAnExecutor() throws SQLException {
        try (Connection connection = shards.sharded.getConnection()) {
            assertThatThrownBy(() -> connection.abort(null)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("executor");
            assertThat(connection.isClosed()).isFalse();
        }
    }

    @Test
    void closingTheDataSourceEndsAScatterAndABatchInFlight() throws Exception {
        ShardingDataSource closing = shards.open();
        awaitTrafficOnEveryShard(closing);
        Connection scatterConnection = onEveryShard(closing);
        Connection batchConnection = onEveryShard(closing);
        shards.extra.freeze();
        Future<Boolean> scatter = application.submit(() -> {
            try (Statement s = scatterConnection.createStatement();
                 ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM t")) {
                return rows.next();
            }
        });
        // Each statement is seen running before the data source closes: sent, and waiting for a server (ds1 never
        // answers, so neither can finish). Told apart by kind: a count of waiting threads would not do, as the
        // scatter alone waits on up to three (ds0 and ds1 on scatter threads, ds2 on its own), and could reach two
        // before the batch had even started, which would then fail at its start with a plain "Connection is closed".
        awaitTrue("the scatter waiting for a server", () -> waitingForAServer(Running.SCATTER));
        Future<int[]> batch = application.submit(() -> {
            try (PreparedStatement update = batchConnection.prepareStatement(
                    "UPDATE t SET note = 'batch' WHERE user_id = ?")) {
                for (long id : List.of(shards.onDs0, shards.onDs1, shards.onDs2)) {
                    update.setLong(1, id);
                    update.addBatch();
                }
                return update.executeBatch();
            }
        });
        awaitTrue("the batch waiting for a server", () -> waitingForAServer(Running.BATCH));

        closing.close();
        assertFailsBecause(scatter, "the ShardingDataSource was closed");
        Throwable batchFailure = assertFailsBecause(batch, "the ShardingDataSource was closed");
        assertThat(batchFailure).isInstanceOf(BatchUpdateException.class);
        assertThat(scatterConnection.isClosed()).isTrue();
        assertThatThrownBy(batchConnection::createStatement)
                .hasMessage("Connection is closed: the ShardingDataSource was closed");
        assertThat(closing.isClosed()).isTrue();
        awaitNoActiveConnections(closing);
        scatterConnection.close();
        batchConnection.close();
    }

    /**
     * A connection that holds a physical connection to every shard (a scatter SELECT ran on it), so that what a
     * test puts in flight later is a statement, not the borrowing of a connection.
     */
    private static Connection onEveryShard(ShardingDataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM t")) {
            assertThat(rows.next()).isTrue();
        }
        return connection;
    }

    /** The statement's failure: an SQLException (perhaps a BatchUpdateException) giving {@code reason}. */
    private static Throwable assertFailsBecause(Future<?> running, String reason) throws InterruptedException {
        try {
            Object result = running.get(Readiness.BOUND.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("the statement returned " + result + " instead of failing");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(SQLException.class);
            assertThat(e.getCause().getMessage()).contains(reason + " while a statement was running");
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the statement still runs " + Readiness.BOUND + " after: " + reason, e);
        }
    }

    private static boolean select(Connection connection, long userId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT note FROM t WHERE user_id = ?")) {
            select.setLong(1, userId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }
}
