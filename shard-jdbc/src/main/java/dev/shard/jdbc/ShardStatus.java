package dev.shard.jdbc;

import java.util.Objects;

/**
 * The outcome of probing one shard ({@link ShardingDataSource#checkShard}): whether a connection could be borrowed
 * from its pool and validated in time, and the pool as it was afterwards.
 *
 * @param name   the data source's name
 * @param health {@link Health#UP} when the shard answered
 * @param error  why the shard is {@link Health#DOWN}, with passwords and other configured secrets masked; null
 *               when it is up
 * @param pool   the shard's pool after the probe
 */
public record ShardStatus(String name, Health health, String error, PoolStatistics pool) {

    public enum Health { UP, DOWN }

    public ShardStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(pool, "pool");
        if ((health == Health.UP) != (error == null)) {
            throw new IllegalArgumentException("a shard that is DOWN needs an error, and only such a shard has one: "
                    + health + ", " + error);
        }
    }
}
