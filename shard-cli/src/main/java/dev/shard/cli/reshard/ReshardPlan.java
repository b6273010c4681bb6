package dev.shard.cli.reshard;

import dev.shard.core.config.SlotRange;
import dev.shard.core.internal.hash.SlotMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a reshard moves: the slots whose owner differs between the map in force (version {@code fromVersion}) and
 * the target map the configuration's weights imply. Owners are compared by data source name, so a target map that
 * lists one more data source (or the same ones in another order) moves exactly the slots that change hands.
 *
 * <p>Immutable; computed in a few milliseconds from the two maps, so it is never stored: a resumed run computes it
 * again from the stored map and the target map it recorded.
 */
public final class ReshardPlan {

    private final long fromVersion;
    private final SlotMap current;
    private final SlotMap target;
    /** Every data source name of either map, the target's order first; owners below index this list. */
    private final List<String> names;
    private final short[] before;
    private final short[] after;
    private final List<Move> moves;

    /**
     * Slots going from one data source to another.
     *
     * @param ranges contiguous runs of those slots, in slot order (a consistent-hash map has many short ones)
     */
    public record Move(String from, String to, int slots, List<SlotRange> ranges) {
    }

    private ReshardPlan(long fromVersion, SlotMap current, SlotMap target) {
        this.fromVersion = fromVersion;
        this.current = current;
        this.target = target;
        Set<String> all = new LinkedHashSet<>(target.shards());
        all.addAll(current.shards());
        this.names = List.copyOf(all);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        int[] currentIndex = current.shards().stream().mapToInt(index::get).toArray();
        int[] targetIndex = target.shards().stream().mapToInt(index::get).toArray();
        before = new short[SlotMap.SLOT_COUNT];
        after = new short[SlotMap.SLOT_COUNT];
        for (int slot = 0; slot < SlotMap.SLOT_COUNT; slot++) {
            before[slot] = (short) currentIndex[current.shardIndexOfSlot(slot)];
            after[slot] = (short) targetIndex[target.shardIndexOfSlot(slot)];
        }
        this.moves = List.copyOf(computeMoves());
    }

    public static ReshardPlan of(long fromVersion, SlotMap current, SlotMap target) {
        return new ReshardPlan(fromVersion, current, target);
    }

    private List<Move> computeMoves() {
        int n = names.size();
        int[][] counts = new int[n][n];
        @SuppressWarnings("unchecked")
        List<SlotRange>[][] ranges = new List[n][n];
        for (int slot = 0; slot < SlotMap.SLOT_COUNT; ) {
            int from = before[slot];
            int to = after[slot];
            int end = slot;
            while (end + 1 < SlotMap.SLOT_COUNT && before[end + 1] == from && after[end + 1] == to) {
                end++;
            }
            if (from != to) {
                counts[from][to] += end - slot + 1;
                if (ranges[from][to] == null) {
                    ranges[from][to] = new ArrayList<>();
                }
                ranges[from][to].add(new SlotRange(slot, end));
            }
            slot = end + 1;
        }
        List<Move> result = new ArrayList<>();
        for (int from = 0; from < n; from++) {
            for (int to = 0; to < n; to++) {
                if (counts[from][to] > 0) {
                    result.add(new Move(names.get(from), names.get(to), counts[from][to],
                            List.copyOf(ranges[from][to])));
                }
            }
        }
        return result;
    }

    public long fromVersion() {
        return fromVersion;
    }

    public SlotMap current() {
        return current;
    }

    public SlotMap target() {
        return target;
    }

    public List<Move> moves() {
        return moves;
    }

    /** Whether the map in force already is the target (nothing to move). */
    public boolean isEmpty() {
        return moves.isEmpty();
    }

    /** Whether the slot changes owner. */
    public boolean moves(int slot) {
        return before[slot] != after[slot];
    }

    /** The slot's owner in the map in force. */
    public String ownerBefore(int slot) {
        return names.get(before[slot]);
    }

    /** The slot's owner in the target map. */
    public String ownerAfter(int slot) {
        return names.get(after[slot]);
    }

    /** The data sources that give slots away, in the target's order. */
    public List<String> sources() {
        return moves.stream().map(Move::from).distinct().toList();
    }

    /** The data sources that receive slots. */
    public List<String> targets() {
        return moves.stream().map(Move::to).distinct().toList();
    }

    /** The data sources that receive slots from {@code source}. */
    public List<String> targetsOf(String source) {
        return moves.stream().filter(m -> m.from().equals(source)).map(Move::to).distinct().toList();
    }

    /**
     * The data sources the target map names and the map in force does not: the instances write broadcast tables on
     * them only once they route by the target, so the reshard copies the broadcast rows to them and replays the
     * broadcast writes made since from {@link #broadcastSource()}'s binlog.
     */
    public List<String> addedDataSources() {
        return target.shards().stream().filter(name -> !current.shards().contains(name)).toList();
    }

    /**
     * Where the broadcast tables of the added data sources come from (their rows in the copy, their changes in the
     * catch-up): the first source, whose binlog the catch-up follows anyway and which, being in the map in force,
     * receives every broadcast write until the switch. Null when no data source is added (or none gives slots).
     */
    public String broadcastSource() {
        return addedDataSources().isEmpty() || sources().isEmpty() ? null : sources().get(0);
    }

    /** How many slots {@code dataSource} owns in the map in force. */
    public int slotsBefore(String dataSource) {
        int i = current.shards().indexOf(dataSource);
        return i < 0 ? 0 : current.slotCounts()[i];
    }

    /** How many of its slots {@code source} gives away. */
    public int slotsLeaving(String source) {
        return moves.stream().filter(m -> m.from().equals(source)).mapToInt(Move::slots).sum();
    }
}
