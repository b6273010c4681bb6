package dev.shard.jdbc;

import com.zaxxer.hikari.HikariDataSource;

/**
 * A shard's own connection pool, for tests that look past Shard at one database or at pool settings. The pools are
 * not API; this reaches them through the package-private runtime, and shard-spring's tests use it through the test
 * jar.
 */
public final class ShardPools {

    private ShardPools() {
    }

    /** @throws IllegalArgumentException if no data source is called {@code shard} */
    @SuppressWarnings("exports") // a test helper: its callers have HikariCP on their path
    public static HikariDataSource of(ShardingDataSource dataSource, String shard) {
        return dataSource.runtime().pool(shard);
    }
}
