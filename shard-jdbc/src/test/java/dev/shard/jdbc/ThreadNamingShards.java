package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * In-memory H2 shards (MySQL mode) whose statements can tell which thread ran them, for the tests of what runs on
 * the caller's thread and what on Shard's: {@code thread_name()} returns the name of the thread executing the
 * statement (embedded H2 executes on the JDBC caller's thread), {@code pause(ms)} makes a statement slow.
 */
public final class ThreadNamingShards {

    private final String prefix;
    private final int count;

    ThreadNamingShards(String prefix, int count) {
        this.prefix = prefix + "_" + System.nanoTime();
        this.count = count;
    }

    /** Called by H2 on the thread that executes the shard's statement. */
    public static String threadName() {
        return Thread.currentThread().getName();
    }

    /** A shard statement that takes at least {@code millis}, as a slow one on a real server would. */
    public static int pause(int millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
        return millis;
    }

    String url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    /** Creates the shards with both functions; a builder with them as data sources ds0, ds1, ... */
    ShardConfig.Builder create() throws SQLException {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < count; i++) {
            builder.dataSource("ds" + i, Map.of("jdbcUrl", url(i), "username", "sa", "password", ""));
            directly(i, "CREATE ALIAS thread_name FOR 'dev.shard.jdbc.ThreadNamingShards.threadName'");
            directly(i, "CREATE ALIAS pause FOR 'dev.shard.jdbc.ThreadNamingShards.pause'");
        }
        return builder;
    }

    void directly(int shard, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(shard), "sa", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Checks that {@code ds} (if any) holds no connection, closes it, and drops the shards. */
    void close(ShardingDataSource ds) throws SQLException {
        if (ds != null) {
            for (String name : ds.runtime().shardNames()) {
                assertThat(ds.runtime().pool(name).getHikariPoolMXBean().getActiveConnections())
                        .as("active connections of " + name).isZero();
            }
            ds.close();
        }
        for (int i = 0; i < count; i++) {
            directly(i, "SHUTDOWN");
        }
    }
}
