package dev.shard.core.internal.hash;

/** Turns a shard-key value, whatever Java type carries it, into its slot. */
public final class ShardKeys {

    private ShardKeys() {
    }

    /**
     * The slot of a shard-key value. Equal SQL values give equal slots whatever carries them.
     *
     * @throws IllegalArgumentException for null or a type that cannot be a shard key
     */
    public static int slotOf(Object value) {
        throw new UnsupportedOperationException("TODO");
    }
}
