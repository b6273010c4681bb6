package dev.shard.core.internal.sql;

import java.util.List;

/**
 * An outer join: the tables whose rows it keeps whatever matches, and the tables it may pad with NULLs. Run on
 * every shard, a kept table that is not sharded would be kept once per shard.
 */
public record OuterJoin(List<String> preserved, List<String> nullable) {

    public OuterJoin {
        preserved = List.copyOf(preserved);
        nullable = List.copyOf(nullable);
    }
}
