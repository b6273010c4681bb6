package dev.shard.spring;

import dev.shard.jdbc.ShardingDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Health and metrics for a {@link ShardingDataSource} bean, whether Shard's auto-configuration or the application
 * made it. An auto-configuration of its own, ordered after the one that creates the data source and the meter
 * registry, because {@code @ConditionalOnBean} only sees beans registered before it is evaluated.
 */
@AutoConfiguration(after = ShardAutoConfiguration.class,
        afterName = "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        beforeName = "org.springframework.boot.actuate.autoconfigure.jdbc.DataSourceHealthContributorAutoConfiguration")
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

    /**
     * Spring's "db" indicator borrows one connection from the DataSource, which for Shard is one shard, and says UP
     * while another shard is down. When the ShardingDataSource is the application's only DataSource, "db" reports
     * every shard instead, so that the two indicators cannot disagree. The bean name is the one Spring's
     * DataSourceHealthContributorAutoConfiguration backs off for; it runs after this class. With several
     * DataSources Spring's indicator stays, as it covers the others too.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("db")
    @Conditional(OnlyDataSourceIsShard.class)
    static class DbHealth {

        @Bean
        @ConditionalOnMissingBean(name = {"dbHealthIndicator", "dbHealthContributor"})
        HealthIndicator dbHealthContributor(ShardingDataSource dataSource) {
            return new ShardHealthIndicator(dataSource);
        }
    }

    /** The application's DataSource beans are exactly one, and it is a ShardingDataSource. */
    static class OnlyDataSourceIsShard extends SpringBootCondition implements ConfigurationCondition {

        @Override
        public ConfigurationPhase getConfigurationPhase() {
            return ConfigurationPhase.REGISTER_BEAN;
        }

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            ConfigurableListableBeanFactory beans = context.getBeanFactory();
            String[] names = beans == null ? new String[0] : beans.getBeanNamesForType(DataSource.class, true, false);
            if (names.length != 1) {
                return ConditionOutcome.noMatch(names.length + " DataSource beans; Spring's db indicator covers them");
            }
            Class<?> type = beans.getType(names[0], false);
            return type != null && ShardingDataSource.class.isAssignableFrom(type)
                    ? ConditionOutcome.match("the only DataSource is a ShardingDataSource")
                    : ConditionOutcome.noMatch("the only DataSource is not a ShardingDataSource");
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
