package dev.shard.core.internal.hash;

/** An inclusive range of slots, written "12" or "0-4095" in configuration. */
public record SlotRange(int from, int to) {

    public static SlotRange parse(String text) {
        throw new UnsupportedOperationException("TODO");
    }
}
