package dev.shard.cli;

import static dev.shard.cli.ShardDatabases.EXAMPLE_MIGRATIONS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.jdbc.ShardingDataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the shared test server, whose binary log is off: the dry run prints the plan and the problem, and the reshard
 * refuses to start, saying what to set, with nothing changed (no progress, no announcement).
 */
class ReshardRefusalIT {

    @TempDir
    Path directory;

    @Test
    void withoutARowBinlogTheReshardSaysWhatToSetAndChangesNothing() throws Exception {
        try (ShardDatabases databases = ShardDatabases.create("cli_reshard", directory)) {
            String config = databases.yaml().toString();
            assertThat(cli("migrate", "--config", config, "--locations", "filesystem:" + EXAMPLE_MIGRATIONS)
                    .exit).isZero();
            // Before any application stored its map, status and reshard say so (not "table doesn't exist").
            for (String command : new String[] {"status", "reshard"}) {
                Run early = cli(command, "--config", config);
                assertThat(early.exit).as(early.output).isEqualTo(ShardCli.EXIT_ERROR);
                assertThat(early.output).contains("No slot map is stored on the metadata data source yet");
            }
            String pinned = Files.readString(databases.yaml()) + "settings:\n  storeSlotMap: true\n";
            Files.writeString(databases.yaml(), pinned);
            try (ShardingDataSource application = ShardingDataSource.fromYaml(databases.yaml());
                 Connection c = application.getConnection()) {
                assertThat(c.isValid(5)).isTrue(); // the map in force is stored as version 1
            }
            Path moved = directory.resolve("moved.yaml");
            Files.writeString(moved, pinned.replace("ds0: [\"0-65535\"]", "ds0: [\"100-65535\"]")
                    .replace("ds1: [\"65536-131071\"]", "ds1: [\"0-99\", \"65536-131071\"]"));

            Run plan = cli("reshard", "--config", moved.toString(), "--dry-run");
            assertThat(plan.exit).as(plan.output).isZero();
            assertThat(plan.output).contains("phase plan: from version 1", "ds0 -> ds1: 100 slots in 1 ranges (0-99)",
                    "problem: data source ds0:", "log_bin is OFF", "Dry run: nothing was changed");
            assertThat(plan.output).doesNotContain(databases.password());

            Run refused = cli("reshard", "--config", moved.toString(), "--yes");
            assertThat(refused.exit).as(refused.output).isEqualTo(ShardCli.EXIT_ERROR);
            assertThat(refused.output).contains("The reshard cannot start; nothing was changed",
                    "data source ds0:", "log_bin is OFF", "binlog_format = ROW");
            assertThat(databases.tableExists("main", "shard_reshard_progress")).isFalse();
            Run status = cli("status", "--config", moved.toString());
            assertThat(status.output).contains("topology version 1", "no reshard in progress")
                    .doesNotContain("announcement:");
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = ShardCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8));
    }
}
