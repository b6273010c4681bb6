package dev.shard.core.internal.route;

import dev.shard.core.internal.dialect.NormalizedSql;
import dev.shard.core.internal.dialect.ParamSource;

/**
 * A statement ready to route: its normalised form (whose params say where each bind value comes from) and the
 * cached plan for that form.
 */
public record RoutedStatement(String sql, NormalizedSql normalized, StatementPlan plan) {

    /** How many '?' the user wrote. */
    public int userParameterCount() {
        int count = 0;
        for (ParamSource param : normalized.params()) {
            if (param instanceof ParamSource.UserParameter) {
                count++;
            }
        }
        return count;
    }
}
