package dev.shard.spring;

import dev.shard.jdbc.testing.MySqlServer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Shard databases on the MySQL-family test server, named with the process id, dropped by {@link #drop()}. */
public final class MariaDbShards {

    private final MySqlServer server;
    private final List<String> databases = new ArrayList<>();

    public MariaDbShards(String prefix, int shards) throws SQLException {
        this.server = MySqlServer.require();
        for (int i = 0; i < shards; i++) {
            String database = prefix + "_" + i + "_" + ProcessHandle.current().pid();
            server.recreateDatabase(database);
            databases.add(database);
        }
    }

    public MySqlServer server() {
        return server;
    }

    public List<String> databases() {
        return databases;
    }

    /** spring.shard.data-sources.* for every database, as name=value strings. */
    public List<String> properties() {
        List<String> properties = new ArrayList<>();
        for (int i = 0; i < databases.size(); i++) {
            String ds = "spring.shard.data-sources.ds" + i;
            properties.add(ds + ".jdbc-url=" + server.jdbcUrl(databases.get(i)));
            properties.add(ds + ".username=" + server.user());
            properties.add(ds + ".password=" + server.password());
            properties.add(ds + ".maximum-pool-size=4");
        }
        return properties;
    }

    public void drop() throws SQLException {
        for (String database : databases) {
            server.dropDatabase(database);
        }
    }
}
