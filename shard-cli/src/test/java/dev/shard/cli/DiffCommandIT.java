package dev.shard.cli;

import static dev.shard.cli.ShardDatabases.EXAMPLE_MIGRATIONS;
import static dev.shard.cli.ShardDatabases.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardDatabases.Run;
import dev.shard.core.config.ShardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code shard diff} on four MariaDB shards and the default, migrated once through the Java API; each test changes
 * one thing by hand on one data source and puts it back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiffCommandIT {

    private Path directory;
    private ShardDatabases databases;

    @BeforeAll
    void migrate() throws Exception {
        directory = Files.createTempDirectory("diff-it");
        databases = ShardDatabases.create("cli_diff", directory);
        try (ShardMigrations migrations = ShardMigrations.open(ShardConfig.fromYaml(databases.yaml()),
                List.of("filesystem:" + EXAMPLE_MIGRATIONS))) {
            assertThat(migrations.migrate().complete()).isTrue();
        }
    }

    @AfterAll
    void drop() throws Exception {
        if (databases != null) {
            databases.close();
        }
        Files.deleteIfExists(directory.resolve("shard.yaml"));
        Files.deleteIfExists(directory);
    }

    private Run diff() {
        return cli("diff", "--config", databases.yaml().toString());
    }

    /** The output's lines without the verdict: one per difference. */
    static List<String> driftLines(Run run) {
        return run.out().lines().filter(line -> !line.startsWith("DRIFT: ") && !line.startsWith("OK: ")).toList();
    }

    @Test
    void identicalDataSourcesHaveNoDrift() {
        Run run = diff();
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).isEqualTo("OK: no drift across 5 data sources, 4 tables (t_user, t_order, "
                + "t_order_note, t_region)" + System.lineSeparator());
    }

    @Test
    void aColumnAlteredByHandOnOneShardIsExactlyWhatIsReported() throws Exception {
        databases.execute("ds2", "ALTER TABLE t_order MODIFY amount DECIMAL(12,2) NOT NULL DEFAULT 0");
        try {
            Run run = diff();
            assertThat(run.exitCode()).as(run.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
            assertThat(driftLines(run)).containsExactly("ds2 t_order column amount: decimal(12,2) NOT NULL DEFAULT "
                    + "0.00; expected decimal(10,2) NOT NULL DEFAULT 0.00 (as on ds0, ds1, ds3, main)");
            assertThat(run.out()).contains("DRIFT: 1 difference across 5 data sources");

            DriftReport report = SchemaDiff.compare(ShardConfig.fromYaml(databases.yaml()));
            assertThat(report.drifts()).singleElement().satisfies(drift -> {
                assertThat(drift.dataSource()).isEqualTo("ds2");
                assertThat(drift.table()).isEqualTo("t_order");
                assertThat(drift.subject()).isEqualTo("column amount");
            });
        } finally {
            databases.execute("ds2", "ALTER TABLE t_order MODIFY amount DECIMAL(10,2) NOT NULL DEFAULT 0");
        }
        assertThat(diff().exitCode()).isZero();
    }

    @Test
    void aDroppedIndexAndACollationChangeAreReported() throws Exception {
        databases.execute("ds0", "DROP INDEX idx_order_user ON t_order");
        databases.execute("main", "ALTER TABLE t_region MODIFY name VARCHAR(64) COLLATE utf8mb4_bin NOT NULL");
        try {
            Run run = diff();
            assertThat(run.exitCode()).as(run.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
            assertThat(driftLines(run)).containsExactly(
                    "ds0 t_order index idx_order_user: missing; expected BTREE (user_id) (as on ds1, ds2, ds3, main)",
                    "main t_region column name: varchar(64) NOT NULL COLLATE utf8mb4_bin; expected varchar(64) "
                            + "NOT NULL COLLATE utf8mb4_general_ci (as on ds0, ds1, ds2, ds3)");
        } finally {
            databases.execute("ds0", "CREATE INDEX idx_order_user ON t_order (user_id)");
            databases.execute("main",
                    "ALTER TABLE t_region MODIFY name VARCHAR(64) COLLATE utf8mb4_general_ci NOT NULL");
        }
        assertThat(diff().exitCode()).isZero();
    }

    @Test
    void aBroadcastRowChangedOnOneShardIsReported() throws Exception {
        databases.execute("ds1", "UPDATE t_region SET name = 'nord' WHERE region_id = 1");
        try {
            Run run = diff();
            assertThat(run.exitCode()).as(run.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
            assertThat(driftLines(run)).singleElement().asString()
                    .matches("ds1 t_region rows: 4 rows, sha-256 [0-9a-f]{16}; expected 4 rows, sha-256 [0-9a-f]{16}"
                            + " \\(as on ds0, ds2, ds3, main\\)");
        } finally {
            databases.execute("ds1", "UPDATE t_region SET name = 'north' WHERE region_id = 1");
        }
        assertThat(diff().exitCode()).isZero();
    }

    @Test
    void anUnreachableDataSourceIsAnErrorNamingItWithoutThePassword() throws Exception {
        databases.writeConfig("wrong-" + databases.password());
        try {
            Run run = diff();
            assertThat(run.exitCode()).isEqualTo(ShardCli.EXIT_ERROR);
            assertThat(run.err()).startsWith("shard diff: data source ds0 (jdbc:mysql:").contains("Access denied");
            assertThat(run.all()).doesNotContain(databases.password());
        } finally {
            databases.writeConfig(databases.password());
        }
    }
}
