package dev.shard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code shard diff}: schema drift across the data sources ({@link SchemaDiff}). */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compares the sharded and broadcast tables of every data source: tables, columns (type, "
                + "nullability, default), indexes, collations, and the rows of broadcast tables. Prints each "
                + "difference on its own line.",
            "Exit 0 with no drift, 1 with drift, 2 when it cannot run."})
final class DiffCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigOption config;

    @Override
    public Integer call() throws Exception {
        DriftReport report = SchemaDiff.compare(config.load());
        spec.commandLine().getOut().print(report.render());
        return report.hasDrift() ? ShardCli.EXIT_CHECK_FAILED : 0;
    }
}
