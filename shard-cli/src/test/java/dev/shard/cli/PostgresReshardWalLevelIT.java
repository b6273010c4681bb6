package dev.shard.cli;

import static dev.shard.cli.ShardDatabases.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardDatabases.Run;
import dev.shard.jdbc.ShardingDataSource;
import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools over PostgreSQL data sources with the stored slot map, on the shared server, whose {@code wal_level} is
 * {@code replica}: an application stores the map (version 1) and registers itself, {@code shard migrate} still
 * migrates the metadata database, {@code shard status} shows the map, the rows and the instance, and
 * {@code shard reshard} to a third data source cannot catch up without logical decoding: the dry run names the
 * problem and what to set, the run is refused with it before anything changes (no progress, no announcement, no
 * replication slot or publication), and there is nothing to abort. The reshard itself, on a server with
 * {@code wal_level = logical}, is {@code PostgresReshardIT}.
 */
class PostgresReshardWalLevelIT {

    private static final int ROWS = 40;

    @TempDir
    Path directory;

    @Test
    void statusWorksAndTheReshardIsRefusedBeforeChangingAnything() throws Exception {
        try (Connection server = PostgresServer.require().connect("postgres"); Statement s = server.createStatement();
             ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            org.junit.jupiter.api.Assumptions.assumeFalse("logical".equals(rs.getString(1)), "the shared PostgreSQL"
                    + " server has wal_level = logical: this test needs one that has not");
        }
        try (DifferentialDatabases databases = DifferentialDatabases.create(PostgresServer.require(),
                "cli_pgreshard", 3)) {
            String tables = "tables:\n  t_order: { shardingColumn: user_id }\n";
            Path two = PostgresYaml.write(directory.resolve("two.yaml"), databases, 2, tables);
            Path three = PostgresYaml.write(directory.resolve("three.yaml"), databases, 3, tables);
            Path migrations = Files.createDirectories(directory.resolve("migrations"));
            Files.writeString(migrations.resolve("V1__orders.sql"),
                    "CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, note TEXT);\n");

            try (ShardingDataSource application = ShardingDataSource.fromYaml(two)) {
                try (Connection c = application.getConnection()) {
                    assertThat(c.isValid(5)).isTrue(); // the map in force is stored as version 1
                }
                // The start stored the map and left ds0's database with Shard's tables only: migrate baselines it.
                Run migrate = cli("migrate", "--config", three.toString(), "--locations", "filesystem:" + migrations);
                assertThat(migrate.exitCode()).as(migrate.all()).isZero();
                assertThat(migrate.out()).containsPattern("(?m)^ds0 +version 1 ");
                try (Connection c = application.getConnection();
                     PreparedStatement insert = c.prepareStatement("INSERT INTO t_order VALUES (?, ?, ?)")) {
                    for (long id = 1; id <= ROWS; id++) {
                        insert.setLong(1, id);
                        insert.setLong(2, id * 7919);
                        insert.setString(3, "n" + id);
                        insert.executeUpdate();
                    }
                }

                Run status = cli("status", "--config", three.toString(), "--exact");
                assertThat(status.exitCode()).as(status.all()).isZero();
                assertThat(status.out()).contains("topology version 1", "  ds2: 0 slots, t_order 0\n",
                        "no reshard in progress", "1 instance\n", ": routes by version 1, last heartbeat ");
                Map<String, long[]> shards = slotsAndRows(status.out());
                assertThat(shards.get("ds0")[0] + shards.get("ds1")[0]).isEqualTo(262_144);
                assertThat(shards.get("ds0")[1] + shards.get("ds1")[1]).isEqualTo(ROWS);
                assertThat(shards.get("ds0")[1]).isPositive();
                assertThat(shards.get("ds1")[1]).isPositive();
                Run estimated = cli("status", "--config", three.toString());
                assertThat(estimated.exitCode()).as(estimated.all()).isZero();
                assertThat(estimated.out()).contains("(row counts are pg_class estimates; --exact counts them)");

                Run dry = cli("reshard", "--config", three.toString(), "--dry-run");
                assertThat(dry.exitCode()).as(dry.all()).isZero();
                assertThat(dry.out()).contains("ds0 -> ds2:", "ds1 -> ds2:", "problem: data source ds0:",
                        "problem: data source ds1:", "wal_level is replica", "Set wal_level = logical",
                        "restart the server", "Dry run: nothing was changed; the reshard would refuse to start");
                Run run = cli("reshard", "--config", three.toString(), "--yes");
                assertThat(run.exitCode()).as(run.all()).isEqualTo(ShardCli.EXIT_ERROR);
                assertThat(run.err()).contains("The reshard cannot start; nothing was changed",
                        "data source ds0:", "wal_level is replica", "Set wal_level = logical");
                Run abort = cli("reshard", "--config", three.toString(), "--abort");
                assertThat(abort.exitCode()).as(abort.all()).isZero();
                assertThat(abort.out()).contains("No reshard was in progress.");
                Connection metadata = databases.shards().get(0);
                assertThat(number(metadata, "SELECT COUNT(*) FROM pg_tables WHERE tablename"
                        + " = 'shard_reshard_progress'")).isZero();
                assertThat(number(metadata, "SELECT COUNT(*) FROM shard_reshard")).isZero();
                assertThat(number(metadata, "SELECT map_version FROM shard_slot_map")).isEqualTo(1);
                assertThat(number(metadata, "SELECT COUNT(*) FROM pg_replication_slots WHERE slot_name LIKE"
                        + " 'shard_reshard%' AND database = current_database()")).isZero();
                assertThat(number(metadata, "SELECT COUNT(*) FROM pg_publication")).isZero();
                assertThat(application.shardNames()).containsExactly("ds0", "ds1");
            }
        }
    }

    /** Each data source's slots and exact rows, from lines such as {@code   ds0: 131072 slots, t_order 17}. */
    private static Map<String, long[]> slotsAndRows(String status) {
        Map<String, long[]> shards = new HashMap<>();
        Matcher line = Pattern.compile("(?m)^  (ds\\d): (\\d+) slots, t_order (\\d+)$").matcher(status);
        while (line.find()) {
            shards.put(line.group(1), new long[] {Long.parseLong(line.group(2)), Long.parseLong(line.group(3))});
        }
        assertThat(shards).as(status).containsOnlyKeys("ds0", "ds1", "ds2");
        return shards;
    }

    /** The one number {@code sql} selects. */
    private static long number(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
