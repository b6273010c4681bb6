package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.internal.ShardHealth;
import dev.shard.jdbc.internal.ShardRuntime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that spreads tables over several databases. Each connection it hands out routes every
 * statement to the shard that holds the rows, by the sharding column's value.
 *
 * <pre>{@code
 * try (ShardingDataSource ds = new ShardingDataSource(ShardConfig.fromYaml(Path.of("shard.yaml")))) {
 *     try (Connection c = ds.getConnection()) { ... }
 * }
 * }</pre>
 *
 * <p>One pool (HikariCP) is started per data source when this object is built; {@link #close()} closes them.
 */
public final class ShardingDataSource implements DataSource, AutoCloseable {

    private final ShardRuntime runtime;
    private final ShardHealth health;
    private PrintWriter logWriter;
    private int loginTimeout;

    /**
     * Starts the pools.
     *
     * @throws dev.shard.core.config.ShardConfigException if a pool setting is invalid or a pool cannot start
     */
    public ShardingDataSource(ShardConfig config) {
        this.runtime = ShardRuntime.start(config);
        this.health = new ShardHealth(runtime);
    }

    /** Reads a shard.yaml and starts the pools. */
    public static ShardingDataSource fromYaml(Path file) {
        return new ShardingDataSource(ShardConfig.fromYaml(file));
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (runtime.isClosed()) {
            throw new SQLException("ShardingDataSource is closed", "08003");
        }
        return runtime.openConnection();
    }

    /** Credentials are per data source, in the configuration; a single user and password cannot apply to all. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("getConnection(username, password) is not supported by Shard: "
                + "each data source has its own credentials in the configuration; call getConnection()", "0A000");
    }

    /**
     * Where a statement would be sent with these parameter values, without running it.
     *
     * @param params values of the statement's '?' markers, in order
     * @throws SQLException for the same reasons executing it would fail before reaching a database: bad syntax,
     *                      a statement that needs several shards, a missing shard key
     */
    public RouteExplanation explain(String sql, Object... params) throws SQLException {
        return runtime.explain(sql, params);
    }

    /** Receives routing events for metrics; one listener at a time, {@link StatementListener#NONE} to stop. */
    public void setStatementListener(StatementListener listener) {
        runtime.setListener(listener == null ? StatementListener.NONE : listener);
    }

    public ShardConfig config() {
        return runtime.config();
    }

    /** Names of the data sources, in shard-index order. */
    public List<String> shardNames() {
        return runtime.shardNames();
    }

    /**
     * A shard's connection pool as it is now, for gauges; no database is asked.
     *
     * @throws IllegalArgumentException naming the known data sources, if none is called {@code shard}
     */
    public PoolStatistics poolStatistics(String shard) {
        return health.poolStatistics(shard);
    }

    /**
     * Probes one shard: borrows a connection from its pool and validates it ({@code isValid}), waiting at most
     * {@code timeout}. A shard that does not answer in time is DOWN; its probe keeps running in the background and
     * is awaited by the next check instead of a new one.
     *
     * @throws IllegalArgumentException naming the known data sources, if none is called {@code shard}; or if the
     *                                  timeout is not positive
     */
    public ShardStatus checkShard(String shard, Duration timeout) {
        return health.check(List.of(shard), timeout).get(0);
    }

    /** Probes every shard as {@link #checkShard} does, all at once, within {@code timeout} in all; in shard order. */
    public List<ShardStatus> checkShards(Duration timeout) {
        return health.check(runtime.shardNames(), timeout);
    }

    /**
     * Every read replica as its background health check last saw it: state, lag, whether reads go to it, its pool;
     * in shard order. No database is asked (see docs/replication.md).
     */
    public List<ReplicaStatus> replicaStatuses() {
        return health.replicaStatuses();
    }

    /** The runtime behind this data source, for the driver and tests in this package; not API. */
    ShardRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        health.close();
        runtime.close();
    }

    public boolean isClosed() {
        return runtime.isClosed();
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("getParentLogger is not supported by Shard: it logs through "
                + "SLF4J (via HikariCP)", "0A000");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("ShardingDataSource does not wrap " + type.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "ShardingDataSource" + runtime.shardNames();
    }
}
