package dev.shard.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shard migrate}: Flyway on every data source, version by version ({@link ShardMigrations}). */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Applies the Flyway migrations to every data source (each shard and the default), version by "
                + "version; each data source keeps its own flyway_schema_history.",
            "Exit 0 when every data source is at the latest version, 1 otherwise, 2 when it cannot run."})
final class MigrateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigOption config;

    @Option(names = "--locations", required = true, split = ",", paramLabel = "<location>",
            description = "Flyway locations, e.g. filesystem:db/migration (comma-separated or repeated).")
    private List<String> locations;

    @Option(names = "--dry-run", description = "Show what would be applied where; change nothing.")
    private boolean dryRun;

    @Override
    public Integer call() throws Exception {
        try (ShardMigrations migrations = ShardMigrations.open(config.load(), locations)) {
            MigrationReport report = dryRun ? migrations.plan() : migrations.migrate();
            spec.commandLine().getOut().print(report.render());
            return report.complete() ? 0 : ShardCli.EXIT_CHECK_FAILED;
        }
    }
}
