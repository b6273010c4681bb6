package dev.shard.cli.reshard;

import dev.shard.cli.reshard.ReshardState.Checkpoint;
import java.sql.SQLException;
import java.util.List;

/**
 * The reshard's work on rows, table by table: what would stop it, how much it moves, and the copy, verify and
 * delete steps. {@link JdbcMovement} does it on the data sources; the workflow ({@link Resharder}) only sequences
 * these steps, so tests drive it with a fake.
 */
interface Movement {

    /** An estimate of the rows of one sharded table that leave one source. */
    record Estimate(String source, String table, long tableRows, long movingRows) {
    }

    /** One row that differs between a source and the row's new owner. */
    record Difference(String source, String target, String table, String key, String problem) {

        @Override
        public String toString() {
            return table + " key " + key + " from " + source + " to " + target + ": " + problem;
        }
    }

    /** A primary-key range of one table on one source whose moving rows differ on their targets. */
    record DifferingChunk(String source, String table, List<Object> after, List<Object> upTo,
                          List<Difference> differences) {
    }

    /** Called after each copied chunk, once its rows are on their targets. */
    interface ChunkListener {
        void copied(Checkpoint checkpoint, int rowsRead, int rowsMoved) throws SQLException, InterruptedException;
    }

    /** The sharded tables, as the configuration names them. */
    List<String> tables();

    /**
     * The broadcast tables, as the configuration names them: when the target adds data sources, {@link #copy} and
     * {@link #verify} take them whole from the plan's {@link ReshardPlan#broadcastSource()} to each added one.
     */
    List<String> broadcastTables();

    /** Problems that stop the reshard before anything changes (tables without a primary key...); empty if none. */
    List<String> problems(ReshardPlan plan) throws SQLException;

    List<Estimate> estimate(ReshardPlan plan) throws SQLException;

    /** The schema (sharded and broadcast tables) on the data sources that receive slots. */
    void prepare(ReshardPlan plan) throws SQLException;

    /**
     * Copies the moving rows of one table from one source (every row of a broadcast table, to each added data
     * source, whose rows of it are deleted first when the copy starts from the beginning), from the checkpoint on;
     * returns the final checkpoint.
     */
    Checkpoint copy(ReshardPlan plan, Checkpoint from, ChunkListener listener)
            throws SQLException, InterruptedException;

    /**
     * Compares the moving rows on the sources with their new owners: every chunk of every table when
     * {@code recheck} is null, else only those chunks again. Returns the chunks that differ.
     */
    List<DifferingChunk> verify(ReshardPlan plan, List<DifferingChunk> recheck)
            throws SQLException, InterruptedException;

    /** Deletes from {@code source} the rows of slots it gave away (cleanup); returns how many. */
    long deleteMoved(ReshardPlan plan, String source, String table) throws SQLException, InterruptedException;

    /** Deletes from {@code target} the rows of slots it was to receive (abort); returns how many. */
    long deleteCopies(ReshardPlan plan, String target, String table) throws SQLException, InterruptedException;
}
