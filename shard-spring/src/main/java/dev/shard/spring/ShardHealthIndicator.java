package dev.shard.spring;

import dev.shard.jdbc.ShardStatus;
import dev.shard.jdbc.ShardingDataSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Reports {@link ShardingDataSource#checkShards}: UP only when every shard is up; details name each data source with
 * its status, and the error of those that are down. Details never hold URLs, user names or passwords.
 *
 * <p>All shards are probed at once and the whole check answers within {@link #DEFAULT_TIMEOUT}, well before a load
 * balancer gives up on it; a shard whose probe is still running by then is DOWN.
 */
class ShardHealthIndicator extends AbstractHealthIndicator {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private final ShardingDataSource dataSource;
    private final Duration timeout;

    ShardHealthIndicator(ShardingDataSource dataSource) {
        this(dataSource, DEFAULT_TIMEOUT);
    }

    ShardHealthIndicator(ShardingDataSource dataSource, Duration timeout) {
        super("Shard health check failed");
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean allUp = true;
        for (ShardStatus shard : dataSource.checkShards(timeout)) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", shard.health().name());
            switch (shard.health()) {
                case UP -> { }
                case DOWN -> {
                    detail.put("error", shard.error());
                    allUp = false;
                }
            }
            builder.withDetail(shard.name(), detail);
        }
        if (allUp) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
