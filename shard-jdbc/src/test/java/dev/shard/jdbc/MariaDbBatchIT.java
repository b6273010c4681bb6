package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.ExtraMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batches through Shard with the MariaDB driver ({@code org.mariadb.jdbc}) keep its bulk protocol: each shard's
 * part of a batch reaches the server as the one bulk command (COM_STMT_BULK_EXECUTE) the driver sends when the
 * application writes straight to that database, not as one command per entry. Proved by the server's own
 * counters, not by timing.
 *
 * <p>The shards are four databases on a MariaDB server of this test's own ({@link ExtraMariaDb}), so that the
 * server's global counters count this test's statements and nothing else. The same rows go once through Shard and
 * once "by hand" into four other databases: four plain connections, each given, batch by batch, the rows Shard
 * routes to its counterpart ({@link ShardingDataSource#explain}). The counters must move by exactly as much both ways: as many statements
 * executed and prepared per shard, and as many INSERT commands (Com_insert counts one per bulk command, one per
 * entry otherwise). And the bulk is real: a batch costs one executed statement per shard it touches, not one per
 * row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbBatchIT {

    static final int SHARDS = 4;
    static final int BATCH = 128;
    static final int BATCHES = 20;
    static final String INSERT = "INSERT INTO orders (o_id, o_w_id, o_amount) VALUES (?, ?, ?)";
    static final String INSERT_ITEM = "INSERT INTO item (i_id, i_name, i_price) VALUES (?, ?, ?)";
    static final List<String> COUNTERS = List.of("Com_stmt_prepare", "Com_stmt_execute", "Com_insert",
            "Com_stmt_close", "Com_stmt_reset", "Com_execute_sql");

    private ExtraMariaDb server;

    @BeforeAll
    void start() throws SQLException {
        server = ExtraMariaDb.start();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "useServerPrepStmts={0}")
    @ValueSource(booleans = {false, true})
    void aShardedBatchCostsEachShardWhatItCostsWrittenStraightToThatDatabase(boolean serverPrepare)
            throws SQLException {
        List<long[][]> batches = batches(new Random(16), 64);
        Map<String, Long>[] counted = throughShardAndByHand(serverPrepare, "sharded", INSERT, batches);
        // A batch of 128 rows for 64 warehouses has rows on every shard: one bulk command on each.
        assertThat(counted[0].get("Com_stmt_execute")).as("one bulk command per shard per batch")
                .isEqualTo((long) (BATCHES - 1) * SHARDS);
        assertThat(counted[0].get("Com_insert")).isEqualTo((long) (BATCHES - 1) * SHARDS);
    }

    @ParameterizedTest(name = "useServerPrepStmts={0}")
    @ValueSource(booleans = {false, true})
    void aBroadcastBatchCostsEachShardWhatItCostsWrittenStraightToThatDatabase(boolean serverPrepare)
            throws SQLException {
        List<long[][]> batches = batches(new Random(17), 1);
        Map<String, Long>[] counted = throughShardAndByHand(serverPrepare, "broadcast", INSERT_ITEM, batches);
        assertThat(counted[0].get("Com_stmt_execute")).as("one bulk command per shard per batch")
                .isEqualTo((long) (BATCHES - 1) * SHARDS);
        assertThat(counted[0].get("Com_insert")).isEqualTo((long) (BATCHES - 1) * SHARDS);
    }

    /**
     * Writes the batches through Shard, then the same rows by hand into a second set of databases, and checks
     * that the server's counters moved by as much both ways; the first batch of each only opens connections and
     * prepares, and is not counted. Returns the counters' movement through Shard and by hand.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Long>[] throughShardAndByHand(boolean serverPrepare, String kind, String sql,
                                                     List<long[][]> batches) throws SQLException {
        String prefix = "mdb_" + kind + "_" + (serverPrepare ? "server" : "client");
        List<String> databases = BatchDatabases.create(server, prefix, SHARDS);
        List<String> plain = BatchDatabases.create(server, prefix + "_plain", SHARDS);
        String options = "useServerPrepStmts=" + serverPrepare;
        // No stored slot map: its follower's poll, a prepared statement every second, would count among the
        // server's commands while the batches by hand are counted (it failed once with 78 executes against 76).
        try (ShardingDataSource sharded = new ShardingDataSource(config(databases, options).storeSlotMap(false)
                .shardedTable("orders", "o_w_id").broadcastTables("item").build())) {
            Map<String, Long> throughShard;
            try (Connection c = sharded.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                write(ps, batches.get(0));
                Map<String, Long> before = counters();
                for (long[][] batch : batches.subList(1, batches.size())) {
                    write(ps, batch);
                }
                throughShard = delta(before, counters());
            }
            List<List<long[][]>> perShard = splitByShard(sharded, sql, batches);
            Map<String, Long> byHand;
            List<Connection> direct = directConnections(plain, options);
            try {
                List<PreparedStatement> statements = new ArrayList<>();
                for (Connection c : direct) {
                    statements.add(c.prepareStatement(sql));
                }
                for (int s = 0; s < SHARDS; s++) {
                    write(statements.get(s), perShard.get(s).get(0));
                }
                Map<String, Long> before = counters();
                for (int b = 1; b < batches.size(); b++) {
                    for (int s = 0; s < SHARDS; s++) {
                        write(statements.get(s), perShard.get(s).get(b));
                    }
                }
                byHand = delta(before, counters());
                for (PreparedStatement statement : statements) {
                    statement.close();
                }
            } finally {
                closeAll(direct);
            }
            System.out.println("MariaDbBatchIT " + kind + " " + options + ": through Shard " + throughShard
                    + ", by hand " + byHand);
            assertThat(throughShard).as("server counters through Shard, against by hand").isEqualTo(byHand);
            assertThat(throughShard.get("Com_stmt_prepare")).as("prepared once per shard, before").isZero();
            String table = sql.equals(INSERT) ? "orders" : "item";
            for (int s = 0; s < SHARDS; s++) {
                assertThat(BatchDatabases.rows(server, databases.get(s), table)).as("ds" + s)
                        .isEqualTo(BatchDatabases.rows(server, plain.get(s), table))
                        .isNotEmpty();
            }
            return new Map[] {throughShard, byHand};
        } finally {
            BatchDatabases.drop(server, databases);
            BatchDatabases.drop(server, plain);
        }
    }

    /** Splits each batch by the shard Shard routes each row to; empty batches where a shard gets no row. */
    private static List<List<long[][]>> splitByShard(ShardingDataSource sharded, String sql,
                                                     List<long[][]> batches)
            throws SQLException {
        List<List<long[][]>> perShard = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            perShard.add(new ArrayList<>());
        }
        for (long[][] batch : batches) {
            List<List<long[]>> rows = new ArrayList<>();
            for (int s = 0; s < SHARDS; s++) {
                rows.add(new ArrayList<>());
            }
            for (long[] row : batch) {
                for (String shard : sharded.explain(sql, row[0], row[1], row[2]).shards()) {
                    rows.get(Integer.parseInt(shard.substring(2))).add(row);
                }
            }
            for (int s = 0; s < SHARDS; s++) {
                perShard.get(s).add(rows.get(s).toArray(new long[0][]));
            }
        }
        return perShard;
    }

    /** Rows (id, a key among {@code keys}, a value), ids counting from 1, in batches of {@link #BATCH}. */
    private static List<long[][]> batches(Random random, int keys) {
        List<long[][]> batches = new ArrayList<>();
        long id = 1;
        for (int b = 0; b < BATCHES; b++) {
            long[][] batch = new long[BATCH][];
            for (int r = 0; r < BATCH; r++, id++) {
                batch[r] = new long[] {id, 1 + random.nextInt(keys), random.nextInt(100_000)};
            }
            batches.add(batch);
        }
        return batches;
    }

    /** The rows as one executeBatch of the prepared INSERT, in auto-commit mode; nothing for no rows. */
    private static void write(PreparedStatement ps, long[][] batch) throws SQLException {
        if (batch.length == 0) {
            return;
        }
        for (long[] row : batch) {
            ps.setLong(1, row[0]);
            ps.setLong(2, row[1]);
            ps.setLong(3, row[2]);
            ps.addBatch();
        }
        assertThat(ps.executeBatch()).hasSize(batch.length).containsOnly(1);
    }

    private String mariadbUrl(String database, String options) {
        return "jdbc:mariadb://127.0.0.1:" + server.port() + "/" + database + "?" + options;
    }

    private ShardConfig.Builder config(List<String> databases, String options) {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < databases.size(); i++) {
            Map<String, String> pool = new LinkedHashMap<>();
            pool.put("jdbcUrl", mariadbUrl(databases.get(i), options));
            pool.put("username", server.user());
            pool.put("password", server.password());
            pool.put("maximumPoolSize", "2");
            builder.dataSource("ds" + i, pool);
        }
        return builder.defaultDataSource("ds0");
    }

    private List<Connection> directConnections(List<String> databases, String options) throws SQLException {
        List<Connection> connections = new ArrayList<>();
        for (String database : databases) {
            connections.add(DriverManager.getConnection(mariadbUrl(database, options), server.user(),
                    server.password()));
        }
        return connections;
    }

    private static void closeAll(List<Connection> connections) throws SQLException {
        for (Connection c : connections) {
            c.close();
        }
    }

    /** The server's global counters: only this test's connections use this server. */
    private Map<String, Long> counters() throws SQLException {
        try (Connection c = server.connect("")) {
            return BatchDatabases.globalCounters(c, COUNTERS);
        }
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        return BatchDatabases.delta(before, after, COUNTERS);
    }
}
