package dev.shard.core.internal.keygen;

import dev.shard.core.config.KeyGeneratorRule;
import dev.shard.core.config.Settings;

import java.sql.SQLException;
import java.util.Objects;

/**
 * Produces values for a key column that an INSERT leaves out ({@code tables.<t>.keyGenerator}). Keys are generated
 * before routing, so a generated key can be the sharding column. Implementations are thread-safe.
 */
public sealed interface KeyGenerator permits SnowflakeGenerator, UuidGenerator {

    /**
     * The next key: a {@link Long} from {@link SnowflakeGenerator}, a 36-character lower-case {@link String} from
     * {@link UuidGenerator}.
     *
     * @throws SQLException when no key can be generated safely, e.g. the clock moved back too far
     */
    Object next() throws SQLException;

    /**
     * The generator for a table's rule.
     *
     * <p>Snowflake generators are views on one sequence per worker id for the whole JVM (see
     * {@link SnowflakeGenerator#shared}): every table, and every {@code ShardingDataSource} in the process (also the
     * old and new one during a configuration reload), draws from it, so Snowflake keys are unique across tables
     * and data sources. A generator per data source would be enough for primary keys, but two of them with the same
     * worker id, started within one millisecond, would hand out the same ids.
     *
     * @param settings supplies {@link Settings#workerId()} and {@link Settings#maxClockBackwardMillis()}
     */
    static KeyGenerator of(KeyGeneratorRule rule, Settings settings) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(settings, "settings");
        return switch (rule.type()) {
            case SNOWFLAKE -> SnowflakeGenerator.shared(settings.workerId(), settings.maxClockBackwardMillis());
            case UUID -> UuidGenerator.system();
        };
    }
}
