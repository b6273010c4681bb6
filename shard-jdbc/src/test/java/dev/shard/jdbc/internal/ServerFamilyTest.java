package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import dev.shard.jdbc.ShardingDataSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerFamilyTest {

    private static ShardConfig config(String... urls) {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < urls.length; i++) {
            builder.dataSource("ds" + i, Map.of("jdbcUrl", urls[i], "username", "u", "password", "secret-pw"));
        }
        return builder.defaultDataSource("ds0").shardedTable("t", "k").build();
    }

    @Test
    void theDialectFollowsFromTheUrls() {
        assertThat(ServerFamily.engine(config("jdbc:postgresql://a/x", "jdbc:postgresql://b:6432/x?sslmode=require")))
                .isEqualTo(ServerFamily.Engine.POSTGRES);
        assertThat(ServerFamily.engine(config("jdbc:mysql://a/x", "jdbc:mariadb://b/x")))
                .isEqualTo(ServerFamily.Engine.MYSQL);
        assertThat(ServerFamily.engine(config("jdbc:h2:mem:a", "jdbc:mysql://b/x")))
                .isEqualTo(ServerFamily.Engine.OTHER);
        assertThat(ServerFamily.engine(ShardConfig.builder()
                .dataSource("ds0", Map.of("dataSourceClassName", "org.postgresql.ds.PGSimpleDataSource"))
                .defaultDataSource("ds0").build())).isEqualTo(ServerFamily.Engine.POSTGRES);
    }

    /** Refused before any pool starts, naming each data source's engine; the password appears nowhere. */
    @Test
    void postgresMixedWithAnotherEngineIsRefused() {
        ShardConfig mixed = config("jdbc:postgresql://a/x", "jdbc:mysql://b/x", "jdbc:postgresql://c/x");
        assertThatThrownBy(() -> new ShardingDataSource(mixed)).isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("PostgreSQL: ds0, ds2").hasMessageContaining("MySQL/MariaDB: ds1")
                .hasMessageNotContaining("secret-pw");
    }
}
