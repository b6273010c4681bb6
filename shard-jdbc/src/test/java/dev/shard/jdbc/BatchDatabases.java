package dev.shard.jdbc;

import dev.shard.jdbc.testing.ExtraMariaDb;
import dev.shard.jdbc.testing.ResultSets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The databases of the batch ITs that count a private server's commands: a sharded {@code orders}, an {@code item}. */
final class BatchDatabases {

    private BatchDatabases() {
    }

    /** {@code prefix_0} .. {@code prefix_(count-1)}, each with the two tables. */
    static List<String> create(ExtraMariaDb server, String prefix, int count) throws SQLException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = prefix + "_" + i;
            server.createDatabase(name);
            names.add(name);
            try (Connection c = server.connect(name); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (o_id BIGINT NOT NULL PRIMARY KEY, o_w_id INT NOT NULL,"
                        + " o_amount BIGINT NOT NULL)");
                s.execute("CREATE TABLE item (i_id BIGINT NOT NULL PRIMARY KEY, i_name VARCHAR(24) NOT NULL,"
                        + " i_price BIGINT NOT NULL)");
            }
        }
        return names;
    }

    static void drop(ExtraMariaDb server, List<String> databases) throws SQLException {
        try (Connection c = server.connect(""); Statement s = c.createStatement()) {
            for (String name : databases) {
                s.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    /** Every row of {@code table}, by its first column. */
    static List<List<String>> rows(ExtraMariaDb server, String database, String table) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
            return ResultSets.rows(rs);
        }
    }

    /** The server's global status {@code counters}, read on {@code connection}. */
    static Map<String, Long> globalCounters(Connection connection, List<String> counters) throws SQLException {
        Map<String, Long> values = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN ('"
                     + String.join("', '", counters) + "')")) {
            for (List<String> row : ResultSets.rows(rs)) {
                values.put(row.get(0), Long.parseLong(row.get(1)));
            }
        }
        return values;
    }

    /** Each counter's growth from {@code before} to {@code after}. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after, List<String> counters) {
        Map<String, Long> delta = new LinkedHashMap<>();
        for (String name : counters) {
            delta.put(name, after.get(name) - before.get(name));
        }
        return delta;
    }
}
