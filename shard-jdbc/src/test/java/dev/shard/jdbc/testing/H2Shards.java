package dev.shard.jdbc.testing;

import dev.shard.core.config.ShardConfig;
import java.util.Map;

/** In-memory H2 databases (MySQL mode) named {@code <prefix>_<n>}, and configurations over the first few. */
public record H2Shards(String prefix) {

    public String url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    /** Data sources ds0..ds{shards-1} (the first is the default) and t_order sharded on user_id. */
    public ShardConfig.Builder config(int shards) {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < shards; i++) {
            builder.dataSource("ds" + i, Map.of("jdbcUrl", url(i), "username", "sa", "password", ""));
        }
        return builder.shardedTable("t_order", "user_id");
    }
}
