package dev.shard.jdbc;

import java.util.List;

/**
 * Where a statement would go, without running it.
 *
 * @param routeKind     SINGLE_SHARD (by its shard key), ALL_SHARDS (DDL, broadcast writes), ANY_SHARD (broadcast
 *                      reads: one of {@code shards}), or DEFAULT (tables with no rule)
 * @param shards        the data sources it would run on
 * @param normalizedSql the statement with its literals lifted out: the key of the analysis cache
 */
public record RouteExplanation(String routeKind, List<String> shards, String normalizedSql) {

    public RouteExplanation {
        shards = List.copyOf(shards);
    }
}
