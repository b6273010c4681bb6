package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.ValueRef;
import java.util.List;

/**
 * One appearance of a sharded table and what pins its shard key: every list in {@code constraints} must hold
 * (they come from conditions joined by AND), and within a list any value may hold.
 */
record KeyTarget(String table, String column, List<List<ValueRef>> constraints) {

    KeyTarget {
        constraints = List.copyOf(constraints);
    }
}
