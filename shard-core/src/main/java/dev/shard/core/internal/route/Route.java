package dev.shard.core.internal.route;

import dev.shard.core.RouteKind;

/** Where one execution of a statement goes. */
public sealed interface Route {

    /** The route kind as users see it in logs, metrics and explain output. */
    RouteKind kind();

    /** The one shard that holds the statement's shard-key value. */
    record Single(int shard) implements Route {
        @Override
        public RouteKind kind() {
            return RouteKind.SINGLE_SHARD;
        }
    }

    /**
     * Several shards, each running the statement over its own rows; their results are merged.
     *
     * @param shards       the shards, ascending
     * @param prunedParams template parameter indexes whose value belongs to one shard only, with that shard
     *                     ({@code prunedShards[i]} for {@code prunedParams[i]}): every other shard binds NULL
     *                     there, so that each shard receives only its own IN-list and OR values
     */
    record Scatter(int[] shards, int[] prunedParams, int[] prunedShards) implements Route {

        @Override
        public RouteKind kind() {
            return RouteKind.SCATTER;
        }

        /** Whether a shard binds NULL instead of the value of a template parameter. */
        public boolean prunes(int shard, int templateParam) {
            for (int i = 0; i < prunedParams.length; i++) {
                if (prunedParams[i] == templateParam) {
                    return prunedShards[i] != shard;
                }
            }
            return false;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Scatter s && java.util.Arrays.equals(shards, s.shards)
                    && java.util.Arrays.equals(prunedParams, s.prunedParams)
                    && java.util.Arrays.equals(prunedShards, s.prunedShards);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(shards);
        }

        @Override
        public String toString() {
            return "Scatter" + java.util.Arrays.toString(shards);
        }
    }

    /**
     * A multi-row INSERT whose rows belong on several shards: each shard gets the statement with only its rows.
     *
     * @param rowShards the shard of each row, in the statement's row order
     */
    record InsertSplit(int[] rowShards) implements Route {

        @Override
        public RouteKind kind() {
            return RouteKind.SPLIT_INSERT;
        }

        /** The shards that receive rows, ascending. */
        public int[] shards() {
            return java.util.Arrays.stream(rowShards).distinct().sorted().toArray();
        }

        /** The rows (ascending indexes) that go to one shard. */
        public int[] rowsOf(int shard) {
            return java.util.stream.IntStream.range(0, rowShards.length).filter(r -> rowShards[r] == shard).toArray();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof InsertSplit split && java.util.Arrays.equals(rowShards, split.rowShards);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(rowShards);
        }

        @Override
        public String toString() {
            return "InsertSplit" + java.util.Arrays.toString(rowShards);
        }
    }

    /**
     * A UNION whose branches run where each routes, their rows combined; a union whose branches all land on one
     * shard routes {@link Single} (or {@link Default}, {@link AnyOne}) instead and runs whole.
     *
     * @param branches each branch's route, in the statement's order
     */
    record Union(java.util.List<Route> branches) implements Route {

        public Union {
            branches = java.util.List.copyOf(branches);
        }

        @Override
        public RouteKind kind() {
            return RouteKind.SCATTER;
        }
    }

    /** Every shard: DDL of sharded or broadcast tables, and writes to broadcast tables. */
    record All() implements Route {
        @Override
        public RouteKind kind() {
            return RouteKind.ALL_SHARDS;
        }
    }

    /** Any one shard will do: reads of broadcast tables, which hold the same rows everywhere. */
    record AnyOne() implements Route {
        @Override
        public RouteKind kind() {
            return RouteKind.ANY_SHARD;
        }
    }

    /** The default data source: tables with no rule, and statements that touch no table. */
    record Default(int shard) implements Route {
        @Override
        public RouteKind kind() {
            return RouteKind.DEFAULT;
        }
    }
}
