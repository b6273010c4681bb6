package dev.shard.cli.reshard;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * What the tool prints while it runs: each phase as it starts ({@code phase copy: ...}), facts worth a line, and
 * the copy's progress: on a terminal one bar redrawn in place (rows, rate, ETA), otherwise (a log, a pipe) a plain
 * line every few seconds, so that a log stays readable.
 */
public final class ReshardOutput {

    private static final long PLAIN_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long BAR_EVERY_NANOS = Duration.ofMillis(200).toNanos();
    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private Phase phase = Phase.PLAN;
    private boolean barShown;
    private long lastShown;
    private long started;
    private long total;
    private long done;

    /** @param terminal whether {@code out} is a terminal, where a bar may be redrawn with carriage returns */
    public ReshardOutput(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** The phase that starts now, and what it does. */
    void phase(Phase next, String what) {
        endBar();
        phase = next;
        out.println("phase " + next.label() + ": " + what);
        out.flush();
    }

    Phase currentPhase() {
        return phase;
    }

    void line(String text) {
        endBar();
        out.println(text);
        out.flush();
    }

    /** Starts counting the copy: about {@code estimate} rows (an estimate: the bar may pass 100%). */
    void startProgress(long estimate, long alreadyDone) {
        total = Math.max(estimate, 1);
        done = alreadyDone;
        started = System.nanoTime();
        lastShown = started;
    }

    void progress(long rows, String where) {
        done += rows;
        long now = System.nanoTime();
        if (now - lastShown < (terminal ? BAR_EVERY_NANOS : PLAIN_EVERY_NANOS)) {
            return;
        }
        lastShown = now;
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        long rate = Math.round(done / seconds);
        long left = Math.max(0, total - done);
        String eta = rate == 0 ? "?" : formatSeconds(left / Math.max(1, rate));
        int percent = (int) Math.min(100, done * 100 / total);
        if (terminal) {
            int filled = percent * BAR_WIDTH / 100;
            out.print("\r[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "] " + percent + "% " + done
                    + " rows, " + rate + " rows/s, ETA " + eta + "  " + where + "   ");
            barShown = true;
        } else {
            out.println(phase.label() + ": " + done + " rows copied (about " + percent + "% of an estimated " + total
                    + "), " + rate + " rows/s, ETA " + eta + ", at " + where);
        }
        out.flush();
    }

    private void endBar() {
        if (barShown) {
            out.println();
            barShown = false;
        }
    }

    static String formatSeconds(long seconds) {
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
