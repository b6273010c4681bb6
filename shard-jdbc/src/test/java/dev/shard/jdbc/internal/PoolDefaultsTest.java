package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class PoolDefaultsTest {

    @Test
    void aMySqlPoolGetsConnectSocketAndPoolTimeouts() {
        Properties properties = withUrl("jdbc:mysql://db:3306/app?useSSL=false");

        PoolDefaults.addTo(properties);

        assertThat(properties.getProperty("connectionTimeout")).isEqualTo("10000");
        assertThat(properties.getProperty("dataSource.connectTimeout")).isEqualTo("5000");
        assertThat(properties.getProperty("dataSource.socketTimeout")).isEqualTo("300000");
    }

    @Test
    void whatTheUserSetIsKeptWhereverItWasSet() {
        Properties properties = withUrl("jdbc:mariadb://db:3306/app?socketTimeout=0");
        properties.setProperty("connectionTimeout", "2500");
        properties.setProperty("dataSource.connectTimeout", "700");

        PoolDefaults.addTo(properties);

        assertThat(properties.getProperty("connectionTimeout")).isEqualTo("2500");
        assertThat(properties.getProperty("dataSource.connectTimeout")).isEqualTo("700");
        assertThat(properties).doesNotContainKey("dataSource.socketTimeout");
    }

    @Test
    void otherDatabasesAreLeftAlone() {
        Properties properties = withUrl("jdbc:h2:mem:app");

        PoolDefaults.addTo(properties);

        assertThat(properties).containsOnlyKeys("jdbcUrl");
    }

    private static Properties withUrl(String url) {
        Properties properties = new Properties();
        properties.setProperty("jdbcUrl", url);
        return properties;
    }
}
