package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.NormalizedSql;

/**
 * A statement ready to route: its normalised form (whose params say where each bind value comes from) and the
 * cached plan for that form.
 */
public record RoutedStatement(String sql, NormalizedSql normalized, StatementPlan plan) {
}
