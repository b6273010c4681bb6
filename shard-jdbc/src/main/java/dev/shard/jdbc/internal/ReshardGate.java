package dev.shard.jdbc.internal;

/**
 * What an instance knows about a reshard in progress, swapped whole by each poll that sees a change: which slots
 * move, whether writes to them are held (FROZEN), or refused because this instance cannot tell where they belong.
 * Null in {@link ReshardSwitch} when nothing is announced, which is all a statement then reads.
 *
 * @param announceToken  the announcement's token (0 when there is none: a refusing gate)
 * @param moves          the slots that move, relative to the map this instance routes by
 * @param frozen         writes to moving slots are held
 * @param freezeToken    the freeze this instance acknowledges once its moving writes are done
 * @param firstSeenPoll  the poll that first saw this announcement; a freeze is acknowledged at a later poll only
 * @param broadcast      the target adds data sources to the map this instance routes by: writes to broadcast
 *                       tables count as writes to moving slots (held while frozen), since the tool drains their
 *                       last changes to the added data sources while they are held
 * @param frozenSince    when this instance raised the freeze ({@link System#nanoTime}); writes are held for
 *                       {@code reshardWriteHoldMillis} from then on, and fail at once after that
 * @param refusal        why writes to moving slots are refused (the lease ran out, a version this instance cannot
 *                       route by), worded to follow "this instance" in the message ("has not read ..."), or null
 */
record ReshardGate(long announceToken, SlotMoves moves, boolean broadcast, boolean frozen, long freezeToken,
                   long frozenSince, long firstSeenPoll, String refusal) {

    /**
     * The same announcement, refusing writes to its moving slots; with none known, any reshard may be under way
     * unseen: every slot may be moving and data sources may be added, so writes to broadcast tables are refused too
     * (they would miss an added data source that the switch published without this instance).
     */
    static ReshardGate refusing(ReshardGate known, String why) {
        return known == null ? new ReshardGate(0, SlotMoves.EVERY, true, false, 0, 0, 0, why)
                : new ReshardGate(known.announceToken, known.moves, known.broadcast, known.frozen, known.freezeToken,
                known.frozenSince, known.firstSeenPoll, why);
    }

    /** Whether {@code target} names data sources {@code routed} does not: broadcast writes must reach them too. */
    static boolean addsDataSources(dev.shard.core.internal.hash.SlotMap routed,
                                   dev.shard.core.internal.hash.SlotMap target) {
        return !routed.shards().containsAll(target.shards());
    }

    /** Whether a poll that saw this gate's state leaves it as is (no new gate, no waking of held writes). */
    boolean sameAs(long token, boolean isFrozen, long freeze) {
        return refusal == null && announceToken == token && frozen == isFrozen && freezeToken == freeze;
    }
}
