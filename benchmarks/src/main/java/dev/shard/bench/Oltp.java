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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

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
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class Oltp {

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

    Fixture fixture;
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

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fixture.close();
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
        BigDecimal wTax;
        try (PreparedStatement ps = c.prepareStatement("SELECT w_tax FROM warehouse WHERE w_id = ?")) {
            ps.setInt(1, w);
            wTax = one(ps).getBigDecimal(1);
        }
        int orderId;
        BigDecimal dTax;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT d_tax, d_next_o_id FROM district WHERE d_w_id = ? AND d_id = ? FOR UPDATE")) {
            ps.setInt(1, w);
            ps.setInt(2, d);
            try (ResultSet rs = ps.executeQuery()) {
                next(rs);
                dTax = rs.getBigDecimal(1);
                orderId = rs.getInt(2);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = ? AND d_id = ?")) {
            ps.setInt(1, w);
            ps.setInt(2, d);
            ps.executeUpdate();
        }
        BigDecimal discount;
        try (PreparedStatement ps = c.prepareStatement("SELECT c_discount, c_last, c_credit FROM customer"
                + " WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?")) {
            ps.setInt(1, w);
            ps.setInt(2, d);
            ps.setInt(3, customer);
            discount = one(ps).getBigDecimal(1);
        }
        Timestamp now = new Timestamp(System.currentTimeMillis());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (o_w_id, o_d_id, o_id, o_c_id,"
                + " o_entry_d, o_ol_cnt, o_all_local) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setInt(1, w);
            ps.setInt(2, d);
            ps.setInt(3, orderId);
            ps.setInt(4, customer);
            ps.setTimestamp(5, now);
            ps.setInt(6, lines);
            ps.setInt(7, remote == w ? 1 : 0);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO new_order (no_w_id, no_d_id, no_o_id) VALUES (?, ?, ?)")) {
            ps.setInt(1, w);
            ps.setInt(2, d);
            ps.setInt(3, orderId);
            ps.executeUpdate();
        }
        BigDecimal total = BigDecimal.ZERO;
        int remoteLine = remote == w ? -1 : random.nextInt(lines);
        for (int line = 0; line < lines; line++) {
            int item = 1 + random.nextInt(Tpcc.ITEMS);
            int supplier = line == remoteLine ? remote : w;
            int quantity = 1 + random.nextInt(10);
            BigDecimal price;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT i_price, i_name, i_data FROM item WHERE i_id = ?")) {
                ps.setInt(1, item);
                price = one(ps).getBigDecimal(1);
            }
            Connection stockConnection = tx.connection(supplier);
            int stock;
            String distInfo;
            try (PreparedStatement ps = stockConnection.prepareStatement("SELECT s_quantity, s_dist_01, s_data"
                    + " FROM stock WHERE s_w_id = ? AND s_i_id = ? FOR UPDATE")) {
                ps.setInt(1, supplier);
                ps.setInt(2, item);
                try (ResultSet rs = ps.executeQuery()) {
                    next(rs);
                    stock = rs.getInt(1);
                    distInfo = rs.getString(2);
                }
            }
            try (PreparedStatement ps = stockConnection.prepareStatement("UPDATE stock SET s_quantity = ?,"
                    + " s_ytd = s_ytd + ?, s_order_cnt = s_order_cnt + 1, s_remote_cnt = s_remote_cnt + ?"
                    + " WHERE s_w_id = ? AND s_i_id = ?")) {
                ps.setInt(1, stock - quantity >= 10 ? stock - quantity : stock - quantity + 91);
                ps.setInt(2, quantity);
                ps.setInt(3, supplier == w ? 0 : 1);
                ps.setInt(4, supplier);
                ps.setInt(5, item);
                ps.executeUpdate();
            }
            BigDecimal amount = price.multiply(BigDecimal.valueOf(quantity));
            total = total.add(amount);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO order_line (ol_w_id, ol_d_id, ol_o_id,"
                    + " ol_number, ol_i_id, ol_supply_w_id, ol_quantity, ol_amount, ol_dist_info)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, w);
                ps.setInt(2, d);
                ps.setInt(3, orderId);
                ps.setInt(4, line + 1);
                ps.setInt(5, item);
                ps.setInt(6, supplier);
                ps.setInt(7, quantity);
                ps.setBigDecimal(8, amount);
                ps.setString(9, distInfo);
                ps.executeUpdate();
            }
        }
        return total.multiply(BigDecimal.ONE.add(wTax).add(dTax))
                .multiply(BigDecimal.ONE.subtract(discount)).longValue();
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
        try (PreparedStatement ps = c.prepareStatement("UPDATE warehouse SET w_ytd = w_ytd + ? WHERE w_id = ?")) {
            ps.setBigDecimal(1, amount);
            ps.setInt(2, w);
            ps.executeUpdate();
        }
        String wName;
        try (PreparedStatement ps = c.prepareStatement("SELECT w_name, w_street_1, w_city, w_state, w_zip"
                + " FROM warehouse WHERE w_id = ?")) {
            ps.setInt(1, w);
            wName = one(ps).getString(1);
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE district SET d_ytd = d_ytd + ? WHERE d_w_id = ? AND d_id = ?")) {
            ps.setBigDecimal(1, amount);
            ps.setInt(2, w);
            ps.setInt(3, d);
            ps.executeUpdate();
        }
        String dName;
        try (PreparedStatement ps = c.prepareStatement("SELECT d_name, d_street_1, d_city, d_state, d_zip"
                + " FROM district WHERE d_w_id = ? AND d_id = ?")) {
            ps.setInt(1, w);
            ps.setInt(2, d);
            dName = one(ps).getString(1);
        }
        Connection cc = tx.connection(remote);
        int customer;
        if (random.nextInt(100) < 60) {
            List<Integer> ids = new ArrayList<>();
            try (PreparedStatement ps = cc.prepareStatement("SELECT c_id FROM customer"
                    + " WHERE c_w_id = ? AND c_d_id = ? AND c_last = ? ORDER BY c_first")) {
                ps.setInt(1, remote);
                ps.setInt(2, customerDistrict);
                ps.setString(3, Tpcc.lastName(1 + random.nextInt(Tpcc.CUSTOMERS)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getInt(1));
                    }
                }
            }
            customer = ids.get((ids.size() - 1) / 2);
        } else {
            customer = 1 + random.nextInt(Tpcc.CUSTOMERS);
        }
        BigDecimal balance;
        try (PreparedStatement ps = cc.prepareStatement("SELECT c_first, c_middle, c_last, c_credit, c_discount,"
                + " c_balance FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ? FOR UPDATE")) {
            ps.setInt(1, remote);
            ps.setInt(2, customerDistrict);
            ps.setInt(3, customer);
            balance = one(ps).getBigDecimal(6);
        }
        try (PreparedStatement ps = cc.prepareStatement("UPDATE customer SET c_balance = c_balance - ?,"
                + " c_ytd_payment = c_ytd_payment + ?, c_payment_cnt = c_payment_cnt + 1"
                + " WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?")) {
            ps.setBigDecimal(1, amount);
            ps.setBigDecimal(2, amount);
            ps.setInt(3, remote);
            ps.setInt(4, customerDistrict);
            ps.setInt(5, customer);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO history (h_c_id, h_c_d_id, h_c_w_id, h_d_id,"
                + " h_w_id, h_date, h_amount, h_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setInt(1, customer);
            ps.setInt(2, customerDistrict);
            ps.setInt(3, remote);
            ps.setInt(4, d);
            ps.setInt(5, w);
            ps.setTimestamp(6, new Timestamp(System.currentTimeMillis()));
            ps.setBigDecimal(7, amount);
            ps.setString(8, wName + "    " + dName);
            ps.executeUpdate();
        }
        return balance.subtract(amount).longValue();
    }

    /** The single row a query must return, positioned on. */
    private static ResultSet one(PreparedStatement ps) throws SQLException {
        ResultSet rs = ps.executeQuery();
        next(rs);
        return rs; // closed with its statement
    }

    private static void next(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            throw new IllegalStateException("no row");
        }
    }
}
