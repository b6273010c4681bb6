package dev.shard.jdbc;

/**
 * One shard's connection pool at a moment: what {@link ShardingDataSource#poolStatistics(String)} reports, for
 * gauges and health details. The counts are read one after another while the pool is in use, so they need not add
 * up exactly.
 *
 * @param active          connections borrowed: held by open Shard connections, or by a health check
 * @param idle            connections in the pool, ready to be borrowed
 * @param total           connections open to the database, active and idle
 * @param threadsAwaiting threads waiting for a connection because none is idle
 * @param maximumPoolSize the most connections the pool opens ({@code maximumPoolSize} in the configuration)
 */
public record PoolStatistics(int active, int idle, int total, int threadsAwaiting, int maximumPoolSize) {
}
