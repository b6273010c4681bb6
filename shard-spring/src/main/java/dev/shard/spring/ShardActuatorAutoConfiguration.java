package dev.shard.spring;

import dev.shard.jdbc.ShardingDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health and metrics for a {@link ShardingDataSource} bean, whether Shard's auto-configuration or the application
 * made it. An auto-configuration of its own, ordered after the one that creates the data source and the meter
 * registry, because {@code @ConditionalOnBean} only sees beans registered before it is evaluated.
 */
@AutoConfiguration(after = ShardAutoConfiguration.class,
        afterName = "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(ShardingDataSource.class)
@ConditionalOnBean(ShardingDataSource.class)
class ShardActuatorAutoConfiguration {

    /** The "shard" indicator: every shard up or down by name. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("shard")
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "shardHealthIndicator")
        HealthIndicator shardHealthIndicator(ShardingDataSource dataSource) {
            return new ShardHealthIndicator(dataSource);
        }
    }

    /** Statement counts by route, shards per statement, merged rows and refusals. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean
        ShardMetrics shardMetrics(ShardingDataSource dataSource, MeterRegistry registry) {
            return new ShardMetrics(dataSource, registry);
        }
    }
}
