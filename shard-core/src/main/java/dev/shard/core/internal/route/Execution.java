package dev.shard.core.internal.route;

import dev.shard.core.RouteKind;
import dev.shard.core.internal.sql.MergeSpec;
import dev.shard.core.internal.sql.UnionShape;
import java.sql.SQLException;
import java.util.List;

/**
 * What one execution of a statement does, decided by routing before anything runs: the shard calls, and for a
 * query on several shards how their rows merge. The executor runs exactly this value, and explain renders
 * exactly this value, so the two cannot drift apart.
 */
public sealed interface Execution {

    RouteKind routeKind();

    /** Every statement this execution sends, in the order the shards are listed. */
    List<ShardCall> calls();

    /** Keys Shard generated for an INSERT's rows, which getGeneratedKeys returns. */
    default GeneratedValues generated() {
        return GeneratedValues.NONE;
    }

    /** Dispatch by shape: each shape has its own executor, and a new shape must be handled by every visitor. */
    <R> R accept(Visitor<R> visitor) throws SQLException;

    interface Visitor<R> {
        R oneShard(OneShard execution) throws SQLException;

        R keyedInsert(KeyedInsert execution) throws SQLException;

        R scatterQuery(ScatterQuery execution) throws SQLException;

        R multiShardWrite(MultiShardWrite execution) throws SQLException;

        R everyShard(EveryShard execution) throws SQLException;

        R unionQuery(UnionQuery execution) throws SQLException;
    }

    /** The user's statement, as written, on one shard (by key, the default data source, or any shard). */
    record OneShard(RouteKind routeKind, ShardCall call) implements Execution {

        @Override
        public List<ShardCall> calls() {
            return List.of(call);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) throws SQLException {
            return visitor.oneShard(this);
        }
    }

    /** An INSERT on one shard whose key column Shard added and filled with generated values. */
    record KeyedInsert(ShardCall call, GeneratedValues generated) implements Execution {

        @Override
        public RouteKind routeKind() {
            return RouteKind.SINGLE_SHARD;
        }

        @Override
        public List<ShardCall> calls() {
            return List.of(call);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) throws SQLException {
            return visitor.keyedInsert(this);
        }
    }

    /**
     * A SELECT on several shards at once, their rows merged into one result.
     *
     * @param bindings the execution's values, for what the merge evaluates itself (LIMIT, HAVING)
     * @param paceKey  the statement's normalised text, under which its execution times are kept
     */
    record ScatterQuery(List<ShardCall> calls, MergeSpec merge, Bindings bindings, String paceKey)
            implements Execution {

        public ScatterQuery {
            calls = List.copyOf(calls);
        }

        @Override
        public RouteKind routeKind() {
            return RouteKind.SCATTER;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) throws SQLException {
            return visitor.scatterQuery(this);
        }
    }

    /**
     * A UNION whose branches run where each routes (a one-shard branch as a one-call query), each merged as its
     * own query, then combined: deduplicated where the union says DISTINCT, ordered and limited by the union's
     * ORDER BY and LIMIT.
     *
     * @param branches the branches' queries, in the statement's order
     * @param bindings the union's values, for its LIMIT
     */
    record UnionQuery(List<ScatterQuery> branches, UnionShape.Combine combine, Bindings bindings)
            implements Execution {

        public UnionQuery {
            branches = List.copyOf(branches);
        }

        @Override
        public RouteKind routeKind() {
            return RouteKind.SCATTER;
        }

        @Override
        public List<ShardCall> calls() {
            return branches.stream().flatMap(branch -> branch.calls().stream()).toList();
        }

        @Override
        public <R> R accept(Visitor<R> visitor) throws SQLException {
            return visitor.unionQuery(this);
        }
    }

    /**
     * One write on several shards, applied all-or-nothing: an UPDATE or DELETE without a single key, a
     * multi-row INSERT split by shard, or a write to a broadcast table.
     *
     * @param countOneCopy true for a broadcast table, whose update count is that of one copy; else the sum
     * @param generated    keys Shard generated for the INSERT's rows, or {@link GeneratedValues#NONE}
     */
    record MultiShardWrite(RouteKind routeKind, List<ShardCall> calls, boolean countOneCopy,
                           GeneratedValues generated, String paceKey) implements Execution {

        public MultiShardWrite {
            calls = List.copyOf(calls);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) throws SQLException {
            return visitor.multiShardWrite(this);
        }
    }

    /** DDL on every shard, one after another, reporting which shards applied it if one fails. */
    record EveryShard(List<ShardCall> calls) implements Execution {

        public EveryShard {
            calls = List.copyOf(calls);
        }

        @Override
        public RouteKind routeKind() {
            return RouteKind.ALL_SHARDS;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) throws SQLException {
            return visitor.everyShard(this);
        }
    }

    /**
     * Keys generated for an INSERT's rows before routing (the key may be the shard key), in row order, for
     * getGeneratedKeys.
     */
    record GeneratedValues(String column, List<Object> keys) {

        public static final GeneratedValues NONE = new GeneratedValues(null, List.of());

        public GeneratedValues {
            keys = List.copyOf(keys);
        }

        public boolean any() {
            return column != null;
        }
    }
}
