package dev.shard.cli.reshard;

import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.hash.SlotMapCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reshard in progress as its {@link ProgressStore} items say: phase, the plan (the version it starts from and the
 * target map), each source's binlog position to catch up from, and each table's copy checkpoint. Written item by
 * item through {@link Journal} as the run advances; read whole on {@code --resume}, {@code --abort} and
 * {@code status}.
 *
 * @param from             the map in force when the reshard started (version {@code fromVersion}): after the switch
 *                         it is stored nowhere else, and the cleanup needs it
 * @param publishedVersion the version the switch published, or 0 before the switch
 */
record ReshardState(Phase phase, long fromVersion, SlotMap from, SlotMap target, long publishedVersion,
                    Map<String, LogPosition> positions, Map<String, Checkpoint> checkpoints) {

    static final String PHASE = "phase";
    static final String FROM_VERSION = "from_version";
    static final String FROM_MAP = "from_map";
    static final String TARGET_MAP = "target_map";
    static final String PUBLISHED_VERSION = "published_version";
    static final String POSITION = "position/";
    static final String COPIED = "copied/";

    /** How far the copy of one table from one source got. */
    record Checkpoint(String dataSource, String table, String lastKey, long rows, boolean done) {

        String item() {
            return item(dataSource, table);
        }

        static String item(String dataSource, String table) {
            return COPIED + dataSource + "/" + table;
        }

        String encode() {
            return (done ? "done" : "open") + "\n" + rows + "\n" + (lastKey == null ? "" : lastKey);
        }

        static Checkpoint decode(String item, String text) {
            String[] path = item.substring(COPIED.length()).split("/", 2);
            String[] parts = text.split("\n", 3);
            String key = parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null;
            return new Checkpoint(path[0], path[1], key, Long.parseLong(parts[1]), parts[0].equals("done"));
        }
    }

    /** The state the items describe, or null when there are none (no reshard in progress). */
    static ReshardState of(Map<String, String> items) {
        if (items.isEmpty()) {
            return null;
        }
        String phase = items.get(PHASE);
        String from = items.get(FROM_VERSION);
        String fromMap = items.get(FROM_MAP);
        String target = items.get(TARGET_MAP);
        if (phase == null || from == null || fromMap == null || target == null) {
            throw new IllegalStateException("the reshard progress is incomplete (items " + items.keySet()
                    + "); it was not written by this tool, or its first write was interrupted: run --abort");
        }
        Map<String, LogPosition> positions = new LinkedHashMap<>();
        Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();
        items.forEach((item, value) -> {
            if (item.startsWith(POSITION)) {
                positions.put(item.substring(POSITION.length()), LogPosition.decode(value));
            } else if (item.startsWith(COPIED)) {
                checkpoints.put(item, Checkpoint.decode(item, value));
            }
        });
        String published = items.get(PUBLISHED_VERSION);
        return new ReshardState(Phase.ofLabel(phase), Long.parseLong(from), SlotMapCodec.decode(fromMap),
                SlotMapCodec.decode(target),
                published == null ? 0 : Long.parseLong(published), Map.copyOf(positions), Map.copyOf(checkpoints));
    }

    Checkpoint checkpoint(String dataSource, String table) {
        return checkpoints.get(Checkpoint.item(dataSource, table));
    }

    ReshardPlan plan() {
        return ReshardPlan.of(fromVersion, from, target);
    }

    /** Writes the state as the run advances, one item at a time. */
    static final class Journal {

        private final ProgressStore store;

        Journal(ProgressStore store) {
            this.store = store;
        }

        ReshardState read() throws java.sql.SQLException {
            return of(store.readAll());
        }

        /** Starts a reshard's record, the phase last: a start cut short reads as incomplete, which --abort clears. */
        void begin(long fromVersion, SlotMap from, SlotMap target) throws java.sql.SQLException {
            store.clear();
            store.put(FROM_VERSION, Long.toString(fromVersion));
            store.put(FROM_MAP, SlotMapCodec.encode(from));
            store.put(TARGET_MAP, SlotMapCodec.encode(target));
            store.put(PHASE, Phase.PREPARE.label());
        }

        void phase(Phase phase) throws java.sql.SQLException {
            store.put(PHASE, phase.label());
        }

        void position(String dataSource, LogPosition position) throws java.sql.SQLException {
            store.put(POSITION + dataSource, position.encode());
        }

        void checkpoint(Checkpoint checkpoint) throws java.sql.SQLException {
            store.put(checkpoint.item(), checkpoint.encode());
        }

        void published(long version) throws java.sql.SQLException {
            store.put(PUBLISHED_VERSION, Long.toString(version));
        }

        void clear() throws java.sql.SQLException {
            store.clear();
        }
    }
}
