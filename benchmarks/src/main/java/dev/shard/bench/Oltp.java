package dev.shard.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * An OLTP transaction mix modelled on TPC-C's NewOrder and Payment ({@link Tpcc}: four warehouses, one per
 * database, the item table broadcast), half of each: multi-statement transactions with {@code SELECT ... FOR
 * UPDATE}, 1 % of them touching a second warehouse, so a second shard (a NewOrder line supplied by another
 * warehouse; a Payment by a customer of another warehouse). One operation is one committed transaction: a
 * NewOrder runs 6 statements and 4 per order line (5 to 15 lines: 26 to 66, 46 on average), a Payment 7 or 8.
 *
 * <p>Targets: {@code direct} (one database holding every warehouse), {@code byhand} (the four databases, the
 * application picking each warehouse's database itself, with plain HikariCP pools and a second connection, committed
 * after the first, for the 1 % that touch two), {@code shard} and {@code shardingsphere} (over four databases).
 * Every statement is prepared anew from its connection, as an application with a statement cache does.
 */
public class Oltp extends FixtureBenchmark {

    @Param({"h2", "mariadb"})
    public String engine;

    @Param({"direct", "byhand", "shard", "shardingsphere"})
    public String target;

    /** On MariaDB, the JDBC driver: connectorj or mariadb (H2 ignores it). */
    @Param({"connectorj"})
    public String driver;

    /** {@code mix} (half NewOrder, half Payment), or one of {@code newOrder} and {@code payment} alone. */
    @Param({"mix"})
    public String transaction;

    /** Percentage of transactions that touch a second warehouse (TPC-C's remote lines and customers). */
    static final int REMOTE_PERCENT = Integer.getInteger("bench.tpcc.remotePercent", 1);

    List<HikariDataSource> byHand;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new Fixture(engine, target, driver, new Tpcc());
        if (target.equals("byhand")) {
            byHand = fixture.physicalPools();
        }
        if (!List.of("mix", "newOrder", "payment").contains(transaction)) {
            throw new IllegalArgumentException("unknown transaction " + transaction);
        }
    }

    @Benchmark
    public long mix() throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean newOrder = switch (transaction) {
            case "newOrder" -> true;
            case "payment" -> false;
            default -> random.nextBoolean();
        };
        int home = Tpcc.WAREHOUSES[random.nextInt(Tpcc.WAREHOUSES.length)];
        int remote = random.nextInt(100) < REMOTE_PERCENT
                ? Tpcc.others(home).get(random.nextInt(Tpcc.WAREHOUSES.length - 1)) : home;
        try (Transaction tx = new Transaction(this, home)) {
            long result = newOrder ? newOrder(tx, home, remote, random) : payment(tx, home, remote, random);
            tx.commit();
            return result;
        }
    }

    /**
     * The connections of one transaction: one logical connection for direct, Shard and ShardingSphere; by hand,
     * one per database touched, opened on first use.
     */
    static final class Transaction implements AutoCloseable {
        private final Oltp bench;
        private final Connection[] connections;
        private boolean committed;

        Transaction(Oltp bench, int home) throws SQLException {
            this.bench = bench;
            this.connections = new Connection[bench.byHand == null ? 1 : Fixture.SHARDS];
            connection(home);
        }

        /** The connection for warehouse {@code w}'s rows (and for items, read where the home warehouse is). */
        Connection connection(int w) throws SQLException {
            int slot = bench.byHand == null ? 0 : Tpcc.databaseOf(w);
            if (connections[slot] == null) {
                Connection c = bench.byHand == null ? bench.fixture.dataSource.getConnection()
                        : bench.byHand.get(slot).getConnection();
                c.setAutoCommit(false);
                connections[slot] = c;
            }
            return connections[slot];
        }

        void commit() throws SQLException {
            for (Connection c : connections) {
                if (c != null) {
                    c.commit();
                }
            }
            committed = true;
        }

        @Override
        public void close() throws SQLException {
            for (Connection c : connections) {
                if (c != null) {
                    try {
                        if (!committed) {
                            c.rollback();
                        }
                        c.setAutoCommit(true);
                    } finally {
                        c.close();
                    }
                }
            }
        }
    }

    /**
     * TPC-C NewOrder (2.4.2), without the 1 % of rollbacks for an unused item: 6 statements, then 4 per order line
     * (5 to 15 lines). A remote order has one line supplied by warehouse {@code remote}.
     */
    static long newOrder(Transaction tx, int w, int remote, ThreadLocalRandom random) throws SQLException {
        Connection c = tx.connection(w);
        int d = 1 + random.nextInt(Tpcc.DISTRICTS);
        int customer = 1 + random.nextInt(Tpcc.CUSTOMERS);
        int lines = 5 + random.nextInt(11);
        BigDecimal wTax = one(c, "SELECT w_tax FROM warehouse WHERE w_id = ?", rs -> rs.getBigDecimal(1), w);
        District district = one(c, "SELECT d_tax, d_next_o_id FROM district WHERE d_w_id = ? AND d_id = ? FOR UPDATE",
                rs -> new District(rs.getBigDecimal(1), rs.getInt(2)), w, d);
        int orderId = district.nextOrderId();
        update(c, "UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = ? AND d_id = ?", w, d);
        BigDecimal discount = one(c, "SELECT c_discount, c_last, c_credit FROM customer"
                + " WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?", rs -> rs.getBigDecimal(1), w, d, customer);
        update(c, "INSERT INTO orders (o_w_id, o_d_id, o_id, o_c_id, o_entry_d, o_ol_cnt, o_all_local)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", w, d, orderId, customer, new Timestamp(System.currentTimeMillis()),
                lines, remote == w ? 1 : 0);
        update(c, "INSERT INTO new_order (no_w_id, no_d_id, no_o_id) VALUES (?, ?, ?)", w, d, orderId);
        BigDecimal total = BigDecimal.ZERO;
        int remoteLine = remote == w ? -1 : random.nextInt(lines);
        for (int line = 0; line < lines; line++) {
            int item = 1 + random.nextInt(Tpcc.ITEMS);
            int supplier = line == remoteLine ? remote : w;
            int quantity = 1 + random.nextInt(10);
            BigDecimal price = one(c, "SELECT i_price, i_name, i_data FROM item WHERE i_id = ?",
                    rs -> rs.getBigDecimal(1), item);
            Connection stockConnection = tx.connection(supplier);
            Stock stock = one(stockConnection, "SELECT s_quantity, s_dist_01, s_data FROM stock"
                    + " WHERE s_w_id = ? AND s_i_id = ? FOR UPDATE", rs -> new Stock(rs.getInt(1), rs.getString(2)),
                    supplier, item);
            int left = stock.quantity() - quantity;
            update(stockConnection, "UPDATE stock SET s_quantity = ?, s_ytd = s_ytd + ?,"
                    + " s_order_cnt = s_order_cnt + 1, s_remote_cnt = s_remote_cnt + ? WHERE s_w_id = ? AND s_i_id = ?",
                    left >= 10 ? left : left + 91, quantity, supplier == w ? 0 : 1, supplier, item);
            BigDecimal amount = price.multiply(BigDecimal.valueOf(quantity));
            total = total.add(amount);
            update(c, "INSERT INTO order_line (ol_w_id, ol_d_id, ol_o_id, ol_number, ol_i_id, ol_supply_w_id,"
                    + " ol_quantity, ol_amount, ol_dist_info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    w, d, orderId, line + 1, item, supplier, quantity, amount, stock.distInfo());
        }
        return total.multiply(BigDecimal.ONE.add(wTax).add(district.tax()))
                .multiply(BigDecimal.ONE.subtract(discount)).longValue();
    }

    /** What NewOrder reads of its district row. */
    private record District(BigDecimal tax, int nextOrderId) {
    }

    /** What NewOrder reads of a stock row. */
    private record Stock(int quantity, String distInfo) {
    }

    /**
     * TPC-C Payment (2.5.2): 7 statements; 60 % of customers looked up by last name. A remote payment is by a
     * customer of warehouse {@code remote}, whose rows are on another shard.
     */
    static long payment(Transaction tx, int w, int remote, ThreadLocalRandom random) throws SQLException {
        Connection c = tx.connection(w);
        int d = 1 + random.nextInt(Tpcc.DISTRICTS);
        int customerDistrict = remote == w ? d : 1 + random.nextInt(Tpcc.DISTRICTS);
        BigDecimal amount = BigDecimal.valueOf(100 + random.nextInt(500_000), 2);
        update(c, "UPDATE warehouse SET w_ytd = w_ytd + ? WHERE w_id = ?", amount, w);
        String wName = one(c, "SELECT w_name, w_street_1, w_city, w_state, w_zip FROM warehouse WHERE w_id = ?",
                rs -> rs.getString(1), w);
        update(c, "UPDATE district SET d_ytd = d_ytd + ? WHERE d_w_id = ? AND d_id = ?", amount, w, d);
        String dName = one(c, "SELECT d_name, d_street_1, d_city, d_state, d_zip FROM district"
                + " WHERE d_w_id = ? AND d_id = ?", rs -> rs.getString(1), w, d);
        Connection cc = tx.connection(remote);
        int customer;
        if (random.nextInt(100) < 60) {
            List<Integer> ids = new ArrayList<>();
            try (PreparedStatement ps = prepare(cc, "SELECT c_id FROM customer"
                    + " WHERE c_w_id = ? AND c_d_id = ? AND c_last = ? ORDER BY c_first", remote, customerDistrict,
                    Tpcc.lastName(1 + random.nextInt(Tpcc.CUSTOMERS)));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
            customer = ids.get((ids.size() - 1) / 2);
        } else {
            customer = 1 + random.nextInt(Tpcc.CUSTOMERS);
        }
        BigDecimal balance = one(cc, "SELECT c_first, c_middle, c_last, c_credit, c_discount, c_balance"
                + " FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ? FOR UPDATE", rs -> rs.getBigDecimal(6),
                remote, customerDistrict, customer);
        update(cc, "UPDATE customer SET c_balance = c_balance - ?, c_ytd_payment = c_ytd_payment + ?,"
                + " c_payment_cnt = c_payment_cnt + 1 WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?",
                amount, amount, remote, customerDistrict, customer);
        update(c, "INSERT INTO history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_date, h_amount, h_data)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", customer, customerDistrict, remote, d, w,
                new Timestamp(System.currentTimeMillis()), amount, wName + "    " + dName);
        return balance.subtract(amount).longValue();
    }

    /** Reads what a transaction needs of a row. */
    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * {@code sql} prepared anew from {@code c} (as an application with a statement cache does) with {@code values}
     * bound to its markers in order. Each value is an Integer, BigDecimal, String or Timestamp, which setObject
     * binds as setInt, setBigDecimal, setString and setTimestamp do.
     */
    private static PreparedStatement prepare(Connection c, String sql, Object... values) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, values)) {
            ps.executeUpdate();
        }
    }

    /** What {@code reader} reads of the single row the query must return. */
    private static <T> T one(Connection c, String sql, RowReader<T> reader, Object... values) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, values); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("no row: " + sql);
            }
            return reader.read(rs);
        }
    }
}
