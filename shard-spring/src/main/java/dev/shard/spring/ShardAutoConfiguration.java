package dev.shard.spring;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.ShardingDataSource;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * A {@link ShardingDataSource} from {@code spring.shard.*}, ahead of Spring Boot's own DataSource so that
 * JdbcTemplate, the transaction manager, JPA and MyBatis all run through Shard. Backs off when the application
 * defines its own DataSource, and stays out of the way entirely unless {@code spring.shard.data-sources} or
 * {@code spring.shard.config} is set (the jar alone on the classpath changes nothing).
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass(ShardingDataSource.class)
@Conditional(OnShardConfiguredCondition.class)
@EnableConfigurationProperties(ShardProperties.class)
public class ShardAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ShardConfig shardConfig(ShardProperties properties, ResourceLoader resources, Environment environment) {
        return ShardConfigFactory.create(properties, resources, environment);
    }

    /** The pools close with the application context, so a restarted context does not leak connections. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DataSource.class)
    ShardingDataSource shardingDataSource(ShardConfig shardConfig) {
        return new ShardingDataSource(shardConfig);
    }

    /**
     * Gives {@link ShardSnowflakeId} the same worker id and clock tolerance as the Shard configuration, since
     * Hibernate, not Spring, creates the id generator.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HibernatePropertiesCustomizer.class, org.hibernate.id.IdentifierGenerator.class})
    static class ShardHibernateConfiguration {

        @Bean
        HibernatePropertiesCustomizer shardSnowflakeSettings(ShardConfig shardConfig) {
            return properties -> {
                properties.put(SnowflakeIdGenerator.WORKER_ID, shardConfig.settings().workerId());
                properties.put(SnowflakeIdGenerator.MAX_CLOCK_BACKWARD_MILLIS,
                        shardConfig.settings().maxClockBackwardMillis());
            };
        }
    }
}
