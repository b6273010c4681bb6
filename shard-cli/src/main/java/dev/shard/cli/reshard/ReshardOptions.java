package dev.shard.cli.reshard;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a reshard runs. {@link #defaults()} suits a local database, with the copy throttled to
 * {@value #DEFAULT_MAX_ROWS_PER_SECOND} rows per second; the command line sets each from an option.
 *
 * @param chunkRows          rows read per primary-key chunk by the copy, the verify and the cleanup
 * @param maxRowsPerSecond   the copy's, verify's and cleanup's throttle, in rows read per second from the source
 *                           and table being worked on (one at a time, so also the tool's total); 0 for none
 * @param locations          Flyway locations whose migrations give new data sources their schema; empty to copy
 *                           each table's {@code SHOW CREATE TABLE} from a data source that has it
 * @param binlogServerId     the server id the binlog client (MySQL-family sources) registers with; it must differ
 *                           from every server's own (the default is random in [2^30, 2^31), far above ids people
 *                           give servers)
 * @param verifyRounds       how many times verify re-checks chunks that differ while writes go on (the catch-up is a
 *                           moment behind) before it leaves them to a last check while the switch holds writes
 * @param catchUpBound       how long a catch-up may take to reach a source's current position
 * @param freezeBound        how long the switch waits for every instance to hold writes to the moving slots
 * @param routingBound       how long the cleanup waits for every instance to route by the new version
 */
public record ReshardOptions(int chunkRows, long maxRowsPerSecond, List<String> locations, long binlogServerId,
                             int verifyRounds, Duration catchUpBound, Duration freezeBound, Duration routingBound) {

    /**
     * The throttle unless one is given: on two cores shared by MariaDB, the applications and the tool, an
     * unthrottled copy left the applications 0.56 of their throughput, 20,000 rows/s 0.80, 10,000 rows/s 0.97
     * (docs/performance.md, "Under an application's load"). A reshard is a background job: the default protects
     * the applications, and an operator with cores to spare raises it (or sets 0, no limit).
     */
    public static final long DEFAULT_MAX_ROWS_PER_SECOND = 10_000;

    public ReshardOptions {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunk rows must be at least 1, not " + chunkRows);
        }
        if (maxRowsPerSecond < 0) {
            throw new IllegalArgumentException("max rows per second must be 0 (no limit) or more, not "
                    + maxRowsPerSecond);
        }
        if (binlogServerId < 1 || binlogServerId > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("binlog server id must be in 1..4294967295, not " + binlogServerId);
        }
        if (verifyRounds < 1) {
            throw new IllegalArgumentException("verify rounds must be at least 1, not " + verifyRounds);
        }
        locations = List.copyOf(locations);
    }

    public static ReshardOptions defaults() {
        return new ReshardOptions(1000, DEFAULT_MAX_ROWS_PER_SECOND, List.of(), randomServerId(), 3,
                Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(2));
    }

    static long randomServerId() {
        return ThreadLocalRandom.current().nextLong(1L << 30, 1L << 31);
    }

    public ReshardOptions withChunkRows(int rows) {
        return new ReshardOptions(rows, maxRowsPerSecond, locations, binlogServerId, verifyRounds, catchUpBound,
                freezeBound, routingBound);
    }

    public ReshardOptions withMaxRowsPerSecond(long rows) {
        return new ReshardOptions(chunkRows, rows, locations, binlogServerId, verifyRounds, catchUpBound,
                freezeBound, routingBound);
    }

    public ReshardOptions withLocations(List<String> flywayLocations) {
        return new ReshardOptions(chunkRows, maxRowsPerSecond, flywayLocations, binlogServerId, verifyRounds,
                catchUpBound, freezeBound, routingBound);
    }

    public ReshardOptions withBinlogServerId(long serverId) {
        return new ReshardOptions(chunkRows, maxRowsPerSecond, locations, serverId, verifyRounds, catchUpBound,
                freezeBound, routingBound);
    }

    public ReshardOptions withBounds(Duration catchUp, Duration freeze, Duration routing) {
        return new ReshardOptions(chunkRows, maxRowsPerSecond, locations, binlogServerId, verifyRounds, catchUp,
                freeze, routing);
    }
}
