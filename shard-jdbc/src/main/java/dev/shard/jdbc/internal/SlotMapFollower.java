package dev.shard.jdbc.internal;

import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a runtime on the stored slot map: every {@code slotMapPollMillis} (more often while a reshard is announced:
 * {@link ReshardSwitch#nextPollMillis}) one daemon thread reads the stored
 * version with the reshard announcement, if any (one indexed query), and, when the version changed, reads the map
 * and installs it, so that new transactions route by it. Then it tells the runtime's {@link ReshardSwitch} what is
 * announced, and heartbeats this instance's row in {@value ReshardTables#INSTANCE} (the version it routes by, the
 * freeze it acknowledges); the row is inserted at start, before the first poll, and deleted on close. A poll that fails is logged and the next one tries again; the runtime keeps the map it
 * has meanwhile. A map this instance cannot route by (it gives slots to a data source its configuration lacks) is
 * logged once and not installed.
 *
 * <p>It compares with the version it last followed, not with the topology's: an install made in-process (a test)
 * is not undone by the next poll, only by a newer stored version.
 */
final class SlotMapFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotMapFollower.class);

    private final SlotMapStore store;
    private final ShardRuntime runtime;
    private final ScheduledExecutorService poller;
    /** Guarded by this: a test may poll on its own thread too. */
    private long followed;
    private long refused;
    /** Refuses writes to the slots that version {@link #refused} moves, while this instance routes by an older one. */
    private ReshardGate refusedGate;
    private boolean failing;
    /** This instance's row in the instance table. */
    private final String instanceId = java.util.UUID.randomUUID().toString();
    /** What the row says since the last heartbeat, and when that was (System.nanoTime); guarded by this. */
    private long reportedVersion = -1;
    private long reportedAck = -1;
    private long reportedAt;

    private SlotMapFollower(SlotMapStore store, ShardRuntime runtime, long version) {
        this.store = store;
        this.runtime = runtime;
        this.followed = version;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                ShardRuntime.daemon("shard-slot-map-poll"));
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.poller = executor;
    }

    /** Starts polling; {@code version} is the stored version the runtime started from. */
    static SlotMapFollower start(SlotMapStore store, ShardRuntime runtime, long version) {
        SlotMapFollower follower = new SlotMapFollower(store, runtime, version);
        try (Connection c = store.connection()) {
            ReshardTables.create(c);
            // Registered before the first poll reads the announcement: a tool that announces in between waits for
            // this instance's acknowledgement.
            ReshardTables.insertInstance(c, follower.instanceId, host(), version,
                    runtime.config().settings().metadataLeaseMillis());
        } catch (SQLException e) {
            LOG.warn("Cannot register this instance in {}: {}", store.location(), e.toString());
        }
        follower.poll(); // what is announced, before the first statement
        follower.poller.schedule(follower::pollAndSchedule, runtime.config().settings().slotMapPollMillis(),
                TimeUnit.MILLISECONDS);
        return follower;
    }

    /** A poll, then the next one: sooner while a reshard is announced ({@link ReshardSwitch#nextPollMillis}). */
    private void pollAndSchedule() {
        poll();
        try {
            poller.schedule(this::pollAndSchedule,
                    runtime.reshard().nextPollMillis(runtime.config().settings().slotMapPollMillis()),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: no more polls
        }
    }

    /** Never throws: an exception would cancel every later poll. */
    synchronized void poll() {
        long start = System.nanoTime();
        try {
            ReshardTables.Poll state;
            try (Connection c = store.connection()) {
                state = ReshardTables.poll(c);
            }
            if (state == null) {
                throw new SQLException("the row is gone; an instance starting now would store version 1");
            }
            if (state.mapVersion() != followed && state.mapVersion() != refused) {
                SlotMapStore.Stored stored = store.read();
                if (stored == null) {
                    throw new SQLException("the row is gone; an instance starting now would store version 1");
                }
                if (stored.version() != followed) {
                    follow(stored);
                }
            }
            runtime.reshard().polled(start, state, this::target, state.mapVersion() == refused ? refusedGate : null);
            heartbeat();
            recovered();
        } catch (Exception e) {
            if (poller.isShutdown()) {
                return; // the runtime closed the store under a running poll
            }
            if (!failing) {
                LOG.warn("Cannot read the slot map in {}; routing by version {} until it can be read again: {}",
                        store.location(), followed, e.toString());
            }
            failing = true;
        }
    }

    private SlotMap target(long announceToken) throws SQLException {
        try (Connection c = store.connection()) {
            return ReshardTables.target(c, announceToken);
        }
    }

    /**
     * Updates this instance's row when what it reports changed, or a poll interval after the last update: polls
     * come faster while a reshard is announced, and only the acknowledgement and the version need to be seen at
     * once; liveness is judged by the lease, many intervals long.
     */
    private void heartbeat() throws SQLException {
        long version = runtime.topology().version();
        long acknowledged = runtime.reshard().acknowledgement();
        long now = System.nanoTime();
        if (version == reportedVersion && acknowledged == reportedAck
                && now - reportedAt < TimeUnit.MILLISECONDS.toNanos(runtime.config().settings().slotMapPollMillis())) {
            return;
        }
        try (Connection c = store.connection()) {
            if (!ReshardTables.heartbeat(c, instanceId, version, acknowledged)) {
                ReshardTables.insertInstance(c, instanceId, host(), version,
                        runtime.config().settings().metadataLeaseMillis());
            }
        }
        reportedVersion = version;
        reportedAck = acknowledged;
        reportedAt = now;
    }

    /** Where this instance runs, for the tool's status: host name and process id. */
    private static String host() {
        String name;
        try {
            name = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            name = "unknown-host";
        }
        String host = name + " pid " + ProcessHandle.current().pid();
        return host.length() > 255 ? host.substring(0, 255) : host;
    }

    private void follow(SlotMapStore.Stored stored) {
        ShardConfig config = runtime.config();
        SlotMap map;
        try {
            map = StartingTopology.inForce(config, stored, store);
        } catch (RuntimeException e) {
            refuse(stored, "its configuration lacks a data source it names; see the log", e);
            return;
        }
        List<DataSourceConfig> added = new ArrayList<>();
        for (String name : map.shards()) {
            if (!runtime.hasPool(name)) {
                added.add(config.dataSource(name));
            }
        }
        try {
            runtime.install(map, added, stored.version());
        } catch (KeyCollations.Mismatch e) {
            refuse(stored, e.getMessage(), e);
            return;
        }
        followed = stored.version();
        LOG.info("Routing new transactions by version {} of the slot map in {}: {}", followed, store.location(), map);
    }

    /**
     * Keeps routing by the version followed, and refuses writes to the slots the stored version moves (see
     * {@link #refusedGate}), until another version is published.
     */
    private void refuse(SlotMapStore.Stored stored, String why, RuntimeException e) {
        refused = stored.version();
        SlotMap routed = runtime.topology().slotMap();
        refusedGate = ReshardGate.refusing(new ReshardGate(0, SlotMoves.between(routed, stored.map()),
                ReshardGate.addsDataSources(routed, stored.map()), false, 0, 0, 0, null),
                "cannot route by version " + refused + " of the slot map in " + store.location() + " (" + why
                + ")");
        LOG.error("Not following version {} of the slot map; still routing by version {}: {}",
                stored.version(), followed, e.getMessage());
    }

    private void recovered() {
        if (failing) {
            LOG.info("The slot map in {} can be read again", store.location());
            failing = false;
        }
    }

    SlotMapStore store() {
        return store;
    }

    /** Stops polling, deletes this instance's row (the tool need not wait for it) and closes the store's pool. */
    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(1, TimeUnit.SECONDS);
            try (Connection c = store.connection()) {
                ReshardTables.deleteInstance(c, instanceId);
            }
        } catch (SQLException | InterruptedException e) {
            LOG.debug("Cannot delete this instance's row in {}: {}", store.location(), e.toString());
        }
        store.close();
    }
}
