package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.ReadDirectives;

import dev.shard.core.internal.dialect.NormalizedSql;
import dev.shard.core.internal.dialect.ParamSource;

/**
 * A statement ready to route: its normalised form (whose params say where each bind value comes from) and the
 * cached plan for that form.
 *
 * @param userParameterCount how many '?' the user wrote: counted once here, since the router hands the same
 *                           instance to every prepareStatement of the same text
 * @param readDirectives     what a query's text says about where it may run (locks, the primary hint), read once
 *                           here for the same reason: every execution of a query asks; {@link ReadDirectives#NONE}
 *                           for statements that are not queries
 */
public record RoutedStatement(String sql, NormalizedSql normalized, StatementPlan plan, int userParameterCount,
                              ReadDirectives readDirectives) {

    public RoutedStatement(String sql, NormalizedSql normalized, StatementPlan plan, ReadDirectives readDirectives) {
        this(sql, normalized, plan, userParameters(normalized), readDirectives);
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
