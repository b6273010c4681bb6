package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.ValueRef;
import java.util.List;

/**
 * One appearance of a sharded table and what pins its shard key: every list in {@code constraints} must hold
 * (they come from conditions joined by AND), and within a list any value may hold.
 *
 * @param depth    0 in the statement's own query block, more inside subqueries and derived tables
 * @param keyClass the equality class of its sharding column: equal for appearances joined on their keys
 */
record KeyTarget(String table, String column, List<List<ValueRef>> constraints, int depth, String keyClass) {

    KeyTarget {
        constraints = List.copyOf(constraints);
    }
}
