package dev.shard.spring;

import dev.shard.cli.MigrationReport;
import dev.shard.cli.ShardMigrations;
import dev.shard.core.config.ShardConfig;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;

/**
 * Flyway on every data source of the Shard configuration at start-up. Without it, Boot's Flyway auto-configuration
 * would run the migrations through the {@code ShardingDataSource}: DDL would reach every shard, but the history
 * (and every INSERT into a table without a rule) only the default data source, so a shard could never tell which
 * version it is at. This replaces the strategy Boot's {@code FlywayMigrationInitializer} runs — before JPA and
 * JdbcTemplate may use the DataSource, as usual — with {@link ShardMigrations}: the migrations Boot configured
 * ({@code spring.flyway.*}) on each shard and the default, version by version, each with its own history; a
 * failure stops the application with the report naming the data source.
 *
 * <p>Needs Flyway and shard-cli (which holds {@code ShardMigrations}) on the class path; an application's own
 * {@link FlywayMigrationStrategy} bean wins.
 */
@AutoConfiguration(after = ShardAutoConfiguration.class, before = FlywayAutoConfiguration.class)
@ConditionalOnClass({Flyway.class, ShardMigrations.class, FlywayMigrationStrategy.class})
@ConditionalOnBean(ShardConfig.class)
@ConditionalOnProperty(prefix = "spring.flyway", name = "enabled", matchIfMissing = true)
public class ShardFlywayAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ShardFlywayAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    FlywayMigrationStrategy shardFlywayMigrationStrategy(ShardConfig shardConfig) {
        return flyway -> {
            MigrationReport report;
            try (ShardMigrations migrations = ShardMigrations.open(shardConfig, flyway.getConfiguration())) {
                report = migrations.migrate();
            } catch (SQLException e) {
                throw new IllegalStateException("Shard: cannot migrate the data sources: " + e.getMessage(), e);
            }
            if (!report.complete()) {
                throw new IllegalStateException("Shard: migrations incomplete:\n" + report.render());
            }
            log.info("Shard migrations:\n{}", report.render());
        };
    }
}
