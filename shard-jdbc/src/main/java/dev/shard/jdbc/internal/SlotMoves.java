package dev.shard.jdbc.internal;

import dev.shard.core.internal.hash.SlotMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The slots whose owner differs between two slot maps, compared by data source name (the two maps may list their
 * data sources differently), and the data sources they move from. {@link #EVERY} stands for "unknown": every slot
 * may move, from anywhere.
 */
final class SlotMoves {

    static final SlotMoves EVERY = new SlotMoves(null, null, null, null, 0);

    /** A bit per slot; null for {@link #EVERY}. */
    private final long[] moving;
    private final Set<String> sources;
    private final SlotMap from;
    private final SlotMap to;
    private final int count;

    private SlotMoves(long[] moving, Set<String> sources, SlotMap from, SlotMap to, int count) {
        this.moving = moving;
        this.sources = sources;
        this.from = from;
        this.to = to;
        this.count = count;
    }

    static SlotMoves between(SlotMap from, SlotMap to) {
        List<String> fromNames = from.shards();
        // The index in `to` of each data source of `from`, or -1: one int comparison per slot.
        int[] sameName = new int[fromNames.size()];
        for (int i = 0; i < sameName.length; i++) {
            sameName[i] = to.shards().indexOf(fromNames.get(i));
        }
        long[] moving = new long[SlotMap.SLOT_COUNT / 64];
        Set<String> sources = new HashSet<>();
        int count = 0;
        for (int slot = 0; slot < SlotMap.SLOT_COUNT; slot++) {
            int owner = from.shardIndexOfSlot(slot);
            if (sameName[owner] != to.shardIndexOfSlot(slot)) {
                moving[slot >>> 6] |= 1L << slot;
                sources.add(fromNames.get(owner));
                count++;
            }
        }
        return new SlotMoves(moving, Set.copyOf(sources), from, to, count);
    }

    boolean moves(int slot) {
        return moving == null || (moving[slot >>> 6] & (1L << slot)) != 0;
    }

    /** Whether some slot moves away from the data source {@code name}. */
    boolean movesFrom(String name) {
        return sources == null || sources.contains(name);
    }

    /** How many slots move (every slot for {@link #EVERY}). */
    int count() {
        return moving == null ? SlotMap.SLOT_COUNT : count;
    }

    /** "slot 123 (ds1 to ds4)", for messages. */
    String describe(int slot) {
        if (from == null) {
            return "slot " + slot;
        }
        return "slot " + slot + " (" + from.shards().get(from.shardIndexOfSlot(slot)) + " to "
                + to.shards().get(to.shardIndexOfSlot(slot)) + ")";
    }
}
