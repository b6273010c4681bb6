package dev.shard.cli;

import static dev.shard.cli.ShardDatabases.EXAMPLE_MIGRATIONS;
import static dev.shard.cli.ShardDatabases.NAMES;
import static dev.shard.cli.ShardDatabases.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardDatabases.Run;
import dev.shard.jdbc.ShardingDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shard migrate} run in-process on four MariaDB shards and the default, with the example migrations. */
class MigrateCommandIT {

    @TempDir
    Path directory;

    private ShardDatabases databases;

    @BeforeEach
    void createDatabases() throws Exception {
        databases = ShardDatabases.create("cli_migrate", directory);
    }

    @AfterEach
    void dropDatabases() throws SQLException {
        databases.close();
    }

    private Run migrate(Path migrations, String... extra) {
        String[] args = {"migrate", "--config", databases.yaml().toString(), "--locations",
            "filesystem:" + migrations};
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return cli(all);
    }

    @Test
    void dryRunChangesNothingThenMigrateBringsEveryDataSourceToTheLatestVersion() throws SQLException {
        Run plan = migrate(EXAMPLE_MIGRATIONS, "--dry-run");
        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
        for (String name : NAMES) {
            assertThat(plan.out()).containsPattern("(?m)^" + name + " +version none +would apply: 1,2,3 ");
            assertThat(databases.tableExists(name, ShardMigrations.HISTORY_TABLE)).as(name).isFalse();
        }
        assertThat(plan.out()).contains("PENDING: behind version 3");

        Run run = migrate(EXAMPLE_MIGRATIONS);
        assertThat(run.exitCode()).as(run.all()).isZero();
        for (String name : NAMES) {
            assertThat(run.out()).containsPattern("(?m)^" + name + " +version 3 +applied: 1,2,3 +pending: none +failed: none");
            assertThat(databases.tableExists(name, "t_order_note")).as(name).isTrue();
        }
        assertThat(run.out()).contains("OK: every data source is at version 3");
        assertThat(databases.schemaVersions()).containsOnly("3");
        assertThat(run.all()).doesNotContain(databases.password());

        Run again = migrate(EXAMPLE_MIGRATIONS);
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).containsPattern("(?m)^ds0 +version 3 +applied: none +pending: none");
        Run check = migrate(EXAMPLE_MIGRATIONS, "--dry-run");
        assertThat(check.exitCode()).as("a dry run is a check: nothing pending").isZero();
    }

    @Test
    void aVersionThatFailsOnOneShardStopsTheOthersAndARerunAfterTheFixCompletes() throws Exception {
        Path upToV2 = Files.createDirectory(directory.resolve("v1-v2"));
        for (String script : List.of("V1__users_orders_regions.sql", "V2__seed_regions.sql")) {
            Files.copy(EXAMPLE_MIGRATIONS.resolve(script), upToV2.resolve(script));
        }
        assertThat(migrate(upToV2).exitCode()).isZero();
        // ds0 comes first in the configuration, so V3 reaches it first.
        databases.execute("ds0", "CREATE TABLE t_order_note (conflicting INT)");

        Run failed = migrate(EXAMPLE_MIGRATIONS);
        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
        assertThat(failed.out()).containsPattern("(?m)^ds0 +version 2 +applied: none +pending: 3 +failed: 3$");
        assertThat(failed.out()).contains("t_order_note"); // the database's reason, under ds0's line
        for (String other : NAMES.subList(1, NAMES.size())) {
            assertThat(failed.out()).containsPattern("(?m)^" + other + " +version 2 +applied: none +pending: 3 +failed: none");
        }
        assertThat(failed.out()).contains("INCOMPLETE: failed: ds0 at version 3; behind version 3: ds1 at 2, "
                + "ds2 at 2, ds3 at 2, main at 2");
        assertThat(databases.schemaVersions()).containsOnly("2");
        assertThat(databases.tableExists("ds1", "t_order_note")).isFalse();
        assertThat(failed.all()).doesNotContain(databases.password());

        Run plan = migrate(EXAMPLE_MIGRATIONS, "--dry-run");
        assertThat(plan.out()).containsPattern("(?m)^ds0 +version 2 +would apply: 3 +pending: 3 +failed: 3$")
                .contains("version 3 failed in an earlier run; migrate retries it");

        databases.execute("ds0", "DROP TABLE t_order_note");
        Run rerun = migrate(EXAMPLE_MIGRATIONS);
        assertThat(rerun.exitCode()).as(rerun.all()).isZero();
        for (String name : NAMES) {
            assertThat(rerun.out()).containsPattern("(?m)^" + name + " +version 3 +applied: 3 +pending: none +failed: none");
        }
        assertThat(databases.schemaVersions()).isEqualTo(Collections.nCopies(NAMES.size(), "3"));
    }

    @Test
    void anApplicationStartedBeforeTheFirstMigrateLeavesOnlyShardTablesAndEveryVersionStillRuns() throws Exception {
        try (ShardingDataSource application = ShardingDataSource.fromYaml(databases.yaml())) {
            assertThat(application.shardNames()).contains("main");
            assertThat(databases.tableExists("main", "shard_slot_map")).isTrue();
            Run run = migrate(EXAMPLE_MIGRATIONS);
            assertThat(run.exitCode()).as(run.all()).isZero();
            for (String name : NAMES) {
                assertThat(run.out()).containsPattern("(?m)^" + name + " +version 3 +applied: 1,2,3 +pending: none");
                assertThat(databases.tableExists(name, "t_order_note")).as(name).isTrue();
            }
            assertThat(databases.schemaVersions()).containsOnly("3");
            assertThat(databases.tableExists("main", "shard_slot_map")).as("Shard's table is kept").isTrue();
        }
    }

    @Test
    void aSchemaWithAnApplicationTableBesideShardTablesIsStillRefusedByFlyway() throws Exception {
        try (ShardingDataSource application = ShardingDataSource.fromYaml(databases.yaml())) {
            assertThat(application.shardNames()).contains("main");
        }
        databases.execute("main", "CREATE TABLE t_legacy (id INT PRIMARY KEY)");
        Run run = migrate(EXAMPLE_MIGRATIONS);
        assertThat(run.exitCode()).as(run.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
        assertThat(run.out()).containsPattern("(?m)^main +version none +applied: none")
                .contains("non-empty schema");
        assertThat(databases.schemaVersion("main")).isNull();
    }

    @Test
    void aMissingLocationIsAnErrorNotAnEmptySetOfMigrations() {
        Run run = migrate(directory.resolve("no-such-folder"));
        assertThat(run.exitCode()).isEqualTo(ShardCli.EXIT_ERROR);
        assertThat(run.err()).startsWith("shard migrate: data source ds0: cannot read the migrations or its history: "
                + "Failed to find filesystem location");
    }

    @Test
    void aDataSourceThatRefusesTheLoginStopsTheCommandWithoutPrintingThePassword() throws IOException {
        databases.writeConfig("wrong-" + databases.password());
        Run run = migrate(EXAMPLE_MIGRATIONS);
        assertThat(run.exitCode()).isEqualTo(ShardCli.EXIT_ERROR);
        assertThat(run.err()).startsWith("shard migrate: data source ds0 (jdbc:mysql:").contains("Access denied");
        assertThat(run.all()).doesNotContain(databases.password());
    }
}
