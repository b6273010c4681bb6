package dev.shard.cli.reshard;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The change logs of the source data sources: their prerequisites, their current positions, and followers that
 * apply the changes of moving rows to the rows' new owners. The production implementations read a MySQL-family
 * binlog with a binlog client ({@link BinlogChangeCapture}) and PostgreSQL's logical decoding through Debezium
 * ({@link PostgresChangeCapture}); tests use fakes.
 */
interface ChangeCapture {

    /** What keeps the data source's binlog from being followed, each with what to set; empty when nothing does. */
    List<String> prerequisites(String dataSource) throws SQLException;

    /**
     * The source's current position. The first call of a reshard (before the copy) also sets up whatever keeps the
     * changes from here on readable until {@link #release} (on PostgreSQL a replication slot).
     */
    LogPosition position(String dataSource) throws SQLException;

    /** Lets go of what {@link #position} set up on the source, once the reshard is done or aborted. */
    default void release(String dataSource) throws SQLException, InterruptedException {
    }

    /** Starts applying the source's changes to rows of moving slots from {@code start} on. */
    Follower follow(String dataSource, LogPosition start, ReshardPlan plan) throws SQLException;

    /** One source's change applier, running on its own thread. */
    interface Follower extends AutoCloseable {

        /** True once every change up to {@code upTo} is applied; false at the bound or after a failure. */
        boolean awaitApplied(LogPosition upTo, Duration bound) throws InterruptedException;

        /** The position up to which changes are applied: a safe place to start again from. */
        LogPosition applied();

        Optional<Throwable> failure();

        @Override
        void close();
    }
}
