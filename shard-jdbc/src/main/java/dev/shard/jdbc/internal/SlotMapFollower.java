package dev.shard.jdbc.internal;

import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a runtime on the stored slot map: every {@code slotMapPollMillis} one daemon thread reads the stored
 * version (one indexed single-row query) and, when it changed, reads the map and installs it, so that new
 * transactions route by it. A poll that fails is logged and the next one tries again; the runtime keeps the map it
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
    private boolean failing;

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
        long millis = runtime.config().settings().slotMapPollMillis();
        follower.poller.scheduleWithFixedDelay(follower::poll, millis, millis, TimeUnit.MILLISECONDS);
        return follower;
    }

    /** Never throws: an exception would cancel every later poll. */
    synchronized void poll() {
        try {
            long version = store.version();
            if (version == followed || version == refused) {
                recovered();
                return;
            }
            SlotMapStore.Stored stored = store.read();
            if (stored == null) {
                throw new java.sql.SQLException("the row is gone; an instance starting now would store version 1");
            }
            if (stored.version() == followed) {
                recovered();
                return;
            }
            follow(stored);
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

    private void follow(SlotMapStore.Stored stored) {
        ShardConfig config = runtime.config();
        SlotMap map;
        try {
            map = StartingTopology.inForce(config, stored, store);
        } catch (RuntimeException e) {
            refused = stored.version();
            LOG.error("Not following version {} of the slot map; still routing by version {}: {}",
                    stored.version(), followed, e.getMessage());
            return;
        }
        List<DataSourceConfig> added = new ArrayList<>();
        for (String name : map.shards()) {
            if (!runtime.hasPool(name)) {
                added.add(config.dataSource(name));
            }
        }
        runtime.install(map, added, stored.version());
        followed = stored.version();
        LOG.info("Routing new transactions by version {} of the slot map in {}: {}", followed, store.location(), map);
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

    /** Stops polling and closes the store's pool. */
    @Override
    public void close() {
        poller.shutdownNow();
        store.close();
    }
}
