package dev.shard.core.internal.sql;

import java.util.List;

/**
 * A SELECT rewritten to run on several shards.
 *
 * @param shardSql    the text every shard runs, with '?' markers
 * @param shardParams one entry per '?' in {@code shardSql}, in order
 * @param merge       how to combine the shards' rows
 */
public record ScatterSelect(String shardSql, List<ShardParam> shardParams, MergeSpec merge) {

    public ScatterSelect {
        shardParams = List.copyOf(shardParams);
    }

    /** Where a '?' of the shard query takes its value from. */
    public sealed interface ShardParam {

        /** The {@code index}-th '?' (0-based) of the normalised template. */
        record FromTemplate(int index) implements ShardParam {
        }

        /** LIMIT pushed to shards: offset + count of the user's LIMIT, so that the merge can skip the offset. */
        record LimitSum(ValueRef offset, ValueRef count) implements ShardParam {
        }
    }
}
