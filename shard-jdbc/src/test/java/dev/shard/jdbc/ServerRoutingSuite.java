package dev.shard.jdbc;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.TestServer;
import java.sql.Connection;
import java.util.Map;

/** The conformance suite on a database server: databases {@code <prefix>_0..3} and {@code <prefix>_ref} (+ pid). */
abstract class ServerRoutingSuite extends RoutingConformanceSuite {

    private TestServer server;
    /** Two builds on one machine (two checkouts, or CI beside a developer) must not drop each other's tables. */
    private final String suffix = "_" + ProcessHandle.current().pid();

    /** The server, or the test is skipped (failed under CI=true). */
    abstract TestServer requireServer();

    /** The databases' names start with this. */
    abstract String prefix();

    private String database(String which) {
        return prefix() + "_" + which + suffix;
    }

    @Override
    ShardConfig createShards() throws Exception {
        server = requireServer();
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < SHARDS; i++) {
            server.recreateDatabase(database(String.valueOf(i)));
            builder.dataSource("ds" + i, Map.of("jdbcUrl", server.jdbcUrl(database(String.valueOf(i))),
                    "username", server.user(), "password", server.password(), "maximumPoolSize", "4"));
        }
        server.recreateDatabase(database("ref"));
        return withTables(builder);
    }

    @Override
    Connection openReference() throws Exception {
        return server.connect(database("ref"));
    }

    @Override
    Connection openShardDirectly(int shard) throws Exception {
        return server.connect(database(String.valueOf(shard)));
    }

    @Override
    void dropAll() throws Exception {
        if (server == null) {
            return;
        }
        for (int i = 0; i < SHARDS; i++) {
            server.dropDatabase(database(String.valueOf(i)));
        }
        server.dropDatabase(database("ref"));
    }
}
