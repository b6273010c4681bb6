package dev.shard.cli.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.ShardCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reshard tool as the reshard tests run it: in this JVM ({@link #cli}), or as the packaged jar in a process of
 * its own with its output in a file of the test's directory, killed with SIGKILL once a condition holds.
 */
final class ToolProcesses {

    /** A run in this JVM: its exit code and its output (standard output and error together). */
    record Run(int exit, String output) {
    }

    interface Condition {
        boolean holds() throws SQLException;
    }

    private final Path directory;

    ToolProcesses(Path directory) {
        this.directory = directory;
    }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = ShardCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8));
    }

    /** The packaged tool's {@code reshard} with these arguments, in a process of its own; its output in a file. */
    Process start(String output, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("shard.cli.jar", "target/shard-cli.jar"));
        assertThat(jar).as("the packaged jar; run with mvn verify").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "reshard"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve(output).toFile()).start();
    }

    /** Kills the tool with SIGKILL once {@code condition} holds; fails if the tool ends first. */
    void killWhen(Process tool, String output, String what, Condition condition) throws Exception {
        try {
            await(tool, output, what, condition);
        } finally {
            kill(tool);
        }
    }

    /** Waits, up to 2 minutes, until {@code condition} holds; fails if the tool ends first. */
    void await(Process tool, String output, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.holds()) {
            assertThat(tool.isAlive()).as(() -> "the tool ended before " + what + ": " + output(output)).isTrue();
            assertThat(System.nanoTime() - deadline).as(what + " within 2 minutes").isNegative();
            tool.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    static void kill(Process tool) throws InterruptedException {
        tool.destroyForcibly(); // SIGKILL; nothing if it is dead already
        tool.waitFor();
    }

    String output(String file) {
        try {
            return Files.readString(directory.resolve(file));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
