package dev.shard.core.internal.route;

import dev.shard.core.internal.dialect.NormalizedSql;
import dev.shard.core.internal.dialect.ParamSource;

/**
 * A statement ready to route: its normalised form (whose params say where each bind value comes from) and the
 * cached plan for that form.
 *
 * @param userParameterCount how many '?' the user wrote: counted once here, since the router hands the same
 *                           instance to every prepareStatement of the same text
 */
public record RoutedStatement(String sql, NormalizedSql normalized, StatementPlan plan, int userParameterCount) {

    public RoutedStatement(String sql, NormalizedSql normalized, StatementPlan plan) {
        this(sql, normalized, plan, userParameters(normalized));
    }

    private static int userParameters(NormalizedSql normalized) {
        int count = 0;
        for (ParamSource param : normalized.params()) {
            if (param instanceof ParamSource.UserParameter) {
                count++;
            }
        }
        return count;
    }
}
