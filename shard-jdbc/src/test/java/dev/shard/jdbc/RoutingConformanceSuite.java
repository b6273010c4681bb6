package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.testing.ResultSets;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLSyntaxErrorException;
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
 * The foundation's proof, run on every engine: the same statements go through a ShardingDataSource over four
 * shards and straight to one plain reference database, and the answers must be the same. Each shard is also
 * read directly, to check that every row sits on the shard its key hashes to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoutingConformanceSuite {

    static final int SHARDS = 4;
    static final int USERS = 2_000;
    static final int ORDERS = 4_000;

    static final String[] SCHEMA = {
        "CREATE TABLE t_order (order_id BIGINT NOT NULL, user_id BIGINT NOT NULL, status VARCHAR(20) NOT NULL,"
                + " amount DECIMAL(12,2), note VARCHAR(100), PRIMARY KEY (order_id))",
        "CREATE TABLE t_order_item (item_id BIGINT NOT NULL, order_id BIGINT NOT NULL, user_id BIGINT NOT NULL,"
                + " sku VARCHAR(32) NOT NULL, qty INT NOT NULL, PRIMARY KEY (item_id))",
        "CREATE TABLE t_region (region_id INT NOT NULL, name VARCHAR(50) NOT NULL, PRIMARY KEY (region_id))",
        "CREATE TABLE t_audit (audit_id BIGINT NOT NULL, message VARCHAR(100), PRIMARY KEY (audit_id))",
        "CREATE INDEX idx_order_user ON t_order (user_id)",
        "CREATE TABLE t_ledger (entry_id BIGINT NOT NULL, account_id BIGINT NOT NULL, amount INT NOT NULL,"
                + " memo VARCHAR(40), PRIMARY KEY (entry_id))",
    };

    ShardingDataSource sharded;
    Connection reference;
    final Random random = new Random(20261121);

    /** Creates empty databases and returns the sharded configuration over them (ds0..ds3, default ds0). */
    abstract ShardConfig createShards() throws Exception;

    /** The suite's tables and rules over data sources ds0..ds3 already in {@code builder}. */
    static ShardConfig withTables(ShardConfig.Builder builder) {
        return builder.defaultDataSource("ds0")
                .shardedTable("t_order", "user_id")
                .shardedTable("t_order_item", "user_id")
                .shardedTable("t_ledger", "account_id")
                .broadcastTables("t_region")
                .build();
    }

    abstract Connection openReference() throws Exception;

    /** A direct connection to one shard's database, bypassing Shard. */
    abstract Connection openShardDirectly(int shard) throws Exception;

    abstract void dropAll() throws Exception;

    /**
     * Why a catalogue statement cannot run on this engine (MySQL-only syntax), or null when it can: the suite
     * skips it there, and only it.
     */
    String notOnThisEngine(String sql) {
        return null;
    }

    /** The rows as the comparisons see them; by default {@link #folded} (case and AVG's digits). */
    List<List<String>> comparable(List<List<String>> rows) {
        return folded(rows);
    }

    /** Whether the engine compares a string parameter with a number column as a number (MySQL does). */
    boolean stringParametersCompareAsNumbers() {
        return true;
    }

    @BeforeAll
    void setUp() throws Exception {
        sharded = new ShardingDataSource(createShards());
        reference = openReference();
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            for (String ddl : SCHEMA) {
                s.execute(ddl);
                r.execute(ddl);
            }
        }
        loadData();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (sharded != null) {
            sharded.close();
        }
        if (reference != null) {
            reference.close();
        }
        dropAll();
    }

    /** Half the orders through prepared statements, half as literal SQL, identically on both sides. */
    private void loadData() throws SQLException {
        String[] statuses = {"paid", "PAID", "shipped", "new", "cancelled"};
        try (Connection c = sharded.getConnection()) {
            for (Connection target : List.of(c, reference)) {
                Random data = new Random(7);
                try (PreparedStatement order = target.prepareStatement(
                        "INSERT INTO t_order (order_id, user_id, status, amount, note) VALUES (?, ?, ?, ?, ?)");
                     PreparedStatement item = target.prepareStatement(
                             "INSERT INTO t_order_item (item_id, order_id, user_id, sku, qty) VALUES (?, ?, ?, ?, ?)");
                     Statement literal = target.createStatement()) {
                    for (int id = 1; id <= ORDERS; id++) {
                        long user = 1 + data.nextInt(USERS);
                        String status = statuses[data.nextInt(statuses.length)];
                        BigDecimal amount = data.nextInt(10) == 0 ? null : BigDecimal.valueOf(data.nextInt(100_000), 2);
                        String note = data.nextInt(5) == 0 ? null : "note " + id;
                        if (id % 2 == 0) {
                            order.setLong(1, id);
                            order.setLong(2, user);
                            order.setString(3, status);
                            if (amount == null) {
                                order.setNull(4, java.sql.Types.DECIMAL);
                            } else {
                                order.setBigDecimal(4, amount);
                            }
                            order.setString(5, note);
                            assertThat(order.executeUpdate()).isEqualTo(1);
                        } else {
                            assertThat(literal.executeUpdate("INSERT INTO t_order (order_id, user_id, status, amount, note)"
                                    + " VALUES (" + id + ", " + user + ", '" + status + "', " + amount + ", "
                                    + (note == null ? "NULL" : "'" + note + "'") + ")")).isEqualTo(1);
                        }
                        item.setLong(1, id * 10L);
                        item.setLong(2, id);
                        item.setLong(3, user);
                        item.setString(4, "sku-" + data.nextInt(50));
                        item.setInt(5, 1 + data.nextInt(5));
                        item.executeUpdate();
                    }
                    for (int region = 1; region <= 5; region++) {
                        literal.executeUpdate("INSERT INTO t_region (region_id, name) VALUES (" + region
                                + ", 'region " + region + "')");
                    }
                }
            }
        }
    }

    @Test
    void everyRowSitsOnTheShardItsKeyHashesTo() throws Exception {
        int total = 0;
        int[] perShard = new int[SHARDS];
        SlotMap slots = SlotMap.of(sharded.config());
        for (int shard = 0; shard < SHARDS; shard++) {
            try (Connection direct = openShardDirectly(shard); Statement s = direct.createStatement()) {
                for (String table : List.of("t_order", "t_order_item")) {
                    try (ResultSet rs = s.executeQuery("SELECT user_id FROM " + table)) {
                        while (rs.next()) {
                            long user = rs.getLong(1);
                            assertThat(slots.shardIndexOf(user))
                                    .as("%s row of user %d found on shard %d", table, user, shard)
                                    .isEqualTo(shard);
                            total++;
                            perShard[shard]++;
                        }
                    }
                }
            }
        }
        // Other tests delete rows, so count against the reference rather than a constant.
        assertThat(total).isEqualTo(Integer.parseInt(query(reference,
                "SELECT (SELECT COUNT(*) FROM t_order) + (SELECT COUNT(*) FROM t_order_item)").get(0).get(0)));
        for (int count : perShard) {
            assertThat(count).as("rows per shard %s", java.util.Arrays.toString(perShard)).isGreaterThan(ORDERS / 5);
        }
    }

    @Test
    void pointQueriesMatchTheReference() throws Exception {
        List<String> queries = List.of(
                "SELECT order_id, user_id, status, amount, note FROM t_order WHERE user_id = ? ORDER BY order_id",
                "SELECT o.order_id, i.sku, i.qty FROM t_order o JOIN t_order_item i ON o.user_id = i.user_id"
                        + " AND o.order_id = i.order_id WHERE o.user_id = ? ORDER BY o.order_id, i.sku",
                "SELECT status, COUNT(*), SUM(amount) FROM t_order WHERE user_id = ? GROUP BY status ORDER BY status",
                "SELECT o.order_id, r.name FROM t_order o JOIN t_region r ON r.region_id = 1 WHERE o.user_id = ?"
                        + " ORDER BY o.order_id",
                "SELECT * FROM t_order o WHERE o.user_id = ? AND o.order_id IN (SELECT i.order_id FROM t_order_item i"
                        + " WHERE i.user_id = o.user_id AND i.qty > 2) ORDER BY o.order_id LIMIT 3");
        try (Connection c = sharded.getConnection()) {
            for (int round = 0; round < 60; round++) {
                long user = 1 + random.nextInt(USERS);
                String sql = queries.get(round % queries.size());
                assertThat(query(c, sql, user)).as("%s with user %d", sql, user).isEqualTo(query(reference, sql, user));
                // The same statement with the key as a literal, on either side of '=', must agree too.
                String literal = sql.replace("user_id = ?", "user_id = " + user);
                String flipped = sql.replace("o.user_id = ?", user + " = o.user_id").replace("user_id = ?",
                        user + " = user_id");
                assertThat(query(c, literal)).as(literal).isEqualTo(query(reference, literal));
                assertThat(query(c, flipped)).as(flipped).isEqualTo(query(reference, flipped));
            }
        }
    }

    @Test
    void broadcastReadsAndUnruledTables() throws Exception {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            assertThat(query(c, "SELECT * FROM t_region ORDER BY region_id"))
                    .isEqualTo(query(reference, "SELECT * FROM t_region ORDER BY region_id")).hasSize(5);
            s.executeUpdate("INSERT INTO t_audit (audit_id, message) VALUES (1, 'hello')");
            assertThat(query(c, "SELECT message FROM t_audit")).containsExactly(List.of("hello"));
            assertThat(query(c, "SELECT 1 + 1")).containsExactly(List.of("2"));
        }
        for (int shard = 0; shard < SHARDS; shard++) {
            try (Connection direct = openShardDirectly(shard)) {
                assertThat(query(direct, "SELECT COUNT(*) FROM t_region")).as("regions on shard %d", shard)
                        .containsExactly(List.of("5"));
                if (shard == 0) {
                    assertThat(query(direct, "SELECT COUNT(*) FROM t_audit")).containsExactly(List.of("1"));
                } else {
                    // A table with no rule is created, like its rows, on the default data source only.
                    assertThatThrownBy(() -> query(direct, "SELECT COUNT(*) FROM t_audit"))
                            .as("t_audit on shard %d", shard).isInstanceOf(SQLException.class);
                }
            }
        }
    }

    @Test
    void updatesAndDeletesMatchTheReference() throws Exception {
        try (Connection c = sharded.getConnection()) {
            for (int round = 0; round < 200; round++) {
                long user = 1 + random.nextInt(USERS);
                String sql;
                Object[] params;
                switch (round % 4) {
                    case 0 -> {
                        sql = "UPDATE t_order SET status = ?, amount = amount + 1 WHERE user_id = ?";
                        params = new Object[] {"touched", user};
                    }
                    case 1 -> {
                        sql = "DELETE FROM t_order_item WHERE user_id = ? AND qty > ?";
                        params = new Object[] {user, 3};
                    }
                    case 2 -> {
                        sql = "UPDATE t_order SET note = CONCAT('n', order_id), user_id = ? WHERE user_id = ?";
                        params = new Object[] {user, user};
                    }
                    default -> {
                        sql = "DELETE FROM t_order WHERE user_id = " + user + " AND status = 'new'";
                        params = new Object[0];
                    }
                }
                assertThat(update(c, sql, params)).as("%s %s", sql, java.util.Arrays.toString(params))
                        .isEqualTo(update(reference, sql, params));
            }
            // Ordered: without ORDER BY, PostgreSQL returns updated rows in heap order, which differs between
            // databases that saw different updates.
            String all = "SELECT order_id, user_id, status, amount, note FROM t_order WHERE user_id = ? ORDER BY order_id";
            for (long user = 1; user <= USERS; user += 7) {
                assertThat(query(c, all, user)).isEqualTo(query(reference, all, user));
            }
        }
    }

    @Test
    void typeStabilityEveryCarrierOfTheSameKeyFindsTheSameRows() throws Exception {
        long user = firstUserWithOrders();
        String sql = "SELECT COUNT(*) FROM t_order WHERE user_id = ?";
        List<List<String>> expected = query(reference, sql, user);
        try (Connection c = sharded.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            List<Object> values = stringParametersCompareAsNumbers()
                    ? List.of((int) user, user, (short) user, BigDecimal.valueOf(user), new BigDecimal(user + ".00"),
                    String.valueOf(user))
                    : List.of((int) user, user, (short) user, BigDecimal.valueOf(user), new BigDecimal(user + ".00"));
            for (Object value : values) {
                ps.setObject(1, value);
                assertThat(rows(ps.executeQuery())).as("setObject(%s)", value.getClass()).isEqualTo(expected);
            }
            ps.setInt(1, (int) user);
            assertThat(rows(ps.executeQuery())).isEqualTo(expected);
            ps.setLong(1, user);
            assertThat(rows(ps.executeQuery())).isEqualTo(expected);
            ps.setShort(1, (short) user);
            assertThat(rows(ps.executeQuery())).isEqualTo(expected);
            ps.setBigDecimal(1, BigDecimal.valueOf(user));
            assertThat(rows(ps.executeQuery())).isEqualTo(expected);
            if (stringParametersCompareAsNumbers()) {
                ps.setString(1, Long.toString(user));
                assertThat(rows(ps.executeQuery())).isEqualTo(expected);
            }
        }
    }

    @Test
    void badInputGetsClearErrorsAndTheConnectionStaysUsable() throws Exception {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELEC * FROM t_order"))
                    .isInstanceOf(SQLSyntaxErrorException.class).hasMessageContaining("SELEC * FROM t_order");
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM t_order o JOIN t_order_item i"
                    + " ON i.order_id = o.order_id WHERE o.status = 'paid'"))
                    .isInstanceOf(SQLFeatureNotSupportedException.class)
                    .hasMessageContaining("t_order").hasMessageContaining("not on their sharding columns")
                    .hasMessageContaining("o.status = 'paid'");
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t_order (order_id, status) VALUES (1, 'x')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("t_order").hasMessageContaining("user_id");
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM t_order o JOIN t_audit a ON a.audit_id = o.order_id"
                    + " WHERE o.user_id = 1"))
                    .isInstanceOf(SQLFeatureNotSupportedException.class).hasMessageContaining("t_audit");
            assertThatThrownBy(() -> s.executeUpdate("UPDATE t_order SET user_id = user_id + 1 WHERE user_id = 5"))
                    .isInstanceOf(SQLFeatureNotSupportedException.class).hasMessageContaining("user_id");
            // A database error on the routed shard surfaces as the driver's own exception.
            assertThatThrownBy(() -> s.executeQuery("SELECT no_such_column FROM t_order WHERE user_id = 1"))
                    .isInstanceOf(SQLException.class);
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM t_order WHERE user_id = ?")) {
                assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class)
                        .hasMessageContaining("Parameter 1 is not set");
            }
            // After all of that, the same connection still works.
            long user = firstUserWithOrders();
            assertThat(query(c, "SELECT COUNT(*) FROM t_order WHERE user_id = ?", user))
                    .isEqualTo(query(reference, "SELECT COUNT(*) FROM t_order WHERE user_id = ?", user));
        }
        for (String name : sharded.shardNames()) {
            assertThat(sharded.runtime().pool(name).getHikariPoolMXBean().getActiveConnections())
                    .as("active connections of %s after close", name).isZero();
        }
    }



    /**
     * Writes of every shape (single rows, multi-row VALUES across shards, batches, updates and deletes with and
     * without a key, transactions committed and rolled back) leave the sharded tables equal to the reference.
     */
    @Test
    void randomWritesLeaveTheSameStateAsTheReference() throws Exception {
        Random random = new Random(13);
        long[] nextId = {1};
        try (Connection c = sharded.getConnection()) {
            for (int round = 0; round < 150; round++) {
                int kind = random.nextInt(10);
                List<Connection> targets = List.of(c, reference);
                long seed = random.nextLong();
                long idBase = nextId[0];
                int used = 0;
                for (Connection target : targets) {
                    Random op = new Random(seed);
                    used = applyWrite(target, kind, op, idBase);
                }
                nextId[0] += used;
            }
            String all = "SELECT entry_id, account_id, amount, memo FROM t_ledger ORDER BY entry_id";
            List<List<String>> expected = query(reference, all);
            assertThat(expected).hasSizeGreaterThan(150);
            assertThat(query(c, all)).isEqualTo(expected);
        }
    }

    /** One random write, the same on either connection; returns how many new ids it used. */
    private static int applyWrite(Connection target, int kind, Random op, long idBase) throws SQLException {
        int accounts = 60;
        switch (kind) {
            case 0, 1 -> {
                try (PreparedStatement ps = target.prepareStatement(
                        "INSERT INTO t_ledger (entry_id, account_id, amount, memo) VALUES (?, ?, ?, ?)")) {
                    ps.setLong(1, idBase);
                    ps.setLong(2, op.nextInt(accounts));
                    ps.setInt(3, op.nextInt(1000));
                    ps.setString(4, op.nextBoolean() ? null : "single");
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                return 1;
            }
            case 2 -> {
                int rows = 2 + op.nextInt(6);
                StringBuilder sql = new StringBuilder("INSERT INTO t_ledger (entry_id, account_id, amount, memo) VALUES ");
                for (int r = 0; r < rows; r++) {
                    sql.append(r == 0 ? "" : ", ").append("(").append(idBase + r).append(", ")
                            .append(op.nextInt(accounts)).append(", ").append(op.nextInt(1000)).append(", 'multi')");
                }
                try (Statement s = target.createStatement()) {
                    assertThat(s.executeUpdate(sql.toString())).as(sql.toString()).isEqualTo(rows);
                }
                return rows;
            }
            case 3 -> {
                int rows = 3 + op.nextInt(15);
                try (PreparedStatement ps = target.prepareStatement(
                        "INSERT INTO t_ledger (entry_id, account_id, amount, memo) VALUES (?, ?, ?, 'batch')")) {
                    for (int r = 0; r < rows; r++) {
                        ps.setLong(1, idBase + r);
                        ps.setLong(2, op.nextInt(accounts));
                        ps.setInt(3, op.nextInt(1000));
                        ps.addBatch();
                    }
                    int[] counts = ps.executeBatch();
                    assertThat(counts).hasSize(rows);
                    for (int count : counts) {
                        assertThat(count).isIn(1, Statement.SUCCESS_NO_INFO);
                    }
                }
                return rows;
            }
            case 4 -> {
                try (Statement s = target.createStatement()) {
                    for (int r = 0; r < 4; r++) {
                        s.addBatch("UPDATE t_ledger SET amount = amount + 1 WHERE account_id = " + op.nextInt(accounts));
                    }
                    s.executeBatch();
                }
                return 0;
            }
            case 5 -> {
                update(target, "UPDATE t_ledger SET memo = ? WHERE amount > ? AND amount < ?", "ranged",
                        op.nextInt(500), 500 + op.nextInt(500));
                return 0;
            }
            case 6 -> {
                update(target, "DELETE FROM t_ledger WHERE account_id IN (?, ?) AND amount < ?", op.nextInt(accounts),
                        op.nextInt(accounts), op.nextInt(300));
                return 0;
            }
            case 7 -> {
                update(target, "DELETE FROM t_ledger WHERE account_id = ? AND memo IS NULL", op.nextInt(accounts));
                return 0;
            }
            case 9 -> {
                // INSERT ... SELECT within one shard: the copies keep their account, so they stay with it.
                update(target, "INSERT INTO t_ledger (entry_id, account_id, amount, memo)"
                        + " SELECT entry_id + ?, account_id, amount, 'copy' FROM t_ledger WHERE account_id = ?",
                        1_000_000L * (1 + idBase), op.nextInt(accounts));
                return 0;
            }
            default -> {
                boolean commit = op.nextBoolean();
                target.setAutoCommit(false);
                try {
                    for (int r = 0; r < 3; r++) {
                        update(target, "INSERT INTO t_ledger (entry_id, account_id, amount, memo) VALUES (?, ?, ?, ?)",
                                idBase + r, op.nextInt(accounts), op.nextInt(1000), "tx");
                    }
                    update(target, "UPDATE t_ledger SET amount = amount - 1 WHERE memo = 'multi'");
                    if (commit) {
                        target.commit();
                    } else {
                        target.rollback();
                    }
                } finally {
                    target.setAutoCommit(true);
                }
                return 3;
            }
        }
    }

    /** A catalogue query: its text, whether its ORDER BY fixes the row order, and its random parameters. */
    record CatalogueQuery(String sql, boolean ordered, java.util.function.Function<Random, Object[]> params) {
    }

    static Object[] none(Random random) {
        return new Object[0];
    }

    static final String[] STATUSES = {"paid", "PAID", "shipped", "new", "cancelled", "missing"};

    static final List<CatalogueQuery> SCATTER_QUERIES = List.of(
            new CatalogueQuery("SELECT order_id, user_id, status, amount FROM t_order WHERE status = ?", false,
                    r -> new Object[] {STATUSES[r.nextInt(STATUSES.length)]}),
            new CatalogueQuery("SELECT order_id, amount FROM t_order WHERE amount > ? ORDER BY amount DESC, order_id"
                    + " LIMIT ?", true, r -> new Object[] {r.nextInt(1000), 1 + r.nextInt(40)}),
            new CatalogueQuery("SELECT order_id, note FROM t_order ORDER BY note, order_id LIMIT 25", true,
                    RoutingConformanceSuite::none),
            // Items after a '*' have no known position: sorted on as hidden columns at the end of the row.
            new CatalogueQuery("SELECT *, order_id, o.* FROM t_order o WHERE o.amount > ? ORDER BY o.order_id"
                    + " LIMIT 30", true, r -> new Object[] {r.nextInt(1000)}),
            new CatalogueQuery("SELECT o.*, amount AS a FROM t_order o WHERE o.amount < ? ORDER BY a DESC, order_id"
                    + " LIMIT 20", true, r -> new Object[] {r.nextInt(1000)}),
            new CatalogueQuery("SELECT note, o.* FROM t_order o ORDER BY note, order_id DESC LIMIT 20", true,
                    RoutingConformanceSuite::none),
            new CatalogueQuery("SELECT order_id, note FROM t_order ORDER BY note DESC, order_id DESC LIMIT 25", true,
                    RoutingConformanceSuite::none),
            new CatalogueQuery("SELECT order_id, amount FROM t_order ORDER BY amount, order_id LIMIT 10 OFFSET ?",
                    true, r -> new Object[] {r.nextInt(3000)}),
            new CatalogueQuery("SELECT * FROM t_order ORDER BY user_id DESC, order_id LIMIT ?, ?", true,
                    r -> new Object[] {r.nextInt(500), r.nextInt(20)}),
            new CatalogueQuery("SELECT COUNT(*), SUM(amount), AVG(amount), MIN(amount), MAX(amount), MIN(note),"
                    + " MAX(status), COUNT(note) FROM t_order WHERE amount > ?", true,
                    r -> new Object[] {r.nextInt(1200)}),
            new CatalogueQuery("SELECT COUNT(*), SUM(amount), AVG(amount), MIN(amount) FROM t_order WHERE"
                    + " order_id < 0", true, RoutingConformanceSuite::none),
            new CatalogueQuery("SELECT status, COUNT(*), SUM(amount), AVG(amount), MAX(note) FROM t_order"
                    + " GROUP BY status", false, RoutingConformanceSuite::none),
            new CatalogueQuery("SELECT status, COUNT(*) AS c FROM t_order WHERE amount > ? GROUP BY status"
                    + " ORDER BY c DESC, status LIMIT 3", true, r -> new Object[] {r.nextInt(500)}),
            new CatalogueQuery("SELECT user_id, COUNT(*) FROM t_order GROUP BY user_id HAVING COUNT(*) > ?"
                    + " ORDER BY user_id LIMIT 20", true, r -> new Object[] {1 + r.nextInt(3)}),
            new CatalogueQuery("SELECT user_id, SUM(amount) FROM t_order GROUP BY user_id"
                    + " ORDER BY SUM(amount) DESC, user_id LIMIT 5", true, RoutingConformanceSuite::none),
            new CatalogueQuery("SELECT status, MIN(amount), MAX(note) FROM t_order GROUP BY status"
                    + " HAVING MAX(amount) > ? AND COUNT(*) >= 1", false, r -> new Object[] {r.nextInt(1000)}),
            new CatalogueQuery("SELECT COUNT(DISTINCT user_id), SUM(amount), COUNT(*) FROM t_order WHERE amount < ?",
                    true, r -> new Object[] {r.nextInt(1000)}),
            new CatalogueQuery("SELECT status, COUNT(DISTINCT user_id) FROM t_order GROUP BY status", false,
                    RoutingConformanceSuite::none),
            // Amounts repeat across shards and within statuses, so AVG(DISTINCT amount) is not AVG(amount).
            new CatalogueQuery("SELECT AVG(DISTINCT amount), COUNT(DISTINCT amount), MIN(DISTINCT amount),"
                    + " MAX(DISTINCT amount), COUNT(*) FROM t_order WHERE amount < ?", true,
                    r -> new Object[] {r.nextInt(1000)}),
            new CatalogueQuery("SELECT status, AVG(DISTINCT amount), AVG(amount), COUNT(*) FROM t_order"
                    + " GROUP BY status", false, RoutingConformanceSuite::none),
            new CatalogueQuery("SELECT status, AVG(DISTINCT amount) AS a FROM t_order GROUP BY status"
                    + " HAVING AVG(DISTINCT amount) > ? ORDER BY a DESC", true, r -> new Object[] {480 + r.nextInt(40)}),
            new CatalogueQuery("SELECT DISTINCT status FROM t_order", false, RoutingConformanceSuite::none),
            new CatalogueQuery("SELECT DISTINCT user_id FROM t_order_item WHERE qty > ? ORDER BY user_id LIMIT 15",
                    true, r -> new Object[] {r.nextInt(5)}),
            new CatalogueQuery("SELECT * FROM t_order WHERE user_id IN (?, ?, ?, ?) ORDER BY order_id", true,
                    r -> new Object[] {1 + r.nextInt(USERS), 1 + r.nextInt(USERS), 1 + r.nextInt(USERS),
                            1 + r.nextInt(USERS)}),
            new CatalogueQuery("SELECT order_id, status FROM t_order WHERE user_id = ? OR user_id = ?", false,
                    r -> new Object[] {1 + r.nextInt(USERS), 1 + r.nextInt(USERS)}),
            new CatalogueQuery("SELECT order_id FROM t_order WHERE user_id BETWEEN ? AND ? ORDER BY order_id", true,
                    r -> {
                        int low = 1 + r.nextInt(USERS);
                        return new Object[] {low, low + r.nextInt(30)};
                    }),
            new CatalogueQuery("SELECT o.order_id, i.sku, i.qty FROM t_order o JOIN t_order_item i"
                    + " ON o.user_id = i.user_id AND o.order_id = i.order_id WHERE i.qty > ?"
                    + " ORDER BY o.order_id LIMIT 50", true, r -> new Object[] {r.nextInt(5)}),
            new CatalogueQuery("SELECT o.status, SUM(i.qty), COUNT(*) FROM t_order o JOIN t_order_item i"
                    + " ON o.user_id = i.user_id AND o.order_id = i.order_id GROUP BY o.status"
                    + " HAVING SUM(i.qty) > ?", false, r -> new Object[] {r.nextInt(3000)}),
            new CatalogueQuery("SELECT order_id FROM t_order o WHERE EXISTS (SELECT 1 FROM t_order_item i"
                    + " WHERE i.user_id = o.user_id AND i.qty = ?) ORDER BY order_id LIMIT 30", true,
                    r -> new Object[] {1 + r.nextInt(5)}),
            new CatalogueQuery("SELECT o.order_id, r.name FROM t_order o JOIN t_region r"
                    + " ON r.region_id = o.order_id % 5 + 1 WHERE o.amount < ? ORDER BY o.order_id LIMIT 10", true,
                    r -> new Object[] {r.nextInt(1000)}),
            new CatalogueQuery("SELECT status, AVG(amount) AS a FROM t_order GROUP BY status ORDER BY a, status",
                    true, RoutingConformanceSuite::none));

    @Test
    void scatterQueriesMatchTheReference() throws Exception {
        Random params = new Random(11);
        int compared = 0;
        try (Connection c = sharded.getConnection()) {
            for (int round = 0; round < 40; round++) {
                for (CatalogueQuery q : SCATTER_QUERIES) {
                    Object[] values = q.params().apply(params);
                    if (notOnThisEngine(q.sql()) != null) {
                        continue;
                    }
                    List<List<String>> expected = comparable(query(reference, q.sql(), values));
                    List<List<String>> actual = comparable(query(c, q.sql(), values));
                    if (q.ordered()) {
                        assertThat(actual).as("%s %s", q.sql(), java.util.Arrays.toString(values))
                                .isEqualTo(expected);
                    } else {
                        assertThat(actual).as("%s %s", q.sql(), java.util.Arrays.toString(values))
                                .containsExactlyInAnyOrderElementsOf(expected);
                    }
                    compared++;
                }
            }
        }
        long runnable = SCATTER_QUERIES.stream().filter(q -> notOnThisEngine(q.sql()) == null).count();
        assertThat(runnable).isGreaterThan(SCATTER_QUERIES.size() - 3L);
        assertThat(compared).isEqualTo(40 * runnable);
    }

    @Test
    void unionsMatchTheReferenceAndThoseThatCannotBeCombinedAreRefused() throws Exception {
        try (Connection c = sharded.getConnection()) {
            UnionConformance.assertMatchTheReference(c, reference, this);
            UnionConformance.assertRefusals(c);
        }
    }

    @Test
    void scatterWritesMatchTheReference() throws Exception {
        Random params = new Random(12);
        try (Connection c = sharded.getConnection()) {
            for (int round = 0; round < 30; round++) {
                String status = STATUSES[params.nextInt(STATUSES.length)];
                String note = "bulk " + round;
                String update = "UPDATE t_order SET note = ? WHERE status = ? AND amount > ?";
                int threshold = params.nextInt(1000);
                assertThat(update(c, update, note, status, threshold))
                        .isEqualTo(update(reference, update, note, status, threshold));
                String delete = "DELETE FROM t_order_item WHERE qty = ? AND sku = ?";
                int qty = 1 + params.nextInt(5);
                String sku = "sku-" + params.nextInt(50);
                assertThat(update(c, delete, qty, sku)).isEqualTo(update(reference, delete, qty, sku));
            }
            String all = "SELECT order_id, user_id, status, amount, note FROM t_order ORDER BY order_id";
            assertThat(query(c, all)).isEqualTo(query(reference, all));
            String items = "SELECT * FROM t_order_item ORDER BY item_id";
            assertThat(query(c, items)).isEqualTo(query(reference, items));
        }
    }

    @Test
    void scatterFormsThatWouldBeWrongAreRefusedWithTheReason() throws Exception {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            Map<String, String> refused = Map.of(
                    "SELECT * FROM t_order o JOIN t_order_item i ON o.order_id = i.order_id",
                    "not on their sharding columns",
                    "SELECT * FROM t_order WHERE order_id IN (SELECT order_id FROM t_order_item WHERE qty > 2)",
                    "is not tied to t_order.user_id",
                    "SELECT user_id FROM t_order INTERSECT SELECT user_id FROM t_order_item", "INTERSECT",
                    "SELECT CONCAT(COUNT(*), 'x') FROM t_order", "cannot be computed from several shards' aggregates",
                    "SELECT COUNT(*) FROM (SELECT user_id FROM t_order GROUP BY user_id) x", "only inside a subquery");
            for (Map.Entry<String, String> entry : refused.entrySet()) {
                assertThatThrownBy(() -> s.executeQuery(entry.getKey())).as(entry.getKey())
                        .isInstanceOf(SQLFeatureNotSupportedException.class)
                        .hasMessageContaining(entry.getValue());
            }
            // Still usable afterwards, for a scatter query too.
            assertThat(query(c, "SELECT COUNT(*) FROM t_region")).containsExactly(List.of("5"));
            assertThat(query(c, "SELECT COUNT(*) FROM t_order"))
                    .isEqualTo(query(reference, "SELECT COUNT(*) FROM t_order"));
        }
        for (String name : sharded.shardNames()) {
            assertThat(sharded.runtime().pool(name).getHikariPoolMXBean().getActiveConnections())
                    .as("active connections of %s", name).isZero();
        }
    }

    /**
     * Strings compared case-insensitively: under MySQL's default collation 'paid' and 'PAID' are one group, and
     * which spelling names it is not defined, on one database or on many. Decimals compared to 4 places: MySQL
     * gives AVG four more digits than its argument (6 for the DECIMAL(12,2) amounts), and so does the merge, but
     * H2 gives it full precision. A long decimal is rounded to 6 places first, as MySQL and the merge round it:
     * rounding H2's 281.37734995... straight to 4 places gives 281.3773, the merge's 281.377350 gives 281.3774.
     */
    static List<List<String>> folded(List<List<String>> rows) {
        List<List<String>> result = new ArrayList<>();
        for (List<String> row : rows) {
            List<String> copy = new ArrayList<>();
            for (String value : row) {
                String v = value == null ? null : value.toLowerCase(java.util.Locale.ROOT);
                if (v != null && v.matches("-?\\d+\\.\\d{5,}")) {
                    v = new BigDecimal(v).setScale(6, java.math.RoundingMode.HALF_UP)
                            .setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
                }
                copy.add(v);
            }
            result.add(copy);
        }
        return result;
    }

    long firstUserWithOrders() throws SQLException {
        return Long.parseLong(query(reference, "SELECT MIN(user_id) FROM t_order").get(0).get(0));
    }

    static List<List<String>> query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return rows(ps.executeQuery());
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    static List<List<String>> rows(ResultSet rs) throws SQLException {
        try (rs) {
            return ResultSets.rows(rs);
        }
    }

    static List<String> names(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("ds" + i);
        }
        return names;
    }
}
