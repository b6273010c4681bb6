package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.ParamSource;
import java.sql.SQLException;
import java.util.List;

/** The values of one execution, by position in the normalised template. */
@FunctionalInterface
public interface Bindings {

    /** The value of the {@code index}-th (0-based) '?' of the normalised template; null for SQL NULL. */
    Object value(int index) throws SQLException;

    /**
     * The template's values: a literal lifted from the text, or the user's value for a '?' the user wrote.
     *
     * (The error for a missing value names the statement.)
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
