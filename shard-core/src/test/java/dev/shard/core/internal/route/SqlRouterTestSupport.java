package dev.shard.core.internal.route;

import dev.shard.core.internal.dialect.ParamSource;
import java.sql.SQLException;
import java.util.List;

final class SqlRouterTestSupport {

    private SqlRouterTestSupport() {
    }

    /** Shards ds0, ds1, ... with ds0 the default, holding each key where {@code shardOf} says. */
    static ShardMap shards(int count, java.util.function.ToIntFunction<Object> shardOf) {
        return new ShardMap() {
            @Override
            public int shardCount() {
                return count;
            }

            @Override
            public int defaultShard() {
                return 0;
            }

            @Override
            public int shardOf(Object value) {
                return shardOf.applyAsInt(value);
            }

            @Override
            public String shardName(int shard) {
                return "ds" + shard;
            }
        };
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
