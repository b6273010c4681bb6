package dev.shard.spring;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code spring.shard.config} or any {@code spring.shard.data-sources.*} property is set, or when a
 * {@code spring.shard.*} key is unknown (so that start-up reports it).
 * {@code @ConditionalOnProperty} cannot express the second: data sources are a map with no fixed key to test.
 */
class OnShardConfiguredCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String config = context.getEnvironment().getProperty("spring.shard.config");
        if (config != null && !config.isBlank()) {
            return ConditionOutcome.match("spring.shard.config is set");
        }
        boolean dataSources = Binder.get(context.getEnvironment())
                .bind("spring.shard.data-sources", Bindable.mapOf(String.class, Object.class))
                .map(Map::isEmpty).map(empty -> !empty).orElse(false);
        if (dataSources) {
            return ConditionOutcome.match("spring.shard.data-sources is set");
        }
        // A misspelt spring.shard.data-sources or .config would otherwise leave Shard out without a word; running
        // the auto-configuration lets start-up fail naming the key.
        if (ShardPropertyKeys.hasUnknownKeys(context.getEnvironment())) {
            return ConditionOutcome.match("spring.shard has unknown keys");
        }
        return ConditionOutcome.noMatch("neither spring.shard.config nor spring.shard.data-sources is set");
    }
}
