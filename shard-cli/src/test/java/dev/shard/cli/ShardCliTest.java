package dev.shard.cli;

import static dev.shard.cli.ShardDatabases.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardDatabases.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's handling of bad input, without a database. */
class ShardCliTest {

    @Test
    void aMissingConfigurationFileIsAnErrorNamingIt() {
        Run run = cli("migrate", "--config", "no/such/shard.yaml", "--locations", "filesystem:db/migration");
        assertThat(run.exitCode()).isEqualTo(ShardCli.EXIT_ERROR);
        assertThat(run.err()).startsWith("shard migrate: configuration file not found: no/such/shard.yaml");
    }

    @Test
    void aBadConfigurationIsAnErrorNamingTheKey(@TempDir Path directory) throws IOException {
        Path yaml = directory.resolve("shard.yaml");
        Files.writeString(yaml, "dataSources:\n  ds0: { jdbcUrl: \"jdbc:mysql://127.0.0.1:1/x\" }\ntabels: {}\n");
        Run run = cli("diff", "--config", yaml.toString());
        assertThat(run.exitCode()).isEqualTo(ShardCli.EXIT_ERROR);
        assertThat(run.err()).startsWith("shard diff: " + yaml + ": unknown key 'tabels' at top level");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMissingOptionIsAUsageError() {
        Run run = cli("migrate", "--config", "shard.yaml");
        assertThat(run.exitCode()).isEqualTo(ShardCli.EXIT_ERROR);
        assertThat(run.err()).contains("Missing required option: '--locations=<location>'");
    }

    @Test
    void reshardHelpSaysTheThrottleHoldsPerSourceAndTableOneAtATime() {
        Run run = cli("reshard", "--help");
        assertThat(run.exitCode()).isZero();
        String help = run.out().replaceAll("\\s+", " ");
        assertThat(help).contains("--max-rows-per-second=<n> Throttle of the copy, verify and cleanup: rows read per"
                + " second from the source and table being worked on; they work on one source and table at a time,"
                + " so this also bounds the tool's total").doesNotContain("per table");
    }

    @Test
    void helpListsTheCommands() {
        Run run = cli("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("migrate").contains("diff");
    }
}
