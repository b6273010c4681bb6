package dev.shard.cli;

import dev.shard.cli.reshard.ReshardOptions;
import dev.shard.cli.reshard.ReshardOutput;
import dev.shard.cli.reshard.Resharder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shard status}: the topology version, slots and rows per data source, a reshard in progress, instances. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the slot map version in force, each data source's slots and rows per sharded table,"
                + " the reshard in progress and its phase, and the application instances with the version each"
                + " routes by.", "Exit 0, or 2 when it cannot run."})
final class StatusCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigOption config;

    @Option(names = "--exact", description = "Count rows (SELECT COUNT(*)) instead of information_schema estimates.")
    private boolean exact;

    @Override
    public Integer call() throws Exception {
        ReshardOutput output = new ReshardOutput(spec.commandLine().getOut(), false);
        try (PhysicalDataSources sources = new PhysicalDataSources(config.load());
             Resharder resharder = Resharder.open(config.load(), ReshardOptions.defaults(), output, sources::get)) {
            spec.commandLine().getOut().print(resharder.status(exact));
            return 0;
        }
    }
}
