package dev.shard.quickstart;

import dev.shard.cli.MigrationReport;
import dev.shard.cli.ShardMigrations;
import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.RouteExplanation;
import dev.shard.jdbc.ShardingDataSource;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;

/**
 * Shard in one minute, on four embedded H2 databases: apply the example migrations (examples/db/migration) to every
 * shard, insert 3,000 users and 10,000 orders, see how they spread, and look some up. Run it with the README's
 * quickstart command.
 */
public final class Quickstart {

    static final int USERS = 3_000;
    static final int ORDERS = 10_000;
    /** examples/db/migration, which this module's build puts on the class path. */
    static final String MIGRATIONS = "classpath:db/migration";

    private Quickstart() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void run(PrintStream out) throws SQLException {
        ShardConfig config = ShardConfig.fromClasspath("quickstart/shard.yaml");
        List<String> names = config.dataSources().stream().map(DataSourceConfig::name).toList();
        out.println("Shard quickstart: " + names.size() + " embedded H2 shards " + names);

        out.println("\n1. Applying the schema: the Flyway migrations in examples/db/migration on every shard,"
                + " version by version (what `shard-cli.jar migrate` runs)");
        try (ShardMigrations migrations = ShardMigrations.open(config, List.of(MIGRATIONS))) {
            MigrationReport report = migrations.migrate();
            for (String line : report.render().split("\\R")) {
                out.println("   " + line);
            }
            if (!report.complete()) {
                throw new SQLException("the example migrations did not apply on every shard:\n" + report.render());
            }
        }

        try (ShardingDataSource shards = new ShardingDataSource(config);
             Connection connection = shards.getConnection()) {
            out.printf("%n2. Inserting %,d users and %,d orders through the ShardingDataSource, in JDBC batches"
                    + " of 1,000 (each batch runs as one batch per shard, the shards in parallel)%n", USERS, ORDERS);
            Random random = new Random(42);
            long started = System.nanoTime();
            try (PreparedStatement user = connection.prepareStatement(
                    "INSERT INTO t_user (user_id, name) VALUES (?, ?)")) {
                for (int id = 1; id <= USERS; id++) {
                    user.setLong(1, id);
                    user.setString(2, "user-" + id);
                    user.addBatch();
                    if (id % 1_000 == 0) {
                        user.executeBatch();
                    }
                }
            }
            try (PreparedStatement order = connection.prepareStatement(
                    "INSERT INTO t_order (order_id, user_id, status, amount) VALUES (?, ?, ?, ?)")) {
                for (int id = 1; id <= ORDERS; id++) {
                    order.setLong(1, id);
                    order.setLong(2, 1 + random.nextInt(USERS));
                    order.setString(3, random.nextBoolean() ? "paid" : "new");
                    order.setBigDecimal(4, BigDecimal.valueOf(random.nextInt(50_000), 2));
                    order.addBatch();
                    if (id % 1_000 == 0) {
                        order.executeBatch();
                    }
                }
            }
            out.printf("   done in %d ms%n", (System.nanoTime() - started) / 1_000_000);

            out.println("\n3. How the rows spread over the shards (each shard read directly)");
            for (String name : shards.shardNames()) {
                DataSourceConfig source = shards.config().dataSource(name);
                try (Connection direct = DriverManager.getConnection(source.jdbcUrl(),
                        source.poolProperties().get("username"), source.poolProperties().get("password"));
                     Statement s = direct.createStatement();
                     ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM t_order),"
                             + " (SELECT COUNT(*) FROM t_user), (SELECT COUNT(*) FROM t_region)")) {
                    rs.next();
                    int orders = rs.getInt(1);
                    out.printf("   %s  %5d orders  %4d users  %d regions  %s%n", name, orders, rs.getInt(2),
                            rs.getInt(3), "#".repeat(orders / 100));
                }
            }

            out.println("\n4. Point look-ups, each sent to the one shard that holds the user");
            String lookup = "SELECT COUNT(*), SUM(amount) FROM t_order WHERE user_id = ?";
            try (PreparedStatement ps = connection.prepareStatement(lookup)) {
                for (long user : new long[] {7, 42, 1234, 2999}) {
                    RouteExplanation route = shards.explain(lookup, user);
                    ps.setLong(1, user);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        out.printf("   user %4d -> %s (%s): %d orders, total %s%n", user, route.shards().get(0),
                                route.routeKind(), rs.getInt(1), rs.getBigDecimal(2));
                    }
                }
            }
            String join = "SELECT o.order_id, o.amount, u.name FROM t_order o JOIN t_user u ON u.user_id = o.user_id"
                    + " WHERE o.user_id = 42 ORDER BY o.order_id LIMIT 3";
            RouteExplanation route = shards.explain(join);
            out.println("   co-located join for user 42 -> " + route.shards() + " (" + route.routeKind() + ")");
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(join)) {
                while (rs.next()) {
                    out.printf("     order %d: %s, by %s%n", rs.getLong(1), rs.getBigDecimal(2), rs.getString(3));
                }
            }
            RouteExplanation regions = shards.explain("SELECT name FROM t_region WHERE region_id = 2");
            out.println("   broadcast table t_region read from one shard: " + regions.routeKind());

            out.println("\n5. Scatter-gather: queries without a shard key run on every shard, merged into one result");
            String byStatus = "SELECT status, COUNT(*) AS orders, SUM(amount) AS total, AVG(amount) AS average"
                    + " FROM t_order GROUP BY status ORDER BY orders DESC";
            out.println("   " + byStatus);
            for (String line : shards.explain(byStatus).toString().split("\n")) {
                out.println("   | " + line);
            }
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(byStatus)) {
                while (rs.next()) {
                    out.printf("   %-5s %5d orders, total %10s, average %s%n", rs.getString("status"),
                            rs.getLong("orders"), rs.getBigDecimal("total"), rs.getBigDecimal("average"));
                }
            }
            String top = "SELECT order_id, user_id, amount FROM t_order ORDER BY amount DESC, order_id LIMIT 3";
            out.println("   " + top + "  (each shard sends its top 3; a streaming merge keeps the best 3)");
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(top)) {
                while (rs.next()) {
                    out.printf("   order %5d  user %4d  amount %s%n", rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3));
                }
            }
            String some = "SELECT COUNT(*) FROM t_order WHERE user_id IN (7, 42, 1234)";
            String countSome = some;
            RouteExplanation pruned = shards.explain(some);
            out.println("   IN list over several shards -> " + pruned.routeKind() + " " + pruned.shards()
                    + ", each shard gets only its own values:");
            for (RouteExplanation.ShardQuery query : pruned.shardQueries()) {
                out.println("     " + query.shard() + " binds " + query.values());
            }

            out.println("\n6. Writes across shards");
            String multi = "INSERT INTO t_order (order_id, user_id, status, amount) VALUES"
                    + " (20001, 7, 'new', 10.00), (20002, 42, 'new', 20.00), (20003, 1234, 'new', 30.00)";
            RouteExplanation split = shards.explain(multi);
            out.println("   a multi-row INSERT -> " + split.routeKind() + " " + split.shards()
                    + ": each shard gets only its own rows");
            for (RouteExplanation.ShardQuery query : split.shardQueries()) {
                out.println("     " + query.shard() + ": " + query.sql());
            }
            try (Statement s = connection.createStatement()) {
                out.println("   inserted " + s.executeUpdate(multi) + " rows; users 7, 42, 1234 now have "
                        + count(connection, countSome) + " orders");
            }
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                s.executeUpdate("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (20004, 7, 'new', 1)");
                s.executeUpdate("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (20005, 42, 'new', 1)");
                out.println("   in a transaction on two shards: " + count(connection, countSome) + " orders; rollback");
                connection.rollback();
                out.println("   after rollback on both shards: " + count(connection, countSome) + " orders");
                s.executeUpdate("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (20004, 7, 'new', 1)");
                s.executeUpdate("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (20005, 42, 'new', 1)");
                connection.commit();
                out.println("   after the same two inserts and commit: " + count(connection, countSome) + " orders");
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
