package dev.shard.cli.reshard;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Moves slots between data sources until ownership matches the weights in the configuration: a new data source,
 * one being drained (weight 0), or changed weights. The Java form of {@code shard reshard}; see
 * docs/resharding.md for the phases, what they need and how a run is resumed or aborted.
 *
 * <pre>{@code
 * try (Resharder resharder = Resharder.open(config, ReshardOptions.defaults(), output, databases)) {
 *     Resharder.Result result = resharder.run(false, plan -> true);
 * }
 * }</pre>
 */
public final class Resharder implements AutoCloseable {

    /** How a run ended. */
    public enum Result {
        /** The new map is in force and the moved rows are gone from their old owners (or: aborted cleanly). */
        DONE,
        /** Dry run: the plan is printed, nothing changed. */
        PLANNED,
        /** The stored map already matches the configuration. */
        NOTHING_TO_DO,
        /** The run stopped before the end for a reason it printed; {@code --resume} continues. */
        STOPPED
    }

    private final ReshardWorkflow workflow;
    private final ReshardStatus status;
    private final AutoCloseable resources;

    /** Where the tool's lock is taken: the metadata data source. */
    private final javax.sql.DataSource metadata;
    private final String metadataName;

    private Resharder(ReshardWorkflow workflow, ReshardStatus status, AutoCloseable resources,
                      javax.sql.DataSource metadata, String metadataName) {
        this.metadata = metadata;
        this.metadataName = metadataName;
        this.workflow = workflow;
        this.status = status;
        this.resources = resources;
    }

    /**
     * A resharder for the configuration: the stored map and the instances through the metadata data source, the
     * rows through {@code databases} (each physical data source, opened directly), progress printed to
     * {@code output}.
     */
    public static Resharder open(ShardConfig config, ReshardOptions options, ReshardOutput output,
                                 Databases databases) throws SQLException {
        Objects.requireNonNull(config, "config");
        SlotMap configured = SlotMap.of(config);
        String metadata = config.settings().metadataDataSource() != null ? config.settings().metadataDataSource()
                : config.defaultDataSource();
        JdbcMovement movement = new JdbcMovement(config, databases, options);
        ProgressStore progress = new JdbcProgressStore(databases.get(metadata), metadata);
        Coordination coordination = ProductionPorts.coordination(config);
        ChangeCapture capture = ProductionPorts.capture(config, databases, movement, options);
        ReshardWorkflow workflow = new ReshardWorkflow(configured, options, coordination, capture, movement,
                progress, output);
        return new Resharder(workflow, new ReshardStatus(config, coordination, movement, progress),
                coordination::close, databases.get(metadata), metadata);
    }

    /** Prints the plan (and, with a reshard in progress, its phase); changes nothing. */
    public Result dryRun() throws SQLException {
        return workflow.dryRun();
    }

    /**
     * Runs the reshard, or continues the one in progress when {@code resume}; {@code confirm} sees the plan before
     * anything changes and may decline.
     */
    public Result run(boolean resume, Predicate<ReshardPlan> confirm) throws SQLException, InterruptedException {
        try (ReshardToolLock lock = ReshardToolLock.acquire(metadata, metadataName)) {
            return workflow.run(resume, confirm);
        }
    }

    /** Undoes the reshard in progress before its switch: the old map stays, copied rows are deleted. */
    public Result abort() throws SQLException, InterruptedException {
        try (ReshardToolLock lock = ReshardToolLock.acquire(metadata, metadataName)) {
            return workflow.abort();
        }
    }

    /** The topology and the reshard in progress, as text; {@code exact} counts rows instead of estimating. */
    public String status(boolean exact) throws SQLException {
        return status.render(exact);
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }
}
