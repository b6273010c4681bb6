package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import dev.shard.core.config.SlotRange;
import dev.shard.core.internal.hash.SlotMap;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a runtime starts from: the slot map in force and its version, a started pool for each of its data sources,
 * and the store that keeps the map (with its own pool), or null when the configuration turned it off
 * ({@code settings.storeSlotMap: false}: the map the configuration implies, version 1, as before the store existed).
 */
record StartingTopology(SlotMap slotMap, long version, Map<String, HikariDataSource> pools, SlotMapStore store) {

    /** Starts the pools; if anything fails, those already started are closed again, so a failed start leaks none. */
    static StartingTopology open(ShardConfig config) {
        Map<String, HikariDataSource> pools = new LinkedHashMap<>();
        SlotMapStore store = null;
        try {
            SlotMap configured = SlotMap.of(config);
            if (!config.settings().storeSlotMap()) {
                startPools(config, configured, pools);
                return new StartingTopology(configured, 1, pools, null);
            }
            store = SlotMapStore.open(config);
            SlotMapStore.Stored stored;
            try {
                stored = store.loadOrStore(configured); // before any shard pool: a refusal starts none
            } catch (SQLException e) {
                throw new ShardConfigException("Cannot read or store the slot map in " + store.location() + ": "
                        + e.getMessage(), e);
            }
            SlotMap inForce = inForce(config, stored, store);
            if (!inForce.equals(configured)) {
                org.slf4j.LoggerFactory.getLogger(StartingTopology.class).info("Routing by the slot map in force, "
                        + "version {} in {}: {}. The configuration's data sources, weights and slots would give {};"
                        + " only a reshard moves slots", stored.version(), store.location(), inForce, configured);
            }
            startPools(config, inForce, pools);
            return new StartingTopology(inForce, stored.version(), pools, store);
        } catch (RuntimeException e) {
            pools.values().forEach(HikariDataSource::close);
            if (store != null) {
                store.close();
            }
            throw e;
        }
    }


    private static void startPools(ShardConfig config, SlotMap map, Map<String, HikariDataSource> pools) {
        for (String name : map.shards()) {
            if (!pools.containsKey(name)) {
                ShardRuntime.startPools(config.dataSource(name), pools); // its replicas' pools too
            }
        }
    }

    /**
     * The stored map as this configuration can route by it. A data source the map names that the configuration
     * lacks is refused while it owns slots (its rows would be unreachable) and left out when it owns none; a data
     * source the configuration adds is left out until a published map gives it slots, so adding one moves no row.
     *
     * @throws ShardConfigException naming the data source and where the map is stored
     */
    static SlotMap inForce(ShardConfig config, SlotMapStore.Stored stored, SlotMapStore store) {
        SlotMap map = stored.map();
        int[] counts = map.slotCounts();
        List<String> unconfigured = unconfiguredOwners(config, map);
        if (!unconfigured.isEmpty()) {
            String name = unconfigured.get(0);
            throw new ShardConfigException("Data source " + name + " is not in the configuration, but owns "
                    + counts[map.shards().indexOf(name)] + " of " + SlotMap.SLOT_COUNT + " slots in the slot map in"
                    + " force (version " + stored.version() + ", " + store.location() + "); its rows would be"
                    + " unreachable. Put it back in the configuration, or move its slots to other data sources with"
                    + " a reshard first");
        }
        Set<String> configured = configuredNames(config);
        List<String> kept = map.shards().stream().filter(configured::contains).toList();
        if (!kept.contains(config.defaultDataSource())) {
            throw new ShardConfigException("The default data source " + config.defaultDataSource() + " is not in "
                    + "the slot map in force (version " + stored.version() + ", " + store.location() + "), which "
                    + "names " + kept + "; make one of those the default data source");
        }
        if (kept.size() == counts.length) {
            return map;
        }
        Map<String, List<SlotRange>> ranges = new LinkedHashMap<>(map.toRanges());
        ranges.keySet().retainAll(kept);
        return SlotMap.pinned(kept, ranges);
    }

    /**
     * The data sources that own slots in {@code map} and that the configuration lacks: while there are any, an
     * instance with this configuration cannot route by the map (their rows would be unreachable). The follower asks
     * it of a stored version ({@link #inForce}) and of a reshard's announced target ({@link ReshardSwitch#polled}).
     */
    static List<String> unconfiguredOwners(ShardConfig config, SlotMap map) {
        Set<String> configured = configuredNames(config);
        int[] counts = map.slotCounts();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 && !configured.contains(map.shards().get(i))) {
                missing.add(map.shards().get(i));
            }
        }
        return missing;
    }

    private static Set<String> configuredNames(ShardConfig config) {
        return config.dataSources().stream().map(DataSourceConfig::name).collect(Collectors.toSet());
    }
}
