package dev.shard.cli;

import static dev.shard.cli.ShardDatabases.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardDatabases.Run;
import org.junit.jupiter.api.Test;

/** The command line's handling of bad input, without a database. */
class ShardCliTest {

    @Test
    void aMissingConfigurationFileIsAnErrorNamingIt() {
        Run run = cli("migrate", "--config", "no/such/shard.yaml", "--locations", "filesystem:db/migration");
        assertThat(run.exitCode()).isEqualTo(ShardCli.EXIT_ERROR);
        assertThat(run.err()).startsWith("shard migrate: configuration file not found: no/such/shard.yaml");
    }

    @Test
    void aMissingOptionIsAUsageError() {
        Run run = cli("migrate", "--config", "shard.yaml");
        assertThat(run.exitCode()).isEqualTo(ShardCli.EXIT_ERROR);
        assertThat(run.err()).contains("Missing required option: '--locations=<location>'");
    }

    @Test
    void helpListsTheCommands() {
        Run run = cli("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("migrate");
    }
}
