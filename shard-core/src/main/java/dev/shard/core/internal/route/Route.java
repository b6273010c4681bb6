package dev.shard.core.internal.route;

/** Where one execution of a statement goes. */
public sealed interface Route {

    /** The one shard that holds the statement's shard-key value. */
    record Single(int shard) implements Route {
    }

    /** Every shard: DDL of sharded or broadcast tables, and writes to broadcast tables. */
    record All() implements Route {
    }

    /** Any one shard will do: reads of broadcast tables, which hold the same rows everywhere. */
    record AnyOne() implements Route {
    }

    /** The default data source: tables with no rule, and statements that touch no table. */
    record Default(int shard) implements Route {
    }

    /** The route kind as users see it in logs and explain output. */
    default String kind() {
        if (this instanceof Single) {
            return "SINGLE_SHARD";
        }
        if (this instanceof All) {
            return "ALL_SHARDS";
        }
        if (this instanceof AnyOne) {
            return "ANY_SHARD";
        }
        return "DEFAULT";
    }
}
