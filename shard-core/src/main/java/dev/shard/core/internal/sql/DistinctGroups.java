package dev.shard.core.internal.sql;

import dev.shard.core.internal.merge.Slot;
import dev.shard.core.internal.merge.SortKey;
import java.util.ArrayList;
import java.util.List;

/**
 * SELECT DISTINCT over merged groups ({@code SELECT DISTINCT COUNT(*) FROM t GROUP BY user_id}): equal rows come
 * from different groups, so the merged groups are sorted by the requested order and then every selected column,
 * which brings equal rows together for the merge's {@code Distinct} on the same keys.
 */
final class DistinctGroups {

    private DistinctGroups() {
    }

    /** The requested ORDER BY keys, then each selected column not among them, ascending. */
    static List<SortKey> order(List<SortKey> requested, int userColumns) {
        List<SortKey> order = new ArrayList<>(requested);
        for (int i = 0; i < userColumns; i++) {
            Slot slot = Slot.user(i);
            if (order.stream().noneMatch(k -> k.column().equals(slot))) {
                order.add(new SortKey(slot, false));
            }
        }
        return order;
    }
}
