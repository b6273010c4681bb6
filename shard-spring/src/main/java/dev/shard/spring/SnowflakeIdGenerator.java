package dev.shard.spring;

import dev.shard.core.SnowflakeIds;
import dev.shard.core.config.Settings;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.hibernate.engine.config.spi.ConfigurationService;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.service.ServiceRegistry;
import org.hibernate.type.Type;
import org.hibernate.id.IdentifierGenerationException;
import org.hibernate.id.IdentifierGenerator;

/**
 * Hibernate's side of {@link ShardSnowflakeId}. Hibernate instantiates it, not Spring, so the worker id comes from
 * the Hibernate settings {@value #WORKER_ID} and {@value #MAX_CLOCK_BACKWARD_MILLIS}, which Shard's
 * auto-configuration copies from the Shard configuration (defaults: worker id 0, 1000 ms, as in shard.yaml).
 */
public final class SnowflakeIdGenerator implements IdentifierGenerator {

    public static final String WORKER_ID = "dev.shard.snowflake.worker-id";
    public static final String MAX_CLOCK_BACKWARD_MILLIS = "dev.shard.snowflake.max-clock-backward-millis";

    private volatile SnowflakeIds ids;

    /**
     * No arguments: with Spring's bean container, Hibernate has Spring create the generator, and Spring cannot
     * supply the annotation or the creation context. The settings arrive in {@link #configure}, which Hibernate
     * calls either way.
     */
    public SnowflakeIdGenerator() {
    }

    @Override
    public void configure(Type type, Properties parameters, ServiceRegistry serviceRegistry) {
        Map<String, Object> settings = serviceRegistry.requireService(ConfigurationService.class).getSettings();
        int workerId = (int) number(settings.get(WORKER_ID), Settings.DEFAULT_WORKER_ID);
        long maxBack = number(settings.get(MAX_CLOCK_BACKWARD_MILLIS), Settings.DEFAULT_MAX_CLOCK_BACKWARD_MILLIS);
        // One sequence per worker id per JVM, the same one ShardingDataSource's key generators use.
        this.ids = SnowflakeIds.forWorker(workerId, maxBack);
    }

    private static long number(Object value, long fallback) {
        if (value == null) {
            return fallback;
        }
        return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
    }

    @Override
    public Object generate(SharedSessionContractImplementor session, Object object) {
        SnowflakeIds snowflake = ids;
        if (snowflake == null) {
            // Silently falling back to worker id 0 could repeat another process's ids.
            throw new IdentifierGenerationException("SnowflakeIdGenerator was not configured by Hibernate");
        }
        try {
            return snowflake.next();
        } catch (SQLException e) {
            // The clock moved back further than allowed: the message says by how much and what to check.
            throw new IdentifierGenerationException(e.getMessage(), e);
        }
    }
}
