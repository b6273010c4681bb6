package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.ValueRef;

/**
 * The values of one execution, by position in the normalised template: what routing, the shard queries and the
 * merge read parameters from. The analysis's {@link ValueRef}s take their values from it.
 */
@FunctionalInterface
public interface Bindings extends ValueRef.Parameters {
}
