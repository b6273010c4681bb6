package dev.shard.spring;

import dev.shard.core.config.ShardConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link ShardConfigException} at start-up into Spring Boot's "APPLICATION FAILED TO START" report instead
 * of a stack trace several bean-creation exceptions deep. The exception's message already names the key, data source
 * or table and never holds a password, so it is the description as it is.
 */
class ShardConfigFailureAnalyzer extends AbstractFailureAnalyzer<ShardConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ShardConfigException cause) {
        String description = "Shard's configuration is invalid:\n\n    " + cause.getMessage();
        String action = "Correct the spring.shard.* properties (or the shard.yaml named by spring.shard.config). "
                + "Keys and values are described in docs/spring-boot.md and docs/configuration.md; under "
                + "spring.shard.* the shard.yaml keys are written in kebab case.";
        return new FailureAnalysis(description, action, cause);
    }
}
