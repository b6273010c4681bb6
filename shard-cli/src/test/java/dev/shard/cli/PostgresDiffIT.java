package dev.shard.cli;

import static dev.shard.cli.DiffCommandIT.driftLines;
import static dev.shard.cli.ShardDatabases.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardDatabases.Run;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code shard diff} on three PostgreSQL data sources with the same schema; each test changes one thing by hand on
 * one data source and puts it back, as {@link DiffCommandIT} does on MariaDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresDiffIT {

    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL,"
                    + " amount NUMERIC(10,2) NOT NULL DEFAULT 0, note TEXT)",
            "CREATE INDEX idx_order_user ON t_order (user_id)",
            "CREATE TABLE t_region (region_id INT PRIMARY KEY, name VARCHAR(64) NOT NULL)",
            "INSERT INTO t_region VALUES (1, 'north'), (2, 'south'), (3, 'east'), (4, 'west')");

    private Path directory;
    private DifferentialDatabases databases;
    private Path yaml;

    @BeforeAll
    void createSchema() throws Exception {
        directory = Files.createTempDirectory("pg-diff-it");
        databases = DifferentialDatabases.create(PostgresServer.require(), "cli_pgdiff", 3);
        for (int i = 0; i < 3; i++) {
            for (String sql : SCHEMA) {
                execute("ds" + i, sql);
            }
        }
        yaml = PostgresYaml.write(directory.resolve("shard.yaml"), databases, 3,
                "tables:\n  t_order: { shardingColumn: user_id }\nbroadcastTables: [t_region]\n");
    }

    @AfterAll
    void drop() throws Exception {
        if (databases != null) {
            databases.close();
        }
        if (yaml != null) {
            Files.deleteIfExists(yaml);
        }
        Files.deleteIfExists(directory.resolve("unreachable.yaml"));
        Files.deleteIfExists(directory);
    }

    private void execute(String dataSource, String sql) throws SQLException {
        try (Statement s = databases.shards().get(Integer.parseInt(dataSource.substring(2))).createStatement()) {
            s.execute(sql);
        }
    }

    private Run diff() {
        return cli("diff", "--config", yaml.toString());
    }

    @Test
    void identicalDataSourcesHaveNoDrift() {
        Run run = diff();
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).isEqualTo("OK: no drift across 3 data sources, 2 tables (t_order, t_region)"
                + System.lineSeparator());
    }

    @Test
    void aColumnAlteredByHandOnOneShardIsExactlyWhatIsReported() throws Exception {
        execute("ds2", "ALTER TABLE t_order ALTER COLUMN amount TYPE NUMERIC(12,2)");
        try {
            Run run = diff();
            assertThat(run.exitCode()).as(run.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
            assertThat(driftLines(run)).containsExactly("ds2 t_order column amount: numeric(12,2) NOT NULL DEFAULT 0;"
                    + " expected numeric(10,2) NOT NULL DEFAULT 0 (as on ds0, ds1)");
            assertThat(run.out()).contains("DRIFT: 1 difference across 3 data sources");

            DriftReport report = SchemaDiff.compare(ShardConfig.fromYaml(yaml));
            assertThat(report.drifts()).singleElement().satisfies(drift -> {
                assertThat(drift.dataSource()).isEqualTo("ds2");
                assertThat(drift.table()).isEqualTo("t_order");
                assertThat(drift.subject()).isEqualTo("column amount");
            });
        } finally {
            execute("ds2", "ALTER TABLE t_order ALTER COLUMN amount TYPE NUMERIC(10,2)");
        }
        assertThat(diff().exitCode()).isZero();
    }

    @Test
    void nullabilityDefaultsIndexesAndCollationsAreCompared() throws Exception {
        execute("ds0", "DROP INDEX idx_order_user");
        execute("ds1", "ALTER TABLE t_region ALTER COLUMN name TYPE VARCHAR(64) COLLATE \"C\"");
        execute("ds1", "ALTER TABLE t_order ALTER COLUMN note SET NOT NULL");
        execute("ds2", "ALTER TABLE t_order ALTER COLUMN amount SET DEFAULT 1");
        try {
            Run run = diff();
            assertThat(run.exitCode()).as(run.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
            assertThat(driftLines(run)).containsExactly(
                    "ds2 t_order column amount: numeric(10,2) NOT NULL DEFAULT 1; expected numeric(10,2) NOT NULL"
                            + " DEFAULT 0 (as on ds0, ds1)",
                    "ds1 t_order column note: text NOT NULL; expected text NULL (as on ds0, ds2)",
                    "ds0 t_order index idx_order_user: missing; expected btree (user_id) (as on ds1, ds2)",
                    "ds1 t_region column name: character varying(64) NOT NULL COLLATE \"C\"; expected character"
                            + " varying(64) NOT NULL (as on ds0, ds2)");
        } finally {
            execute("ds0", "CREATE INDEX idx_order_user ON t_order (user_id)");
            execute("ds1", "ALTER TABLE t_region ALTER COLUMN name TYPE VARCHAR(64) COLLATE \"default\"");
            execute("ds1", "ALTER TABLE t_order ALTER COLUMN note DROP NOT NULL");
            execute("ds2", "ALTER TABLE t_order ALTER COLUMN amount SET DEFAULT 0");
        }
        assertThat(diff().exitCode()).isZero();
    }

    @Test
    void aBroadcastRowChangedOnOneShardIsReported() throws Exception {
        execute("ds1", "UPDATE t_region SET name = 'nord' WHERE region_id = 1");
        try {
            Run run = diff();
            assertThat(run.exitCode()).as(run.all()).isEqualTo(ShardCli.EXIT_CHECK_FAILED);
            assertThat(driftLines(run)).singleElement().asString()
                    .matches("ds1 t_region rows: 4 rows, sha-256 [0-9a-f]{16}; expected 4 rows, sha-256 [0-9a-f]{16}"
                            + " \\(as on ds0, ds2\\)");
        } finally {
            execute("ds1", "UPDATE t_region SET name = 'north' WHERE region_id = 1");
        }
        assertThat(diff().exitCode()).isZero();
    }

    @Test
    void anUnreachableDataSourceIsAnErrorNamingIt() throws Exception {
        Path unreachable = Files.writeString(directory.resolve("unreachable.yaml"), Files.readString(yaml)
                .replace(databases.config(2).build().dataSource("ds2").jdbcUrl(), PostgresServer.require()
                        .jdbcUrl("cli_pgdiff_no_such_database")));
        Run run = cli("diff", "--config", unreachable.toString());
        assertThat(run.exitCode()).as(run.all()).isEqualTo(ShardCli.EXIT_ERROR);
        assertThat(run.err()).startsWith("shard diff: data source ds2 (jdbc:postgresql:")
                .contains("cli_pgdiff_no_such_database");
        assertThat(run.out()).isEmpty();
    }
}
