package dev.shard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A bad Shard configuration ends in Spring Boot's "APPLICATION FAILED TO START" report. */
@ExtendWith(OutputCaptureExtension.class)
class ShardConfigFailureAnalyzerTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {
            "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
            "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration"})
    static class App {
    }

    @Test
    void aBadKeyIsReportedAsAFailedStartWithAnAction(CapturedOutput output) {
        String prefix = "fa_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        List<String> properties = new ArrayList<>(H2Shards.dataSourceProperties(prefix, 2));
        properties.add("spring.shard.tables.t_order.sharding-colum=user_id");
        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new)).run())
                .hasRootCauseInstanceOf(ShardConfigException.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Shard's configuration is invalid")
                .contains("did you mean 'spring.shard.tables.t_order.sharding-column'?")
                .contains("Action:")
                .contains("Correct the spring.shard.* properties")
                .doesNotContain(H2Shards.PASSWORD);
    }

    @Test
    void analysesTheShardConfigExceptionInsideBeanCreation() {
        ShardConfigException cause = new ShardConfigException("spring.shard properties: something named");
        FailureAnalysis analysis = new ShardConfigFailureAnalyzer()
                .analyze(new BeanCreationException("shardConfig", "failed", cause));
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("spring.shard properties: something named");
        assertThat(analysis.getAction()).contains("spring.shard.*");
        assertThat(analysis.getCause()).isSameAs(cause);
    }
}
