package dev.shard.core.internal.route;

import dev.shard.core.internal.dialect.ParamSource;
import dev.shard.core.internal.sql.ValueRef;
import java.sql.SQLException;
import java.util.List;

/**
 * The values of one execution, by position in the normalised template: what routing, the shard queries and the
 * merge read parameters from. The analysis's {@link ValueRef}s take their values from it.
 */
@FunctionalInterface
public interface Bindings extends ValueRef.Parameters {

    /**
     * The template's values: a literal lifted from the text, or the user's value for a '?' the user wrote. A
     * missing value is an SQLException that names the statement.
     */
    static Bindings of(RoutedStatement routed, Bind.UserParameters user) {
        List<ParamSource> params = routed.normalized().params();
        return index -> {
            if (index >= params.size()) {
                throw new SQLException("Statement has no value for its parameter " + (index + 1) + ": "
                        + routed.sql(), "07001");
            }
            ParamSource source = params.get(index);
            return source instanceof ParamSource.UserParameter parameter ? user.value(parameter.userIndex())
                    : ((ParamSource.Literal) source).value();
        };
    }
}
