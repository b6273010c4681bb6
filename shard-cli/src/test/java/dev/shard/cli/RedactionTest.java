package dev.shard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void masksPasswordsAndCredentialsInUrlsWhereverTheyAppear() {
        ShardConfig config = ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql://db0/app?password=url-secret", "username", "app",
                        "password", "pool-secret"))
                .dataSource("ds1", Map.of("jdbcUrl", "jdbc:mysql://db1/app", "dataSource.password", "driver-secret"))
                .build();
        Redaction redaction = Redaction.of(config);
        assertThat(redaction.apply("connecting to jdbc:mysql://db0/app?password=url-secret as app/pool-secret, "
                + "then driver-secret"))
                .isEqualTo("connecting to jdbc:mysql://db0/app?password=**** as app/****, then ****");
        assertThat(redaction.apply(null)).isNull();
    }
}
