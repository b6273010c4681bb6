package dev.shard.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Passwords must not reach toString() or any exception message, whatever goes wrong. */
class SecretsTest {

    private static final String SECRET = "s3cret-value";
    private static final Map<String, String> ENV = Map.of("DB_PASSWORD", SECRET);

    @Test
    void toStringMasksPasswordsEverywhere() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("jdbcUrl", "jdbc:mysql://root:" + SECRET + "@db:3306/s?user=root&password=" + SECRET + "&ssl=true");
        props.put("username", "root");
        props.put("password", SECRET);
        props.put("dataSource.password", SECRET);
        props.put("dataSource.trustCertificateKeyStorePassword", SECRET);
        props.put("dataSource.url", "jdbc:sqlserver://db;user=sa;password=" + SECRET + ";encrypt=true");
        ShardConfig config = ShardConfig.builder().dataSource("ds0", props).build();

        assertThat(config.toString()).doesNotContain(SECRET)
                .contains("password=****", "username=root", "ssl=true", "encrypt=true", "dataSource.password=****");
        assertThat(config.dataSource("ds0").toString()).doesNotContain(SECRET);
        // The values themselves are intact: only their display is masked.
        assertThat(config.dataSource("ds0").poolProperties().get("password")).isEqualTo(SECRET);
    }

    /** A cloud PostgreSQL URL keeps its driver options visible; only the password goes. */
    @Test
    void postgresCloudUrlsKeepTheirOptionsAndLoseTheirPassword() {
        ShardConfig config = ShardConfig.fromYaml("""
                dataSources:
                  ds0:
                    jdbcUrl: "jdbc:postgresql://db.example.cloud:5432/app?sslmode=verify-full&sslrootcert=/etc/ca.pem&password=${DB_PASSWORD}"
                    username: app
                    password: "${DB_PASSWORD}"
                """, "shard.yaml", ENV::get);
        assertThat(config.dataSource("ds0").jdbcUrl()).endsWith("password=" + SECRET);
        assertThat(config.toString()).doesNotContain(SECRET)
                .contains("sslmode=verify-full", "sslrootcert=/etc/ca.pem", "password=****");
    }

    @Test
    void toStringOfYamlConfigWithPasswordFromEnvironment() {
        ShardConfig config = ShardConfig.fromYaml(ShardConfigLoadingTest.EXAMPLE, "shard.yaml", ENV::get);
        assertThat(config.dataSource("ds1").poolProperties()).containsEntry("password", SECRET);
        assertThat(config.toString()).doesNotContain(SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:mysql://db/s?user=root&password=%s",
            "jdbc:mysql://db/s?password=%s&user=root",
            "jdbc:postgresql://db/s?sslpassword=%s",
            "jdbc:postgresql://app.example.cloud:5432/app?sslmode=verify-full&user=app&password=%s",
            "jdbc:postgresql://h1:5432,h2:5432/app?targetServerType=primary&password=%s&sslmode=require",
            "jdbc:postgresql://app:%s@db.example.cloud/app?sslmode=require",
            "jdbc:mysql://root:%s@db:3306/s",
            "jdbc:mysql://(host=db,user=root,password=%s)/s",
            "jdbc:sqlserver://db:1433;user=sa;password=%s;encrypt=true",
            "jdbc:sqlserver://db:1433;user=sa;Password = %s",
            "jdbc:oracle:thin:scott/%s@db:1521:orcl",
            "jdbc:oracle:thin:scott/%s@//db:1521/svc",
            "jdbc:db2://db:50000/s:user=u;password=%s;",
            "mysql://root:%s@db/s",
            "password=%s",
    })
    void maskUrlRemovesEmbeddedPasswords(String template) {
        String masked = Secrets.maskUrl(template.formatted(SECRET));
        assertThat(masked).doesNotContain(SECRET).contains(Secrets.MASK);
    }

    @Test
    void maskUrlLeavesOrdinaryUrlsAlone() {
        for (String url : List.of("jdbc:mysql://db:3306/s?useSSL=false", "jdbc:h2:mem:x;MODE=MySQL",
                "jdbc:oracle:thin:@//db:1521/svc", "jdbc:postgresql://db/s?user=app")) {
            assertThat(Secrets.maskUrl(url)).isEqualTo(url);
        }
    }

    /** Every kind of start-up error, each with the secret somewhere in the file. */
    private static final List<String> BROKEN = List.of(
            // unknown keys
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: s3cret-value }
            tabels: {}
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: "${DB_PASSWORD}" }
            tables:
              t: { shardingColumn: c, algoritm: x }
            """,
            // malformed URLs carrying the password
            """
            dataSources:
              ds0: { jdbcUrl: "mysql://db/s?user=root&password=s3cret-value" }
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "mysql://root:s3cret-value@db/s" }
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:oracle:thin:scott/s3cret-value@db:1521:orcl ", password: s3cret-value }
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "mysql://db/s?password=${DB_PASSWORD}" }
            """,
            // YAML syntax errors on the password's line
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: "s3cret-value }
            """,
            """
            dataSources:
              ds0:
                password: s3cret-value: more
            """,
            """
            dataSources:
              ds0:
                password: s3cret-value
              \tds1: {}
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: s3cret-value, password: s3cret-value }
            """,
            // type errors
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: [s3cret-value] }
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: !!binary czNjcmV0LXZhbHVl, x: s3cret-value }
            """,
            // semantic errors
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: s3cret-value, weight: -1 }
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: s3cret-value }
            defaultDataSource: ds9
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: "${DB_PASSWORD}" }
            slots:
              ds9: ["0-65535"]
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: "${DB_PASSWORD}", username: "${DB_USER}" }
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: "${MISSING:s3cret-value}", username: "${DB_USER}" }
            """,
            """
            dataSources:
              ds0: { username: root, password: s3cret-value }
            """,
            """
            dataSources:
              ds0: { jdbcUrl: "jdbc:h2:mem:a", password: s3cret-value }
            tables:
              t_order: { shardingColumn: user_id }
            broadcastTables: [t_order]
            """);

    @Test
    void noErrorMessageContainsThePassword() {
        List<String> messages = new ArrayList<>();
        for (String yaml : BROKEN) {
            Throwable thrown = catchThrowable(() -> ShardConfig.fromYaml(yaml, "shard.yaml", ENV::get));
            assertThat(thrown).as(yaml).isInstanceOf(ShardConfigException.class);
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                assertThat(t.getMessage()).as(yaml).doesNotContain(SECRET);
                assertThat(t.toString()).as(yaml).doesNotContain(SECRET);
                messages.add(t.getMessage());
            }
        }
        assertThat(messages).hasSizeGreaterThanOrEqualTo(BROKEN.size());
    }

    @Test
    void builderErrorsDoNotContainThePassword() {
        Throwable thrown = catchThrowable(() -> ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql//root:" + SECRET + "@db?password=" + SECRET,
                        "password", SECRET))
                .build());
        assertThat(thrown).isInstanceOf(ShardConfigException.class);
        assertThat(thrown.getMessage()).contains("malformed jdbcUrl").doesNotContain(SECRET);
    }

    @Test
    void replicaPasswordsAreMaskedInToStringAndErrors() {
        String yaml = """
                dataSources:
                  ds0:
                    jdbcUrl: jdbc:mysql://primary/s
                    replicas:
                      - jdbcUrl: jdbc:mysql://root:${DB_PASSWORD}@replica/s?password=${DB_PASSWORD}
                        password: ${DB_PASSWORD}
                """;
        ShardConfig config = ShardConfig.fromYaml(yaml, "shard.yaml", ENV::get);
        DataSourceConfig replica = config.dataSource("ds0").replicas().get(0);
        assertThat(replica.poolProperties()).containsEntry("password", SECRET);
        assertThat(config.toString()).doesNotContain(SECRET).contains("ds0-replica0", "password=****");
        assertThat(replica.maskedJdbcUrl()).doesNotContain(SECRET);

        Throwable thrown = catchThrowable(() -> ShardConfig.builder()
                .dataSource("ds0", Map.of("jdbcUrl", "jdbc:mysql://primary/s"))
                .replica("ds0", Map.of("jdbcUrl", "jdbc:mysql//root:" + SECRET + "@replica", "password", SECRET))
                .build());
        assertThat(thrown).isInstanceOf(ShardConfigException.class);
        assertThat(thrown.getMessage()).contains("ds0-replica0", "malformed jdbcUrl").doesNotContain(SECRET);
    }
}
