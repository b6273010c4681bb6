package dev.shard.core.internal.route;

import dev.shard.core.internal.dialect.ParamSource;
import java.sql.SQLException;
import java.util.List;

final class SqlRouterTestSupport {

    private SqlRouterTestSupport() {
    }

    /** Bindings for a statement whose every bind value was lifted from a literal. */
    static Bindings literals(RoutedStatement routed) {
        List<ParamSource> params = routed.normalized().params();
        return index -> {
            if (params.get(index) instanceof ParamSource.Literal literal) {
                return literal.value();
            }
            throw new SQLException("user parameter");
        };
    }
}
