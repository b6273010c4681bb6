package dev.shard.cli.reshard;

/**
 * Keeps the rows read per second at or under a limit, so that a copy, verify or cleanup leaves the sources most of
 * their capacity for the applications. Sleeping is the point here: it spaces work out, it synchronises nothing.
 */
final class Throttle {

    private final long rowsPerSecond;
    private final long started = System.nanoTime();
    private long rows;

    /** @param rowsPerSecond 0 for no limit */
    Throttle(long rowsPerSecond) {
        this.rowsPerSecond = rowsPerSecond;
    }

    void acquire(int count) throws InterruptedException {
        if (rowsPerSecond <= 0) {
            return;
        }
        rows += count;
        long due = started + rows * 1_000_000_000L / rowsPerSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
