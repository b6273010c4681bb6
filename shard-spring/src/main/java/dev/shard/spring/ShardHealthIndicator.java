package dev.shard.spring;

import dev.shard.jdbc.ReplicaStatus;
import dev.shard.jdbc.ShardStatus;
import dev.shard.jdbc.ShardingDataSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Reports {@link ShardingDataSource#checkShards}: UP only when every shard is up; details name each data source with
 * its status, and the error of those that are down. Details never hold URLs, user names or passwords.
 *
 * <p>A data source with read replicas also lists them under {@code replicas}, each with the state, lag and rotation
 * its background check last saw ({@link ShardingDataSource#replicaStatuses()}; no replica is asked here). A replica
 * out of the rotation does not make the data source DOWN: its reads go to the primary. Only with
 * {@code settings.readsFallBackToPrimary: false}, where such reads fail, is a data source with no replica in the
 * rotation DOWN.
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
        List<ReplicaStatus> replicas = dataSource.replicaStatuses();
        boolean fallBack = dataSource.config().settings().replicas().readsFallBackToPrimary();
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
            Map<String, Object> ofShard = new LinkedHashMap<>();
            boolean anyInRotation = false;
            for (ReplicaStatus replica : replicas) {
                if (replica.dataSource().equals(shard.name())) {
                    Map<String, Object> about = new LinkedHashMap<>();
                    about.put("state", replica.state().name());
                    about.put("lagMillis", replica.lagMillis());
                    about.put("inRotation", replica.inRotation());
                    about.put("since", String.valueOf(replica.since()));
                    about.put("detail", replica.detail());
                    ofShard.put(replica.name(), about);
                    anyInRotation |= replica.inRotation();
                }
            }
            if (!ofShard.isEmpty()) {
                detail.put("replicas", ofShard);
                if (!anyInRotation && !fallBack) {
                    detail.put("error", "no replica in the rotation, and settings.readsFallBackToPrimary is false");
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
