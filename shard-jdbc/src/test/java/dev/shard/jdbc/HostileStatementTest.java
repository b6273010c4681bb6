package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile and mangled statements (deep nesting, truncations, token swaps of the conformance statements, huge
 * literals) through every entry point: Statement, PreparedStatement, addBatch and explain. Whatever they do, only
 * an SQLException may leave the call, and the connection must still answer afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileStatementTest {

    private static final String[] TOKENS = {"(", ")", "NOT", "?", "b'1'", "0x1F", "0x", "'", "\"", "`", "--", "/*",
        "*/", "*", ",", "4 2", "? 2", "18446744073709551615", "-9223372036854775809", "LIMIT", "ORDER BY", "UNION",
        "JOIN (SELECT 1 AS y) b ON 1 = 1", "o.*", ";", "IN ()", "= =", "NULL", "x''", "+", "user_id", "t_order",
        "GROUP BY", "HAVING", "DISTINCT", "COUNT(*)", "WHERE", "SELECT", "1e999999", ".", "@", "#", "\\"};

    private final String prefix = "hostile_" + System.nanoTime();
    private ShardingDataSource sharded;
    private final List<String> statements = new ArrayList<>();

    @BeforeAll
    void setUp() throws SQLException {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < 4; i++) {
            builder.dataSource("ds" + i, Map.of("jdbcUrl", url(i), "username", "sa", "password", ""));
        }
        // A short bound keeps the statements that use it up from slowing the test down.
        sharded = new ShardingDataSource(builder.defaultDataSource("ds0")
                .shardedTable("t_order", "user_id")
                .shardedTable("t_order_item", "user_id")
                .shardedTable("t_ledger", "account_id")
                .broadcastTables("t_region")
                .parseTimeoutMillis(300)
                .build());
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            for (String ddl : RoutingConformanceSuite.SCHEMA) {
                s.execute(ddl);
            }
            for (int id = 1; id <= 40; id++) {
                s.executeUpdate("INSERT INTO t_order (order_id, user_id, status, amount, note) VALUES (" + id + ", "
                        + id % 9 + ", 'paid', " + id + ".5, 'n" + id + "')");
                s.executeUpdate("INSERT INTO t_order_item (item_id, order_id, user_id, sku, qty) VALUES (" + id
                        + ", " + id + ", " + id % 9 + ", 'sku', " + id % 4 + ")");
            }
        }
        collectStatements(new Random(20261203));
    }

    private String url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    @AfterAll
    void tearDown() throws SQLException {
        if (sharded != null) {
            sharded.close();
        }
        for (int i = 0; i < 4; i++) {
            try (Connection c = DriverManager.getConnection(url(i), "sa", ""); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
        }
    }

    private void collectStatements(Random random) {
        List<String> seeds = new ArrayList<>();
        RoutingConformanceSuite.SCATTER_QUERIES.forEach(q -> seeds.add(q.sql()));
        seeds.add("SELECT * FROM t_order WHERE user_id = 4");
        seeds.add("UPDATE t_order SET note = 'x' WHERE user_id IN (1, 2) AND status = 'paid'");
        seeds.add("INSERT INTO t_order (order_id, user_id, status) VALUES (900, 3, 'new'), (901, 4, 'new')");
        seeds.add("DELETE FROM t_order_item WHERE user_id = 5 AND qty > 2");
        seeds.add("SELECT a.x FROM (SELECT 1 AS x) a JOIN (SELECT 1 AS y) b ON a.x = b.y");
        seeds.add("SELECT *, order_id, o.* FROM t_order o ORDER BY o.order_id LIMIT 10, 18446744073709551615");
        for (String seed : seeds) {
            statements.add(seed);
            for (int n = 0; n < 6; n++) {
                statements.add(mutate(seed, random));
            }
            statements.add(seed.substring(0, random.nextInt(seed.length())));
        }
        String key = "SELECT * FROM t_order WHERE ";
        statements.add(key + "NOT ".repeat(5_000) + "user_id = 1");
        statements.add(key + "user_id = " + "(".repeat(600) + "1" + ")".repeat(600));
        statements.add(key + "user_id = " + "(".repeat(50_000) + "1" + ")".repeat(50_000));
        statements.add(key + "user_id IN (" + "(".repeat(450) + "1" + ")".repeat(450) + ")");
        statements.add(key + "user_id = 1" + " OR user_id = 2".repeat(20_000));
        statements.add(key + "user_id = 1" + " AND (status = 'a' OR note = 'b')".repeat(3_000));
        statements.add(key + "note = '" + "x".repeat(200_000) + "'");
        statements.add(key + "user_id = " + "9".repeat(5_000));
        statements.add(key + "user_id = 0x" + "F".repeat(4_000));
        statements.add(key + "user_id = 4 2");
        statements.add(key + "user_id = ? 2");
        statements.add(key + "user_id = '" + "\\'".repeat(1_000));
        statements.add("SELECT " + "COALESCE(".repeat(400) + "1" + ")".repeat(400));
        statements.add("SELECT (SELECT ".repeat(300) + "1" + ")".repeat(300));
    }

    /** One to three edits: swap two tokens, drop one, or insert a hostile one. */
    private static String mutate(String sql, Random random) {
        List<String> tokens = new ArrayList<>(List.of(sql.split(" ")));
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !tokens.isEmpty(); e++) {
            int at = random.nextInt(tokens.size());
            switch (random.nextInt(3)) {
                case 0 -> java.util.Collections.swap(tokens, at, random.nextInt(tokens.size()));
                case 1 -> tokens.remove(at);
                default -> tokens.add(at, TOKENS[random.nextInt(TOKENS.length)]);
            }
        }
        return String.join(" ", tokens);
    }

    @Test
    void onlySqlExceptionsLeaveAndTheConnectionStillAnswers() throws SQLException {
        assertThat(statements).hasSizeGreaterThan(150);
        List<String> escaped = new ArrayList<>();
        int failed = 0;
        try (Connection c = sharded.getConnection()) {
            for (String sql : statements) {
                for (EntryPoint entry : EntryPoint.values()) {
                    try {
                        entry.run(sharded, c, sql);
                    } catch (SQLException expected) {
                        failed++;
                        assertThat(expected.getMessage()).as("%s: %s", entry, abbreviated(sql)).isNotBlank();
                    } catch (Throwable e) {
                        escaped.add(entry + " " + e + " <- " + abbreviated(sql));
                    }
                }
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t_order WHERE user_id = 1")) {
                    assertThat(rs.next()).as("after %s", abbreviated(sql)).isTrue();
                }
            }
        }
        assertThat(escaped).as("exceptions other than SQLException").isEmpty();
        assertThat(failed).as("most mangled statements fail").isGreaterThan(statements.size());
        for (String name : sharded.shardNames()) {
            assertThat(sharded.runtime().pool(name).getHikariPoolMXBean().getActiveConnections())
                    .as("active connections of %s", name).isZero();
        }
    }

    private static String abbreviated(String sql) {
        return sql.length() <= 200 ? sql : sql.substring(0, 200) + "... (" + sql.length() + " chars)";
    }

    private enum EntryPoint {
        STATEMENT {
            @Override
            void run(ShardingDataSource ds, Connection c, String sql) throws SQLException {
                try (Statement s = c.createStatement()) {
                    if (s.execute(sql)) {
                        drain(s.getResultSet());
                    }
                }
            }
        },
        PREPARED {
            @Override
            void run(ShardingDataSource ds, Connection c, String sql) throws SQLException {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) {
                        ps.setInt(i, i);
                    }
                    if (ps.execute()) {
                        drain(ps.getResultSet());
                    }
                }
            }
        },
        BATCH {
            @Override
            void run(ShardingDataSource ds, Connection c, String sql) throws SQLException {
                try (Statement s = c.createStatement()) {
                    s.addBatch(sql);
                    s.addBatch(sql);
                    s.executeBatch();
                }
            }
        },
        EXPLAIN {
            @Override
            void run(ShardingDataSource ds, Connection c, String sql) throws SQLException {
                assertThat(ds.explain(sql, 1, 2, 3).toString()).isNotBlank();
            }
        };

        abstract void run(ShardingDataSource ds, Connection c, String sql) throws SQLException;

        static void drain(ResultSet rs) throws SQLException {
            try (rs) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        rs.getObject(i);
                    }
                }
            }
        }
    }
}
