package dev.shard.core.internal.hash;

import java.util.List;
import java.util.Map;

/**
 * Which shard owns each slot. Keys hash to one of {@link #SLOT_COUNT} slots ({@link ShardKeys#slotOf});
 * this map assigns slots to shards. Immutable; shards are identified by their index in {@link #shards()}.
 */
public final class SlotMap {

    /** Fixed for the life of a deployment: changing it moves nearly every key. */
    public static final int SLOT_COUNT = 1 << 16;

    private SlotMap() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Weighted rendezvous assignment: a pure function of the names and weights. */
    public static SlotMap consistent(List<String> shards, List<Double> weights) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * An explicit assignment. Every slot must be named exactly once.
     *
     * @throws IllegalArgumentException naming the shard and slot that is missing, repeated or out of range
     */
    public static SlotMap pinned(List<String> shards, Map<String, List<SlotRange>> ranges) {
        throw new UnsupportedOperationException("TODO");
    }

    public List<String> shards() {
        throw new UnsupportedOperationException("TODO");
    }

    public int shardIndexOfSlot(int slot) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The shard that holds rows whose shard key equals {@code keyValue}. */
    public int shardIndexOf(Object keyValue) {
        return shardIndexOfSlot(ShardKeys.slotOf(keyValue));
    }
}
