package dev.shard.cli;

import java.io.PrintStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The reshard tool's output, each line stamped with {@code System.nanoTime()} and CPU counters as it is printed:
 * the tool prints every phase as it starts, so the stamps cut the application's run into phases. Lines are echoed
 * with the seconds since {@code origin}.
 */
final class StampedLines extends Writer {

    /** One printed line. */
    record Line(long nanos, String text, CpuTimes cpu) {
    }

    private final long origin;
    private final PrintStream echo;
    private final Supplier<CpuTimes> cpu;
    private final StringBuilder pending = new StringBuilder();
    private final List<Line> lines = new ArrayList<>();

    StampedLines(long origin, PrintStream echo, Supplier<CpuTimes> cpu) {
        this.origin = origin;
        this.echo = echo;
        this.cpu = cpu;
    }

    @Override
    public synchronized void write(char[] buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = buffer[i];
            if (c == '\n') {
                long now = System.nanoTime();
                String text = pending.toString();
                pending.setLength(0);
                lines.add(new Line(now, text, cpu.get()));
                echo.printf("%8.3f s  %s%n", (now - origin) / 1e9, text);
            } else if (c != '\r') {
                pending.append(c);
            }
        }
    }

    /** The first line starting with {@code prefix}. */
    synchronized Optional<Line> first(String prefix) {
        return lines.stream().filter(line -> line.text().startsWith(prefix)).findFirst();
    }

    synchronized List<Line> all(String prefix) {
        return lines.stream().filter(line -> line.text().startsWith(prefix)).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
