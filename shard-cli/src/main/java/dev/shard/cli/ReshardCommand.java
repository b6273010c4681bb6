package dev.shard.cli;

import dev.shard.cli.reshard.ReshardOptions;
import dev.shard.cli.reshard.ReshardOutput;
import dev.shard.cli.reshard.ReshardPlan;
import dev.shard.cli.reshard.Resharder;
import java.io.Console;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shard reshard}: moves slots until ownership matches the configuration's weights ({@link Resharder}). */
@Command(name = "reshard", mixinStandardHelpOptions = true,
        description = {"Moves slots (and their rows) between data sources until ownership matches the weights in the"
                + " configuration: a new data source, one drained with weight 0, or changed weights. Phases: plan,"
                + " prepare, copy, catch-up, verify, switch, cleanup (docs/resharding.md).",
            "Exit 0 when done (or nothing to do, or a dry run), 1 when it stopped before the end for a reason it"
                + " printed (--resume continues), 2 when it cannot run."})
final class ReshardCommand implements Callable<Integer> {

    /** Connections per data source that the work itself uses at once. */
    private static final int WORK_CONNECTIONS = 4;


    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigOption config;

    @Option(names = "--dry-run", description = "Print the plan (slot ranges, estimated rows); change nothing.")
    private boolean dryRun;

    @Option(names = "--resume", description = "Continue the reshard in progress from where it stopped.")
    private boolean resume;

    @Option(names = "--abort", description = "Undo the reshard in progress (before its switch): the map in force"
            + " stays, copied rows are deleted.")
    private boolean abort;

    @Option(names = "--yes", description = "Start without asking for confirmation.")
    private boolean yes;

    @Option(names = "--locations", split = ",", paramLabel = "<location>",
            description = "Flyway locations that give new data sources their schema (as shard migrate); without"
                    + " them each table's definition (SHOW CREATE TABLE; on PostgreSQL, from the catalog) is copied"
                    + " from a data source that has it.")
    private List<String> locations = List.of();

    @Option(names = "--chunk-rows", paramLabel = "<n>", description = "Rows per primary-key chunk (default 1000).")
    private int chunkRows = 1000;

    @Option(names = "--max-rows-per-second", paramLabel = "<n>",
            description = "Throttle of the copy, verify and cleanup: rows read per second from the source and"
                    + " table being worked on; they work on one source and table at a time, so this also bounds"
                    + " the tool's total (default " + ReshardOptions.DEFAULT_MAX_ROWS_PER_SECOND + "; 0: no limit).")
    private long maxRowsPerSecond = ReshardOptions.DEFAULT_MAX_ROWS_PER_SECOND;

    @Option(names = "--binlog-server-id", paramLabel = "<id>",
            description = "Server id of the binlog client (MySQL/MariaDB sources); must differ from every server's"
                    + " (default: random in [2^30, 2^31)).")
    private Long binlogServerId;

    @Override
    public Integer call() throws Exception {
        int modes = (dryRun ? 1 : 0) + (resume ? 1 : 0) + (abort ? 1 : 0);
        if (modes > 1) {
            throw new IllegalArgumentException("--dry-run, --resume and --abort exclude each other");
        }
        ReshardOptions options = ReshardOptions.defaults().withChunkRows(chunkRows)
                .withMaxRowsPerSecond(maxRowsPerSecond).withLocations(locations);
        if (binlogServerId != null) {
            options = options.withBinlogServerId(binlogServerId);
        }
        PrintWriter out = spec.commandLine().getOut();
        Console console = System.console();
        ReshardOutput output = new ReshardOutput(out, console != null);
        // A source is read while a target is written, and the catch-up writes targets while verify reads them; one
        // more connection to the metadata data source holds the tool's lock (ReshardToolLock) for the whole run.
        try (PhysicalDataSources sources = new PhysicalDataSources(config.load(), WORK_CONNECTIONS + 1);
             Resharder resharder = Resharder.open(config.load(), options, output, sources::get)) {
            Resharder.Result result;
            if (dryRun) {
                result = resharder.dryRun();
            } else if (abort) {
                result = resharder.abort();
            } else {
                result = resharder.run(resume, plan -> confirm(plan, console, out));
            }
            out.flush();
            return result == Resharder.Result.STOPPED ? ShardCli.EXIT_CHECK_FAILED : 0;
        }
    }

    private boolean confirm(ReshardPlan plan, Console console, PrintWriter out) {
        if (yes) {
            return true;
        }
        if (console == null) {
            out.println("No terminal to confirm on: run with --yes to start the reshard.");
            return false;
        }
        out.print("Start the reshard from version " + plan.fromVersion() + "? [y/N] ");
        out.flush();
        String answer = console.readLine();
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }
}
