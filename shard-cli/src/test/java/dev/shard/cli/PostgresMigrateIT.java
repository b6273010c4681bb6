package dev.shard.cli;

import static dev.shard.cli.ShardDatabases.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardDatabases.Run;
import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shard migrate} on PostgreSQL shards: Flyway's PostgreSQL support travels with shard-cli; the migrated
 * data sources agree ({@code shard diff}).
 */
class PostgresMigrateIT {

    @TempDir
    Path directory;

    @Test
    void migrateBringsEveryPostgresDataSourceToTheLatestVersion() throws Exception {
        try (DifferentialDatabases databases = DifferentialDatabases.create(PostgresServer.require(),
                "cli_pgmigrate", 3)) {
            Path migrations = Files.createDirectories(directory.resolve("migrations"));
            Files.writeString(migrations.resolve("V1__orders.sql"),
                    "CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, note TEXT);\n");
            Files.writeString(migrations.resolve("V2__index.sql"),
                    "CREATE INDEX idx_order_user ON t_order (user_id);\nALTER TABLE t_order ADD COLUMN amount"
                            + " NUMERIC(12,2);\n");
            Path config = PostgresYaml.write(directory.resolve("shard.yaml"), databases, 3,
                    "tables:\n  t_order: { shardingColumn: user_id }\n");

            Run run = cli("migrate", "--config", config.toString(), "--locations", "filesystem:" + migrations);
            assertThat(run.exitCode()).as(run.all()).isZero();
            for (int i = 0; i < 3; i++) {
                assertThat(run.out()).containsPattern("(?m)^ds" + i + " +version 2 +applied: 1,2 ");
                Connection shard = databases.shards().get(i);
                try (Statement s = shard.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 't_order'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("columns of t_order on ds%d", i).isEqualTo(4);
                }
            }
            Run again = cli("migrate", "--config", config.toString(), "--locations", "filesystem:" + migrations);
            assertThat(again.exitCode()).as(again.all()).isZero();
            assertThat(again.out()).containsPattern("(?m)^ds0 +version 2 ");

            Run diff = cli("diff", "--config", config.toString());
            assertThat(diff.exitCode()).as(diff.all()).isZero();
            assertThat(diff.out()).isEqualTo("OK: no drift across 3 data sources, 1 tables (t_order)"
                    + System.lineSeparator());
        }
    }
}
