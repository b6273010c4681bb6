package dev.shard.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Four H2 databases in MySQL mode as spring.shard.* properties; fresh names per test class. */
public final class H2Shards {

    public static final int SHARDS = 4;
    /** A password on the pools, so that tests can check it never shows up in health output or errors. */
    public static final String PASSWORD = "h2-Secret-pw";

    private H2Shards() {
    }

    public static String url(String prefix, int shard) {
        return "jdbc:h2:mem:" + prefix + "_ds" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    /** jdbc-url, username and password of data sources ds0 .. ds(shards - 1), as property=value lines. */
    public static List<String> dataSourceProperties(String prefix, int shards) {
        List<String> properties = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            String ds = "spring.shard.data-sources.ds" + i;
            properties.add(ds + ".jdbc-url=" + url(prefix, i));
            properties.add(ds + ".username=sa");
            properties.add(ds + ".password=" + PASSWORD);
        }
        return properties;
    }

    public static String register(DynamicPropertyRegistry registry) {
        String prefix = "spring_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        for (int i = 0; i < SHARDS; i++) {
            String ds = "spring.shard.data-sources.ds" + i;
            int shard = i;
            registry.add(ds + ".jdbc-url", () -> url(prefix, shard));
            registry.add(ds + ".username", () -> "sa");
            registry.add(ds + ".password", () -> PASSWORD);
            registry.add(ds + ".maximum-pool-size", () -> "4");
        }
        registry.add("spring.shard.tables.t_order.sharding-column", () -> "user_id");
        registry.add("spring.shard.broadcast-tables", () -> "t_region");
        return prefix;
    }
}
