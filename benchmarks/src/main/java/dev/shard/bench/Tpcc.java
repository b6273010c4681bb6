package dev.shard.bench;

import dev.shard.core.config.ShardConfig;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.shardingsphere.infra.algorithm.core.config.AlgorithmConfiguration;
import org.apache.shardingsphere.sharding.api.config.ShardingRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.rule.ShardingTableRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.strategy.sharding.StandardShardingStrategyConfiguration;

/**
 * A TPC-C-like schema for {@link Oltp}: four warehouses, each on its own database, every warehouse table sharded by
 * its warehouse column, and the item table broadcast (a copy on every database). Smaller than TPC-C (by default
 * 10,000 items, 10 districts of 300 customers per warehouse, no initial orders) so that a trial loads in seconds.
 *
 * <p>The warehouse ids are chosen so that every target places them alike, one per database: warehouse
 * {@code WAREHOUSES[k]} is on Shard's data source {@code ds<k>} (its consistent hash; checked when Shard's fixture
 * starts), on ShardingSphere's {@code ds_<k>} ({@code w_id % 4}, an INLINE rule) and, by hand, on database {@code k}.
 * The rows are loaded straight into the physical databases, the same for every target (the direct target's one
 * database gets them all).
 */
final class Tpcc implements Fixture.Schema {

    /** Warehouse k lands on database k under Shard's consistent hash over ds0..ds3, and w % 4 == k. */
    static final int[] WAREHOUSES = {4, 25, 14, 3};
    static final int DISTRICTS = 10;
    static final int ITEMS = Integer.getInteger("bench.tpcc.items", 10_000);
    static final int CUSTOMERS = Integer.getInteger("bench.tpcc.customers", 300);
    /** Customers per district share a last name in threes: Payment looks 60 % of them up by name. */
    static final int LAST_NAMES = Math.max(1, CUSTOMERS / 3);

    /** Each warehouse table and its warehouse column. */
    static final Map<String, String> SHARDED = new LinkedHashMap<>();

    static {
        SHARDED.put("warehouse", "w_id");
        SHARDED.put("district", "d_w_id");
        SHARDED.put("customer", "c_w_id");
        SHARDED.put("history", "h_w_id");
        SHARDED.put("stock", "s_w_id");
        SHARDED.put("orders", "o_w_id");
        SHARDED.put("new_order", "no_w_id");
        SHARDED.put("order_line", "ol_w_id");
    }

    static final List<String> DDL = List.of(
            "CREATE TABLE warehouse (w_id INT NOT NULL PRIMARY KEY, w_name VARCHAR(10), w_street_1 VARCHAR(20),"
                    + " w_city VARCHAR(20), w_state CHAR(2), w_zip CHAR(9), w_tax DECIMAL(4,4),"
                    + " w_ytd DECIMAL(12,2))",
            "CREATE TABLE district (d_w_id INT NOT NULL, d_id INT NOT NULL, d_name VARCHAR(10),"
                    + " d_street_1 VARCHAR(20), d_city VARCHAR(20), d_state CHAR(2), d_zip CHAR(9),"
                    + " d_tax DECIMAL(4,4), d_ytd DECIMAL(12,2), d_next_o_id INT, PRIMARY KEY (d_w_id, d_id))",
            "CREATE TABLE customer (c_w_id INT NOT NULL, c_d_id INT NOT NULL, c_id INT NOT NULL,"
                    + " c_first VARCHAR(16), c_middle CHAR(2), c_last VARCHAR(16), c_credit CHAR(2),"
                    + " c_discount DECIMAL(4,4), c_balance DECIMAL(12,2), c_ytd_payment DECIMAL(12,2),"
                    + " c_payment_cnt INT, c_data VARCHAR(500), PRIMARY KEY (c_w_id, c_d_id, c_id))",
            "CREATE INDEX idx_customer_name ON customer (c_w_id, c_d_id, c_last, c_first)",
            "CREATE TABLE history (h_c_id INT, h_c_d_id INT, h_c_w_id INT, h_d_id INT, h_w_id INT NOT NULL,"
                    + " h_date TIMESTAMP, h_amount DECIMAL(6,2), h_data VARCHAR(24))",
            "CREATE TABLE item (i_id INT NOT NULL PRIMARY KEY, i_im_id INT, i_name VARCHAR(24),"
                    + " i_price DECIMAL(5,2), i_data VARCHAR(50))",
            "CREATE TABLE stock (s_w_id INT NOT NULL, s_i_id INT NOT NULL, s_quantity INT, s_dist_01 CHAR(24),"
                    + " s_ytd INT, s_order_cnt INT, s_remote_cnt INT, s_data VARCHAR(50),"
                    + " PRIMARY KEY (s_w_id, s_i_id))",
            "CREATE TABLE orders (o_w_id INT NOT NULL, o_d_id INT NOT NULL, o_id INT NOT NULL, o_c_id INT,"
                    + " o_entry_d TIMESTAMP, o_carrier_id INT, o_ol_cnt INT, o_all_local INT,"
                    + " PRIMARY KEY (o_w_id, o_d_id, o_id))",
            "CREATE TABLE new_order (no_w_id INT NOT NULL, no_d_id INT NOT NULL, no_o_id INT NOT NULL,"
                    + " PRIMARY KEY (no_w_id, no_d_id, no_o_id))",
            "CREATE TABLE order_line (ol_w_id INT NOT NULL, ol_d_id INT NOT NULL, ol_o_id INT NOT NULL,"
                    + " ol_number INT NOT NULL, ol_i_id INT, ol_supply_w_id INT, ol_delivery_d TIMESTAMP,"
                    + " ol_quantity INT, ol_amount DECIMAL(6,2), ol_dist_info CHAR(24),"
                    + " PRIMARY KEY (ol_w_id, ol_d_id, ol_o_id, ol_number))");

    /** The database (0..3) holding warehouse {@code w} on a target with four; 0 for direct. */
    static int databaseOf(int w) {
        return w % Fixture.SHARDS;
    }

    @Override
    public List<String> ddl(String target, int database) {
        return DDL;
    }

    @Override
    public ShardConfig.Builder shardTables(ShardConfig.Builder builder) {
        SHARDED.forEach(builder::shardedTable);
        return builder.broadcastTables("item");
    }

    @Override
    public DataSource shardingSphere(Fixture fixture) throws Exception {
        ShardingRuleConfiguration rules = new ShardingRuleConfiguration();
        for (Map.Entry<String, String> table : SHARDED.entrySet()) {
            ShardingTableRuleConfiguration t = new ShardingTableRuleConfiguration(table.getKey(),
                    "ds_${0.." + (Fixture.SHARDS - 1) + "}." + table.getKey());
            String algorithm = "by_" + table.getValue();
            t.setDatabaseShardingStrategy(new StandardShardingStrategyConfiguration(table.getValue(), algorithm));
            rules.getTables().add(t);
            Properties inline = new Properties();
            inline.setProperty("algorithm-expression", "ds_${" + table.getValue() + " % " + Fixture.SHARDS + "}");
            rules.getShardingAlgorithms().put(algorithm, new AlgorithmConfiguration("INLINE", inline));
        }
        return ShardingSphereSupport.dataSource(fixture, "tpcc", rules, "item");
    }

    @Override
    public void load(Fixture fixture) throws SQLException {
        if (fixture.target.equals("shard")) {
            checkPlacement(fixture);
        }
        boolean one = fixture.physicalUrls.size() == 1;
        for (int database = 0; database < fixture.physicalUrls.size(); database++) {
            try (Connection c = fixture.physicalConnection(fixture.physicalUrls.get(database))) {
                c.setAutoCommit(false);
                loadItems(c);
                for (int w : WAREHOUSES) {
                    if (one || databaseOf(w) == database) {
                        loadWarehouse(c, w);
                    }
                }
                c.commit();
            }
        }
    }

    private static void checkPlacement(Fixture fixture) throws SQLException {
        var shard = (dev.shard.jdbc.ShardingDataSource) fixture.dataSource;
        for (int k = 0; k < WAREHOUSES.length; k++) {
            List<String> shards = shard.explain("SELECT w_tax FROM warehouse WHERE w_id = ?", WAREHOUSES[k]).shards();
            if (!shards.equals(List.of("ds" + databaseOf(WAREHOUSES[k])))) {
                throw new IllegalStateException("warehouse " + WAREHOUSES[k] + " routes to " + shards + ", not ds"
                        + databaseOf(WAREHOUSES[k]) + ": Shard's placement changed; choose Tpcc.WAREHOUSES anew");
            }
        }
    }

    private static void loadItems(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO item (i_id, i_im_id, i_name, i_price, i_data) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 1; i <= ITEMS; i++) {
                ps.setInt(1, i);
                ps.setInt(2, i * 7 % 10_000);
                ps.setString(3, "item-" + i);
                ps.setBigDecimal(4, BigDecimal.valueOf(100 + i % 9_900, 2));
                ps.setString(5, "data of item " + i);
                addAndFlush(ps, i);
            }
            ps.executeBatch();
        }
    }

    private static void loadWarehouse(Connection c, int w) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO warehouse (w_id, w_name, w_street_1, w_city,"
                + " w_state, w_zip, w_tax, w_ytd) VALUES (?, ?, 'street', 'city', 'ST', '123451111', ?, 300000.00)")) {
            ps.setInt(1, w);
            ps.setString(2, "w" + w);
            ps.setBigDecimal(3, new BigDecimal("0.0" + (w % 10)));
            ps.executeUpdate();
        }
        try (PreparedStatement d = c.prepareStatement("INSERT INTO district (d_w_id, d_id, d_name, d_street_1,"
                + " d_city, d_state, d_zip, d_tax, d_ytd, d_next_o_id)"
                + " VALUES (?, ?, ?, 'street', 'city', 'ST', '123451111', 0.0500, 30000.00, 1)");
             PreparedStatement cu = c.prepareStatement("INSERT INTO customer (c_w_id, c_d_id, c_id, c_first,"
                     + " c_middle, c_last, c_credit, c_discount, c_balance, c_ytd_payment, c_payment_cnt, c_data)"
                     + " VALUES (?, ?, ?, ?, 'OE', ?, 'GC', 0.1000, -10.00, 10.00, 1, ?)")) {
            for (int district = 1; district <= DISTRICTS; district++) {
                d.setInt(1, w);
                d.setInt(2, district);
                d.setString(3, "d" + district);
                d.addBatch();
                for (int customer = 1; customer <= CUSTOMERS; customer++) {
                    cu.setInt(1, w);
                    cu.setInt(2, district);
                    cu.setInt(3, customer);
                    cu.setString(4, "first" + customer);
                    cu.setString(5, lastName(customer));
                    cu.setString(6, "customer data " + customer);
                    addAndFlush(cu, customer);
                }
                cu.executeBatch();
            }
            d.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO stock (s_w_id, s_i_id, s_quantity, s_dist_01,"
                + " s_ytd, s_order_cnt, s_remote_cnt, s_data) VALUES (?, ?, ?, 'dist info 01', 0, 0, 0, ?)")) {
            for (int i = 1; i <= ITEMS; i++) {
                s.setInt(1, w);
                s.setInt(2, i);
                s.setInt(3, 10 + i % 91);
                s.setString(4, "stock data " + i);
                addAndFlush(s, i);
            }
            s.executeBatch();
        }
    }

    static String lastName(int customer) {
        return "LAST" + (customer % LAST_NAMES);
    }

    private static void addAndFlush(PreparedStatement ps, int n) throws SQLException {
        ps.addBatch();
        if (n % 500 == 0) {
            ps.executeBatch();
        }
    }

    /** Every warehouse other than {@code w}. */
    static List<Integer> others(int w) {
        List<Integer> others = new ArrayList<>();
        for (int other : WAREHOUSES) {
            if (other != w) {
                others.add(other);
            }
        }
        return others;
    }
}
