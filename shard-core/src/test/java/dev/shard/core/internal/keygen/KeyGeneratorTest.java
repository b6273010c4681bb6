package dev.shard.core.internal.keygen;

import dev.shard.core.config.KeyGeneratorRule;
import dev.shard.core.config.Settings;
import dev.shard.core.config.ShardConfig;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeyGeneratorTest {

    @Test
    void snowflakeRuleGivesLongsWithTheConfiguredWorkerId() throws SQLException {
        ShardConfig config = ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:h2:mem:a"))
                .shardedTable("t_order", "user_id")
                .keyGenerator("t_order", "order_id", "snowflake")
                .workerId(42)
                .maxClockBackwardMillis(250)
                .build();
        KeyGenerator generator = KeyGenerator.of(config.tableRule("t_order").keyGenerator(), config.settings());
        assertThat(generator).isInstanceOf(SnowflakeGenerator.class);
        SnowflakeGenerator snowflake = (SnowflakeGenerator) generator;
        assertThat(snowflake.workerId()).isEqualTo(42);
        assertThat(snowflake.maxClockBackwardMillis()).isEqualTo(250);
        Object key = generator.next();
        assertThat(key).isInstanceOf(Long.class);
        assertThat(SnowflakeGenerator.workerIdOf((Long) key)).isEqualTo(42);
    }

    @Test
    void snowflakeGeneratorsForDifferentTablesShareOneSequence() throws SQLException {
        Settings settings = new Settings(10, 10, 43, 1000, 100);
        KeyGenerator orders = KeyGenerator.of(new KeyGeneratorRule("order_id", KeyGeneratorRule.Type.SNOWFLAKE),
                settings);
        KeyGenerator items = KeyGenerator.of(new KeyGeneratorRule("item_id", KeyGeneratorRule.Type.SNOWFLAKE),
                settings);
        long previous = 0;
        for (int i = 0; i < 10_000; i++) {
            long id = (Long) (i % 2 == 0 ? orders : items).next();
            assertThat(id).isGreaterThan(previous);
            previous = id;
        }
    }

    @Test
    void uuidRuleGivesStrings() throws SQLException {
        KeyGenerator generator = KeyGenerator.of(new KeyGeneratorRule("id", KeyGeneratorRule.Type.UUID),
                Settings.defaults());
        assertThat(generator).isSameAs(UuidGenerator.system());
        assertThat(generator.next()).isInstanceOf(String.class).asString().hasSize(36);
    }

    @Test
    void everyTypeHasAGeneratorOfTheDocumentedKeyClass() throws SQLException {
        for (KeyGeneratorRule.Type type : KeyGeneratorRule.Type.values()) {
            KeyGenerator generator = KeyGenerator.of(new KeyGeneratorRule("id", type), Settings.defaults());
            Object key = generator.next();
            assertThat(key).isInstanceOf(type == KeyGeneratorRule.Type.SNOWFLAKE ? Long.class : String.class);
        }
    }
}
