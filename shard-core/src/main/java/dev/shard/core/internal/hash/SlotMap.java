package dev.shard.core.internal.hash;

import com.google.common.hash.Hashing;
import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import dev.shard.core.config.SlotRange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Which shard owns each slot. Keys hash to one of {@link #SLOT_COUNT} slots ({@link ShardKeys#slotOf});
 * this map assigns slots to shards. Immutable; shards are identified by their index in {@link #shards()}.
 */
public final class SlotMap {

    /**
     * Fixed for the life of a deployment: changing it moves nearly every key.
     *
     * <p>Rendezvous gives each of N shards a binomial share of the slots, so the fullest shard sits about
     * 2.4 * sqrt(N / SLOT_COUNT) above the mean. Measured at 64 shards over six name sets, the fullest shard
     * held up to 9.6% more slots than the mean at 2^16, 6.2% at 2^17 and 5.4% at 2^18 (0.6% at 4 shards);
     * 2^18 is the smallest that stays near 5%, and its table is still only 256 KiB (a byte per slot) up to
     * 256 shards, 512 KiB beyond.
     */
    public static final int SLOT_COUNT = 1 << 18;

    /** Indexes are stored in a short with -1 meaning "unassigned" while a pinned map is checked. */
    static final int MAX_SHARDS = Short.MAX_VALUE;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /** Far above the few ulps of rounding in a score, so pruning can only save work, never change a winner. */
    private static final double PRUNE_MARGIN = 1 + 1e-9;

    private final List<String> shards;
    /** Exactly one of these is set: a byte per slot is enough up to 256 shards and halves the table. */
    private final byte[] smallTable;
    private final short[] largeTable;
    private final int hashCode;

    private SlotMap(List<String> shards, short[] owners) {
        this.shards = shards;
        if (shards.size() <= 256) {
            smallTable = new byte[SLOT_COUNT];
            for (int slot = 0; slot < SLOT_COUNT; slot++) {
                smallTable[slot] = (byte) owners[slot];
            }
            largeTable = null;
        } else {
            smallTable = null;
            largeTable = owners;
        }
        hashCode = 31 * shards.hashCode() + Arrays.hashCode(owners);
    }

    /**
     * The map a configuration implies: its pinned {@code slots} when it has them, else weighted consistent hashing
     * over all its data sources, in declaration order. Computed on each call (tens of milliseconds for consistent
     * hashing over a few dozen shards): a data source computes it once when it starts.
     *
     * @throws ShardConfigException if the data sources cannot share the slots (more than {@value #MAX_SHARDS})
     */
    public static SlotMap of(ShardConfig config) {
        List<String> names = new ArrayList<>(config.dataSources().size());
        List<Double> weights = new ArrayList<>(config.dataSources().size());
        for (DataSourceConfig source : config.dataSources()) {
            names.add(source.name());
            weights.add(source.weight());
        }
        try {
            // Pinned slots were validated when the configuration was built; this cannot fail for them.
            return config.slots().isEmpty() ? consistent(names, weights) : pinned(names, config.slots());
        } catch (IllegalArgumentException e) {
            throw new ShardConfigException("Cannot assign slots to the data sources: " + e.getMessage(), e);
        }
    }

    /**
     * Weighted rendezvous (highest random weight) assignment: a pure function of the names and weights.
     *
     * <p>Each slot goes to the shard with the highest score {@code -weight / ln(u)}, where {@code u} in (0, 1)
     * is a stable hash of (slot, shard name); ties, which need a 2^-52 coincidence, go to the smaller name.
     * Unlike ring or jump hashing this is exactly monotone: adding a shard moves slots only to it, removing one
     * moves only its slots, and list order is irrelevant. Shard i wins a slot with probability
     * {@code weight_i / sum(weights)}, since {@code -ln(u) / weight} is exponential with rate {@code weight}.
     *
     * <p>Persistent format, like {@link ShardKeys}: a name hashes to the first 8 bytes (little-endian) of Guava's
     * {@code murmur3_128} (seed 0) of its UTF-8; {@code u = ((mix64(slotKey ^ nameHash) >>> 12) + 0.5) / 2^52}
     * with {@code slotKey = mix64((slot + 1) * 0x9E3779B97F4A7C15)}, i.e. the splitmix64 sequence, and
     * {@code mix64} the splitmix64 finalizer; {@code ln} is {@link StrictMath#log}, whose results, unlike
     * {@link Math#log}'s, are the same on every JVM.
     *
     * <p>Cost is one 64-bit mix per shard per slot: about 60-100 ms for 64 shards, 0.7 s for 1024. Past a few
     * thousand shards, compute the map once and {@link #pinned pin} its {@link #toRanges ranges}.
     *
     * @param weights null or empty for equal weights, else one finite weight per shard, positive, or 0 for a shard
     *                being drained: its score is 0, so it wins no slot, and the others win exactly the slots they
     *                would win without it (draining is removing)
     */
    public static SlotMap consistent(List<String> shards, List<Double> weights) {
        List<String> names = checkNames(shards);
        Rendezvous contest = new Rendezvous(names, checkWeights(names, weights));
        short[] owners = new short[SLOT_COUNT];
        for (int slot = 0; slot < SLOT_COUNT; slot++) {
            owners[slot] = (short) contest.winner(slot);
        }
        return new SlotMap(names, owners);
    }

    /**
     * An explicit assignment. Every slot must be named exactly once; a shard may own no slots (a new shard
     * that a resharding tool will fill one slot at a time).
     *
     * @throws IllegalArgumentException naming the shard and slot that is missing, repeated or out of range
     */
    public static SlotMap pinned(List<String> shards, Map<String, List<SlotRange>> ranges) {
        List<String> names = checkNames(shards);
        if (ranges == null) {
            throw new IllegalArgumentException("slots must not be null");
        }
        Set<String> known = new HashSet<>(names);
        for (String name : ranges.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown data source '" + name + "' in slots; the data sources are " + names);
            }
        }
        short[] owners = new short[SLOT_COUNT];
        Arrays.fill(owners, (short) -1);
        // Walk shards in list order, not map order, so that the error for a given configuration is stable.
        for (int index = 0; index < names.size(); index++) {
            String name = names.get(index);
            List<SlotRange> list = ranges.get(name);
            if (list == null) {
                continue;
            }
            for (SlotRange range : list) {
                if (range == null) {
                    throw new IllegalArgumentException("null slot range for " + name);
                }
                if (range.to() >= SLOT_COUNT) {
                    throw new IllegalArgumentException((range.from() == range.to() ? "slot " : "slot range ")
                            + range + " of " + name + " is outside 0-" + (SLOT_COUNT - 1));
                }
                for (int slot = range.from(); slot <= range.to(); slot++) {
                    if (owners[slot] != -1) {
                        throw overlap(names, owners, range, slot, index);
                    }
                    owners[slot] = (short) index;
                }
            }
        }
        List<SlotRange> gaps = new ArrayList<>();
        for (int slot = 0; slot < SLOT_COUNT; slot++) {
            if (owners[slot] == -1) {
                int end = runEnd(owners, slot, SLOT_COUNT - 1);
                gaps.add(new SlotRange(slot, end));
                slot = end;
            }
        }
        if (!gaps.isEmpty()) {
            throw unassigned(gaps);
        }
        return new SlotMap(names, owners);
    }

    /**
     * A map read back from its stored form ({@link SlotMapCodec}): slot i belongs to {@code shards[owners[i]]}.
     *
     * @throws IllegalArgumentException if an owner is not an index of {@code shards}
     */
    static SlotMap ofOwners(List<String> shards, short[] owners) {
        List<String> names = checkNames(shards);
        if (owners.length != SLOT_COUNT) {
            throw new IllegalArgumentException(owners.length + " slots, not " + SLOT_COUNT);
        }
        for (int slot = 0; slot < SLOT_COUNT; slot++) {
            if (owners[slot] < 0 || owners[slot] >= names.size()) {
                throw new IllegalArgumentException("slot " + slot + " has owner " + owners[slot] + " of "
                        + names.size() + " data sources");
            }
        }
        return new SlotMap(names, owners.clone());
    }

    private static IllegalArgumentException overlap(List<String> names, short[] owners, SlotRange range, int slot,
                                                     int index) {
        int end = runEnd(owners, slot, range.to());
        String slots = slot == end ? "slot " + slot + " is" : "slots " + slot + "-" + end + " are";
        String earlier = names.get(owners[slot]);
        String name = names.get(index);
        return new IllegalArgumentException(earlier.equals(name)
                ? slots + " listed twice for " + name
                : slots + " assigned to both " + earlier + " and " + name);
    }

    private static IllegalArgumentException unassigned(List<SlotRange> gaps) {
        boolean single = gaps.size() == 1 && gaps.get(0).size() == 1;
        StringJoiner shown = new StringJoiner(", ", single ? "slot " : "slots ", "");
        gaps.stream().limit(5).forEach(gap -> shown.add(gap.toString()));
        String more = gaps.size() > 5 ? " and " + (gaps.size() - 5) + " more ranges" : "";
        return new IllegalArgumentException(
                shown + more + (single ? " is" : " are") + " not assigned to any data source");
    }

    /** The last slot, at most {@code limit}, of the run of equal owners starting at {@code slot}. */
    private static int runEnd(short[] owners, int slot, int limit) {
        int end = slot;
        while (end < limit && owners[end + 1] == owners[slot]) {
            end++;
        }
        return end;
    }

    public List<String> shards() {
        return shards;
    }

    public int shardIndexOfSlot(int slot) {
        return smallTable != null ? smallTable[slot] & 0xFF : largeTable[slot];
    }

    /** The shard that holds rows whose shard key equals {@code keyValue}. */
    public int shardIndexOf(Object keyValue) {
        return shardIndexOfSlot(ShardKeys.slotOf(keyValue));
    }

    /** The shard that holds rows whose shard key, in a column of {@code collation}, equals {@code keyValue}. */
    public int shardIndexOf(Object keyValue, CollationWeights collation) {
        return shardIndexOfSlot(ShardKeys.slotOf(keyValue, collation));
    }

    /** How many slots each shard owns, indexed like {@link #shards()}. */
    public int[] slotCounts() {
        int[] counts = new int[shards.size()];
        for (int slot = 0; slot < SLOT_COUNT; slot++) {
            counts[shardIndexOfSlot(slot)]++;
        }
        return counts;
    }

    /**
     * The assignment as contiguous ranges per shard, every shard present and in shard order, so that a
     * consistent map can be written into configuration and pinned: {@code pinned(shards(), toRanges())} equals
     * this map.
     */
    public Map<String, List<SlotRange>> toRanges() {
        List<List<SlotRange>> perShard = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            perShard.add(new ArrayList<>());
        }
        for (int slot = 0; slot < SLOT_COUNT; ) {
            int owner = shardIndexOfSlot(slot);
            int end = slot;
            while (end + 1 < SLOT_COUNT && shardIndexOfSlot(end + 1) == owner) {
                end++;
            }
            perShard.get(owner).add(new SlotRange(slot, end));
            slot = end + 1;
        }
        Map<String, List<SlotRange>> result = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            result.put(shards.get(i), List.copyOf(perShard.get(i)));
        }
        return Collections.unmodifiableMap(result);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlotMap other
                && hashCode == other.hashCode
                && shards.equals(other.shards)
                && Arrays.equals(smallTable, other.smallTable)
                && Arrays.equals(largeTable, other.largeTable);
    }

    @Override
    public int hashCode() {
        return hashCode;
    }

    /** Names and slot counts only: the full table would be a quarter of a million entries. */
    @Override
    public String toString() {
        int[] counts = slotCounts();
        StringJoiner joiner = new StringJoiner(", ", "SlotMap[", "]");
        int shown = Math.min(shards.size(), 16);
        for (int i = 0; i < shown; i++) {
            joiner.add(shards.get(i) + "=" + counts[i]);
        }
        if (shown < shards.size()) {
            joiner.add("... " + (shards.size() - shown) + " more shards");
        }
        return joiner.toString();
    }

    private static List<String> checkNames(List<String> shards) {
        if (shards == null || shards.isEmpty()) {
            throw new IllegalArgumentException("at least one data source is needed");
        }
        if (shards.size() > MAX_SHARDS) {
            throw new IllegalArgumentException(
                    shards.size() + " data sources are more than the " + MAX_SHARDS + " supported");
        }
        Set<String> seen = new HashSet<>();
        for (String name : shards) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("data source names must not be empty: " + shards);
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("data source '" + name + "' is listed twice");
            }
        }
        return List.copyOf(shards);
    }

    private static double[] checkWeights(List<String> names, List<Double> weights) {
        double[] w = new double[names.size()];
        if (weights == null || weights.isEmpty()) {
            Arrays.fill(w, 1.0);
            return w;
        }
        if (weights.size() != names.size()) {
            throw new IllegalArgumentException(weights.size() + " weights given for " + names.size()
                    + " data sources " + names);
        }
        boolean anyPositive = false;
        for (int i = 0; i < w.length; i++) {
            Double weight = weights.get(i);
            // !(x >= 0) also rejects NaN
            if (weight == null || !(weight >= 0) || weight.isInfinite()) {
                throw new IllegalArgumentException("weight of " + names.get(i) + " must be a positive number, or 0"
                        + " to drain it, not " + weight);
            }
            w[i] = weight;
            anyPositive |= weight > 0;
        }
        if (!anyPositive) {
            throw new IllegalArgumentException("every data source has weight 0: at least one must own slots " + names);
        }
        return w;
    }

    /** Rank of each name in sorted order: ties must be broken by name, never by list position. */
    private static int[] nameRanks(List<String> names) {
        Integer[] order = new Integer[names.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> names.get(a).compareTo(names.get(b)));
        int[] ranks = new int[order.length];
        for (int rank = 0; rank < order.length; rank++) {
            ranks[order[rank]] = rank;
        }
        return ranks;
    }

    /** The splitmix64 finalizer (Stafford's variant 13). */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The per-slot contest of {@link #consistent}: per-shard constants plus a scratch buffer. */
    private static final class Rendezvous {

        private final long[] nameHashes;
        private final double[] weights;
        private final double[] inverseWeights;
        private final int[] nameRanks;
        private final double maxWeight;
        private final boolean equalWeights;
        private final long[] draws;

        Rendezvous(List<String> names, double[] weights) {
            int n = names.size();
            this.weights = weights;
            nameHashes = new long[n];
            inverseWeights = new double[n];
            double max = 0;
            boolean equal = true;
            for (int i = 0; i < n; i++) {
                nameHashes[i] = Hashing.murmur3_128().hashString(names.get(i), StandardCharsets.UTF_8).asLong();
                inverseWeights[i] = 1 / weights[i];
                max = Math.max(max, weights[i]);
                equal &= weights[i] == weights[0];
            }
            maxWeight = max;
            equalWeights = equal;
            nameRanks = nameRanks(names);
            draws = new long[n];
        }

        /*
         * Computing -weight / ln(u) for every shard would cost a StrictMath.log per shard per slot. Instead,
         * pass 1 draws every shard's 52-bit u and guesses the winner from the cheap bound weight / (1 - u) (for
         * equal weights, simply the largest draw); only the guess is scored, and the resulting prune threshold
         * rules out the others with integer compares, so about one logarithm per slot remains. The guess only
         * orders the work: the winner is the same as with every score computed.
         */
        int winner(int slot) {
            long slotKey = mix64((slot + 1L) * GOLDEN_GAMMA);
            int n = draws.length;
            int guess = 0;
            int top = 0;
            long topDraw = -1;
            long runnerUpDraw = -1;
            double guessSlack = Double.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                long draw = mix64(slotKey ^ nameHashes[i]) >>> 12;
                draws[i] = draw;
                if (draw > topDraw) {
                    runnerUpDraw = topDraw;
                    topDraw = draw;
                    top = i;
                } else if (draw > runnerUpDraw) {
                    runnerUpDraw = draw;
                }
                if (!equalWeights) {
                    double slack = (0x1p52 - draw) * inverseWeights[i];
                    if (slack < guessSlack) {
                        guessSlack = slack;
                        guess = i;
                    }
                }
            }
            if (equalWeights) {
                guess = top;
            }
            int winner = guess;
            double best = score(guess);
            long pruneBelow = pruneBelow(best);
            if ((guess == top ? runnerUpDraw : topDraw) < pruneBelow) {
                return winner; // the usual case: no other draw comes near
            }
            for (int i = 0; i < n; i++) {
                if (i == guess || draws[i] < pruneBelow) {
                    continue;
                }
                double score = score(i);
                if (score > best || score == best && nameRanks[i] < nameRanks[winner]) {
                    best = score;
                    winner = i;
                    pruneBelow = pruneBelow(best);
                }
            }
            return winner;
        }

        /** -weight / ln(u) for u = (draw + 0.5) / 2^52, which is exact and strictly inside (0, 1). */
        private double score(int shard) {
            return -weights[shard] / StrictMath.log((draws[shard] + 0.5) * 0x1p-52);
        }

        /**
         * Draws below the result cannot reach {@code best} at any weight up to the largest. Since
         * -ln(u) > 1 - u, a score is below weight / (1 - u); requiring that bound to stay under
         * best / PRUNE_MARGIN, and giving up 4 draws for the rounding here, means pruning never changes a winner.
         */
        private long pruneBelow(double best) {
            double threshold = (1 - maxWeight * PRUNE_MARGIN / best) * 0x1p52;
            return threshold > 8 ? (long) threshold - 4 : 0;
        }
    }
}
