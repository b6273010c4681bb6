package dev.shard.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The operator's command-line tool: {@code java -jar shard-cli.jar <command> --config shard.yaml ...}. It reads the
 * same shard.yaml as the applications and works on every physical data source directly.
 *
 * <p>Exit codes: 0 success, 1 the command's check failed (migrations incomplete or failed, schema drift), 2 the
 * command could not run (bad arguments, bad configuration, unreachable data source).
 */
@Command(name = "shard", mixinStandardHelpOptions = true, version = "shard-cli 0.1.0",
        description = "Schema migrations, schema drift checks, resharding and status for every data source of a Shard"
                + " configuration.",
        subcommands = {MigrateCommand.class, DiffCommand.class, ReshardCommand.class, StatusCommand.class})
public final class ShardCli {

    /** The check a command makes did not pass. */
    public static final int EXIT_CHECK_FAILED = 1;
    /** The command could not run. */
    public static final int EXIT_ERROR = 2;

    /**
     * The binlog client logs through java.util.logging and says "Connected to ..." at INFO on standard error for
     * every follower the catch-up starts; the tool prints its own progress. Held here because the logging framework
     * keeps loggers only weakly, and a level set on a collected logger is lost.
     */
    private static final java.util.logging.Logger BINLOG_CLIENT_LOG =
            java.util.logging.Logger.getLogger("com.github.shyiko.mysql.binlog");

    private ShardCli() {
    }

    public static void main(String[] args) {
        // The report goes to standard output; Flyway's and HikariCP's progress lines would drown it.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        BINLOG_CLIENT_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command as {@link #main} does, printing to the given streams; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine commandLine = new CommandLine(new ShardCli());
        commandLine.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        commandLine.setExitCodeExceptionMapper(e -> EXIT_ERROR);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // Messages only: each names the data source or file; a stack trace would add nothing an operator acts on.
            cmd.getErr().println("shard " + cmd.getCommandName() + ": " + e.getMessage());
            cmd.getErr().flush();
            return EXIT_ERROR;
        });
        int exit = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return exit;
    }
}
