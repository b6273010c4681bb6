package dev.shard.core.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Replicas of a data source, from YAML and from the builder (docs/replication.md). */
class ReplicaConfigTest {

    @Test
    void yamlListsReplicasWithAnyPoolProperty() {
        ShardConfig config = ShardConfig.fromYaml("""
                dataSources:
                  ds0:
                    jdbcUrl: jdbc:mysql://primary0/s
                    maximumPoolSize: 4
                    replicas:
                      - jdbcUrl: jdbc:mysql://replica0a/s
                        username: reader
                        connectionTimeout: 1500
                        dataSource:
                          cachePrepStmts: true
                      - { jdbcUrl: "jdbc:mysql://replica0b/s" }
                  ds1:
                    jdbcUrl: jdbc:mysql://primary1/s
                """, "shard.yaml", name -> null);

        DataSourceConfig ds0 = config.dataSource("ds0");
        assertThat(ds0.poolProperties()).containsOnlyKeys("jdbcUrl", "maximumPoolSize");
        assertThat(ds0.replicas()).extracting(DataSourceConfig::name).containsExactly("ds0-replica0", "ds0-replica1");
        assertThat(ds0.replicas().get(0).poolProperties()).containsExactly(
                Map.entry("jdbcUrl", "jdbc:mysql://replica0a/s"), Map.entry("username", "reader"),
                Map.entry("connectionTimeout", "1500"), Map.entry("dataSource.cachePrepStmts", "true"));
        assertThat(config.dataSource("ds1").replicas()).isEmpty();
    }

    @Test
    void builderMatchesYaml() {
        ShardConfig built = ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql://primary0/s"))
                .replica("ds0", Map.of("jdbcUrl", "jdbc:mysql://replica0a/s"))
                .build();
        ShardConfig loaded = ShardConfig.fromYaml("""
                dataSources:
                  ds0:
                    jdbcUrl: jdbc:mysql://primary0/s
                    replicas: [ { jdbcUrl: "jdbc:mysql://replica0a/s" } ]
                """, "shard.yaml", name -> null);
        assertThat(built).isEqualTo(loaded);
        assertThat(built.dataSource("ds0").replicas()).hasSize(1);
    }

    @Test
    void refusesReplicasOfAnUnknownDataSourceOrWithoutUrl() {
        assertThatThrownBy(() -> ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql://primary0/s"))
                .replica("ds9", Map.of("jdbcUrl", "jdbc:mysql://replica/s"))
                .build())
                .isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("replica names data source 'ds9'");
        assertThatThrownBy(() -> ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql://primary0/s"))
                .replica("ds0", Map.of("username", "reader"))
                .build())
                .isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("'ds0-replica0' has no jdbcUrl");
        assertThatThrownBy(() -> ShardConfig.fromYaml("""
                dataSources:
                  ds0:
                    jdbcUrl: jdbc:mysql://primary0/s
                    replicas: jdbc:mysql://replica/s
                """, "shard.yaml", name -> null))
                .isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("'dataSources.ds0.replicas' must be a list of replica pool settings");
        assertThatThrownBy(() -> ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql://primary0/s"))
                .replica("ds0", Map.of("jdbcUrl", "jdbc:mysql://replica/s", "weight", "2"))
                .build())
                .hasMessageContaining("'weight' is a setting of the data source");
    }

    @Test
    void aDataSourceWithoutReplicasIsAsBefore() {
        DataSourceConfig plain = new DataSourceConfig("ds0", Map.of("jdbcUrl", "jdbc:mysql://p/s"), 1.0);
        assertThat(plain.replicas()).isEqualTo(List.of());
        assertThat(plain.toString()).doesNotContain("replicas");
    }

    @Test
    void replicaSettingsFromYamlAndBuilderWithDefaults() {
        assertThat(ShardConfig.builder().dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql://p/s")).build()
                .settings().replicas()).isEqualTo(new ReplicaSettings(10_000, 1_000, true, false, 1_000));
        ShardConfig loaded = ShardConfig.fromYaml("""
                dataSources:
                  ds0: { jdbcUrl: "jdbc:mysql://primary0/s" }
                settings:
                  maxReplicaLagMillis: 2500
                  replicaCheckMillis: 200
                  readsFallBackToPrimary: false
                  readYourWrites: true
                  readYourWritesTimeoutMillis: 300
                """, "shard.yaml", name -> null);
        ReplicaSettings expected = new ReplicaSettings(2500, 200, false, true, 300);
        assertThat(loaded.settings().replicas()).isEqualTo(expected);
        assertThat(ShardConfig.builder().dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql://primary0/s"))
                .replicaSettings(ReplicaSettings.defaults().withMaxReplicaLagMillis(2500).withReplicaCheckMillis(200)
                        .withReadsFallBackToPrimary(false).withReadYourWrites(true)
                        .withReadYourWritesTimeoutMillis(300))
                .build().settings().replicas()).isEqualTo(expected);
    }

    @Test
    void refusesReplicaSettingsOutOfRange() {
        assertThatThrownBy(() -> ShardConfig.fromYaml("""
                dataSources:
                  ds0: { jdbcUrl: "jdbc:mysql://primary0/s" }
                settings: { maxReplicaLagMillis: 0 }
                """, "shard.yaml", name -> null))
                .isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("settings.maxReplicaLagMillis must be positive, got 0");
        assertThatThrownBy(() -> ShardConfig.fromYaml("""
                dataSources:
                  ds0: { jdbcUrl: "jdbc:mysql://primary0/s" }
                settings: { readYourWrites: yes please }
                """, "shard.yaml", name -> null))
                .isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("'settings.readYourWrites' must be true or false");
        assertThatThrownBy(() -> ShardConfig.builder().dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql://p/s"))
                .replicaSettings(ReplicaSettings.defaults().withReplicaCheckMillis(-1)).build())
                .isInstanceOf(ShardConfigException.class)
                .hasMessageContaining("settings.replicaCheckMillis must be 0 (no checks) or more, got -1");
    }
}
