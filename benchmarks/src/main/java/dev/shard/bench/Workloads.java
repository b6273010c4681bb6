package dev.shard.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The workloads, each run against the three targets on the same data: {@code direct} (HikariCP straight to one
 * database holding every row: the lower bound on overhead), {@code shard} (Shard over four databases) and
 * {@code shardingsphere} (ShardingSphere-JDBC 5.5.2, HASH_MOD over four databases). Every operation does what an
 * application does: borrow a connection from the pool, prepare, execute, read every row, close.
 */
public class Workloads extends FixtureBenchmark {

    static final String POINT_SELECT = "SELECT order_id, user_id, amount, status FROM t_order WHERE user_id = ?";
    static final String ORDER_BY_LIMIT = "SELECT order_id, user_id, amount FROM t_order ORDER BY amount DESC LIMIT 10";
    static final String COUNT_SUM = "SELECT COUNT(*), SUM(amount) FROM t_order";
    static final String GROUP_BY =
            "SELECT status, COUNT(*), SUM(amount) FROM t_order GROUP BY status ORDER BY status";
    static final String INSERT = "INSERT INTO t_order (order_id, user_id, amount, status) VALUES (?, ?, ?, ?)";
    static final String INSERT_BATCH =
            "INSERT INTO t_order_batch (order_id, user_id, amount, status) VALUES (?, ?, ?, ?)";
    static final String INSERT_ITEM = "INSERT INTO t_item (item_id, name, price) VALUES (?, ?, ?)";
    static final String UPDATE = "UPDATE t_order SET amount = amount + 1 WHERE user_id = ? AND order_id = ?";

    @Param({"h2", "mariadb"})
    public String engine;

    @Param({"direct", "shard", "shardingsphere"})
    public String target;

    /** On the MariaDB engines, the JDBC driver: MySQL Connector/J or MariaDB Connector/J (H2 ignores it). */
    @Param({"connectorj"})
    public String driver;

    final AtomicLong nextOrderId = new AtomicLong(10_000_000L);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new Fixture(engine, target, driver, Fixture.Schema.orders(true, java.util.List.of()));
        check();
    }

    /** Each target must give the same answers, or the comparison means nothing. */
    private void check() throws SQLException {
        long expectedSum = 0;
        for (long i = 0; i < Fixture.ORDERS; i++) {
            expectedSum += Fixture.amount(i);
        }
        try (Connection c = fixture.dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(COUNT_SUM)) {
            rs.next();
            if (rs.getLong(1) != Fixture.ORDERS || rs.getLong(2) != expectedSum) {
                throw new IllegalStateException(target + ": COUNT/SUM " + rs.getLong(1) + "/" + rs.getLong(2)
                        + ", expected " + Fixture.ORDERS + "/" + expectedSum);
            }
        }
        if (pointSelect(fixture, 42) == 0) {
            throw new IllegalStateException(target + ": user 42 has no orders");
        }
    }

    @TearDown(Level.Iteration)
    public void clearBatchTable() throws SQLException {
        try (Connection c = fixture.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM t_order_batch");
            s.executeUpdate("DELETE FROM t_item");
        }
    }

    static long randomUser() {
        return ThreadLocalRandom.current().nextInt(Fixture.USERS);
    }

    /** 1. Point select by shard key, prepared, connection from the pool. */
    @Benchmark
    public long pointSelect() throws SQLException {
        return pointSelect(fixture, randomUser());
    }

    static long pointSelect(Fixture fixture, long user) throws SQLException {
        return pointSelect(fixture.dataSource, user);
    }

    static long pointSelect(javax.sql.DataSource dataSource, long user) throws SQLException {
        long sum = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(POINT_SELECT)) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sum += rs.getLong(1) + rs.getLong(2) + rs.getLong(3) + rs.getString(4).length();
                }
            }
        }
        return sum;
    }

    /** 2a. Point insert of one new order. */
    @Benchmark
    public int pointInsert() throws SQLException {
        long id = nextOrderId.incrementAndGet();
        try (Connection c = fixture.dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setLong(1, id);
            ps.setLong(2, id % Fixture.USERS);
            ps.setLong(3, Fixture.amount(id));
            ps.setString(4, "NEW");
            return ps.executeUpdate();
        }
    }

    /** 2b. Point update of one existing order, by shard key and primary key. */
    @Benchmark
    public int pointUpdate() throws SQLException {
        long order = ThreadLocalRandom.current().nextInt(Fixture.ORDERS);
        try (Connection c = fixture.dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setLong(1, order % Fixture.USERS);
            ps.setLong(2, order);
            return ps.executeUpdate();
        }
    }

    /** 3. Scatter ORDER BY ... LIMIT 10 (every shard, merged). */
    @Benchmark
    public long scatterOrderByLimit() throws SQLException {
        return query(fixture, ORDER_BY_LIMIT);
    }

    /** 4. Scatter COUNT and SUM. */
    @Benchmark
    public long scatterCountSum() throws SQLException {
        return query(fixture, COUNT_SUM);
    }

    /** 5. GROUP BY over all shards. */
    @Benchmark
    public long groupBy() throws SQLException {
        return query(fixture, GROUP_BY);
    }

    static long query(Fixture fixture, String sql) throws SQLException {
        long sum = 0;
        try (Connection c = fixture.dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    Object value = rs.getObject(i);
                    sum += value == null ? 0 : value.hashCode();
                }
            }
        }
        return sum;
    }

    /** 6. Batch insert of 1,000 rows (one operation = 1,000 rows), auto-commit. */
    @Benchmark
    public int batchInsert1000() throws SQLException {
        return batchInsert(1000);
    }

    /** 6a. Batch insert of 128 rows (one operation = 128 rows), auto-commit: issue 16's loader. */
    @Benchmark
    public int batchInsert128() throws SQLException {
        return batchInsert(128);
    }

    private int batchInsert(int rows) throws SQLException {
        int count = 0;
        try (Connection c = fixture.dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(INSERT_BATCH)) {
            long first = nextOrderId.getAndAdd(rows);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (long id = first; id < first + rows; id++) {
                ps.setLong(1, id);
                ps.setLong(2, random.nextInt(Fixture.USERS));
                ps.setLong(3, Fixture.amount(id));
                ps.setString(4, "NEW");
                ps.addBatch();
            }
            for (int n : ps.executeBatch()) {
                count += n;
            }
        }
        return count;
    }

    /**
     * 6b. Batch insert of 128 rows into a broadcast table (one operation = 128 rows on every shard), auto-commit:
     * loading TPC-C's item table. {@code direct} writes its one copy.
     */
    @Benchmark
    public int broadcastBatch128() throws SQLException {
        return itemBatch128(fixture.dataSource, nextOrderId.getAndAdd(128));
    }

    /** Items {@code first} to {@code first + 127} as one executeBatch of prepared INSERTs; the rows inserted. */
    static int itemBatch128(javax.sql.DataSource target, long first) throws SQLException {
        int count = 0;
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_ITEM)) {
            for (long id = first; id < first + 128; id++) {
                ps.setLong(1, id);
                ps.setString(2, "item " + id);
                ps.setLong(3, Fixture.amount(id));
                ps.addBatch();
            }
            for (int n : ps.executeBatch()) {
                count += n;
            }
        }
        return count;
    }

    /** 7. Plain Statements with literals: every call a different SQL text (the parse-cache miss path). */
    @Benchmark
    public long literalStatement() throws SQLException {
        long sum = 0;
        try (Connection c = fixture.dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(
                     "SELECT order_id, user_id, amount, status FROM t_order WHERE user_id = " + randomUser())) {
            while (rs.next()) {
                sum += rs.getLong(1) + rs.getLong(2) + rs.getLong(3) + rs.getString(4).length();
            }
        }
        return sum;
    }
}
