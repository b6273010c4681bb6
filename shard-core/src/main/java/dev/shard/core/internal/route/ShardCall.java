package dev.shard.core.internal.route;

import java.util.List;

/**
 * One statement sent to one shard: the unit that runs, that explain shows, and that a recording driver sees.
 *
 * @param shard     index of the shard in the topology the statement was routed against
 * @param sql       the text the shard receives
 * @param binds     one entry per '?' in {@code sql}, in order
 * @param asWritten true when {@code sql} and {@code binds} are exactly the user's statement and parameters: the
 *                  logical statement may then run it on a physical statement it keeps (a prepared statement
 *                  reuses its per-shard one; a plain statement sends the text); false for text Shard made, which
 *                  is prepared for the call
 */
public record ShardCall(int shard, String sql, List<Bind> binds, boolean asWritten) {

    public ShardCall {
        binds = List.copyOf(binds);
    }
}
