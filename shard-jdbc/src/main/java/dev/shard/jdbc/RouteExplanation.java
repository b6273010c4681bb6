package dev.shard.jdbc;

import dev.shard.core.RouteKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Where a statement would go and how its results would be combined, without running it.
 *
 * @param routeKind     SINGLE_SHARD (by its shard key), SCATTER (several shards, results merged), SPLIT_INSERT (a
 *                      multi-row INSERT split by shard), ALL_SHARDS (DDL, broadcast writes), ANY_SHARD (broadcast
 *                      reads: one of {@code shards}), or DEFAULT (tables with no rule)
 * @param shards        the data sources it would run on
 * @param normalizedSql the statement with its literals lifted out: the key of the analysis cache
 * @param shardQueries  what each shard would receive: the SQL text and the values bound to its '?' markers
 * @param mergePlan     for SCATTER queries, the merge steps, last step first; empty otherwise
 */
public record RouteExplanation(RouteKind routeKind, List<String> shards, String normalizedSql,
                               List<ShardQuery> shardQueries, String mergePlan) {

    public RouteExplanation {
        Objects.requireNonNull(routeKind, "routeKind");
        shards = List.copyOf(shards);
        shardQueries = List.copyOf(shardQueries);
    }

    /**
     * @param parameters  values in '?' order, as the shard's statement is bound; null where the value is SQL NULL,
     *                    which is also how a shard skips IN-list or OR values that live on other shards
     * @param server      {@link #PRIMARY}, or {@link #REPLICA} for a read a replica of the shard would serve
     *                    outside a transaction (docs/replication.md)
     * @param otherShards the '?' positions (1-based) bound NULL because their IN-list or OR value lives on another
     *                    shard; {@link #values()} leaves them out
     */
    public record ShardQuery(String shard, String sql, List<Object> parameters, String server,
                             List<Integer> otherShards) {

        public static final String PRIMARY = "primary";
        public static final String REPLICA = "replica";

        public ShardQuery {
            parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
            Objects.requireNonNull(server, "server");
            otherShards = List.copyOf(otherShards);
        }

        /** A query that binds every value it is given. */
        public ShardQuery(String shard, String sql, List<Object> parameters, String server) {
            this(shard, sql, parameters, server, List.of());
        }

        /** A query for the shard's primary that binds every value it is given. */
        public ShardQuery(String shard, String sql, List<Object> parameters) {
            this(shard, sql, parameters, PRIMARY);
        }

        /** The values this shard gets: {@link #parameters()} without the NULLs standing in for other shards' values. */
        public List<Object> values() {
            if (otherShards.isEmpty()) {
                return parameters;
            }
            List<Object> own = new ArrayList<>();
            for (int i = 0; i < parameters.size(); i++) {
                if (!otherShards.contains(i + 1)) {
                    own.add(parameters.get(i));
                }
            }
            return Collections.unmodifiableList(own);
        }
    }

    /** Readable, multi-line: the route, each shard's query, then the merge. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Route: ").append(routeKind).append(' ').append(shards).append('\n');
        for (ShardQuery query : shardQueries) {
            text.append("  ").append(query.shard());
            if (query.server().equals(ShardQuery.REPLICA)) {
                text.append(" (replica)");
            }
            text.append(": ").append(query.sql());
            if (!query.parameters().isEmpty()) {
                text.append("  -- ").append(query.values());
                if (!query.otherShards().isEmpty()) {
                    int others = query.otherShards().size();
                    text.append(" (NULL for ").append(others)
                            .append(others == 1 ? " value of another shard)" : " values of other shards)");
                }
            }
            text.append('\n');
        }
        if (!mergePlan.isEmpty()) {
            text.append("Merge:\n");
            for (String line : mergePlan.split("\n")) {
                text.append("  ").append(line).append('\n');
            }
        }
        return text.toString();
    }
}
