package dev.shard.spring;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code spring.shard.config} or any {@code spring.shard.data-sources.*} property is set.
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
        return dataSources
                ? ConditionOutcome.match("spring.shard.data-sources is set")
                : ConditionOutcome.noMatch("neither spring.shard.config nor spring.shard.data-sources is set");
    }
}
