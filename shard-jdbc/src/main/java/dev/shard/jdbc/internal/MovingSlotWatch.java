package dev.shard.jdbc.internal;

import dev.shard.core.RouteKind;
import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.ShardCall;
import dev.shard.core.internal.route.ShardMap;
import java.sql.SQLException;
import java.util.BitSet;

/**
 * Routes a write as the topology does, while noting every shard-key slot the router looks up, so that the write can
 * be checked against the slots a reshard moves: one that touches a moving slot by key, or runs without a key on a
 * shard that slots move away from, is a write to moving slots. Used only while a reshard is announced, or for a
 * transaction still on an older topology; otherwise statements route on the topology directly.
 */
final class MovingSlotWatch implements ShardMap {

    private final Topology topology;
    private final KeyCollations collations;
    /** The slots a reshard moves (null: none announced). */
    private final SlotMoves moving;
    /** The reshard adds data sources: a broadcast write must wait for the switch like a moving slot's write. */
    private final boolean broadcastMoves;
    /** The slots that moved since the transaction's topology (null: it is current). */
    private final SlotMoves moved;
    /** Data sources were added since the transaction's topology: its broadcast writes would miss them. */
    private final boolean broadcastMoved;
    /** The shards some key routed to: a call elsewhere runs without a key. */
    private final BitSet keyed = new BitSet();
    private String movingHit;
    private String movedHit;

    MovingSlotWatch(Topology topology, KeyCollations collations, SlotMoves moving, boolean broadcastMoves,
                    SlotMoves moved, boolean broadcastMoved) {
        this.topology = topology;
        this.collations = collations;
        this.moving = moving;
        this.broadcastMoves = broadcastMoves;
        this.moved = moved;
        this.broadcastMoved = broadcastMoved;
    }

    @Override
    public int shardCount() {
        return topology.shardCount();
    }

    @Override
    public int defaultShard() {
        return topology.defaultShard();
    }

    @Override
    public int shardOf(Object value) {
        return note(dev.shard.core.internal.hash.ShardKeys.slotOf(value), "a sharded table");
    }

    @Override
    public int shardOf(Object value, String table, String column) throws SQLException {
        return note(collations.slotOf(value, table, column), "table " + table);
    }

    private int note(int slot, String table) {
        if (moving != null && movingHit == null && moving.moves(slot)) {
            movingHit = table + ", " + moving.describe(slot);
        }
        if (moved != null && movedHit == null && moved.moves(slot)) {
            movedHit = table + ", " + moved.describe(slot);
        }
        int shard = topology.slotMap().shardIndexOfSlot(slot);
        keyed.set(shard);
        return shard;
    }

    @Override
    public String shardName(int shard) {
        return topology.shardName(shard);
    }

    /**
     * Once routed: a call on a shard no key routed to writes rows of any slot there.
     *
     * @param broadcastTable the broadcast table the write writes on every shard (null if unknown), for messages
     */
    void routed(Execution execution, String broadcastTable) {
        RouteKind kind = execution.routeKind();
        String broadcast = broadcastTable == null ? "a broadcast table" : "broadcast table " + broadcastTable;
        if (kind == RouteKind.ALL_SHARDS && broadcastMoves && movingHit == null) {
            movingHit = broadcast + ", which a reshard copies to the data sources it adds";
        }
        if (kind == RouteKind.ALL_SHARDS && broadcastMoved && movedHit == null) {
            movedHit = broadcast + ", now also on data sources this transaction's version lacks";
        }
        if (kind != RouteKind.SINGLE_SHARD && kind != RouteKind.SCATTER && kind != RouteKind.SPLIT_INSERT) {
            return; // broadcast tables (above), tables with no rule: no slot moves their rows
        }
        for (ShardCall call : execution.calls()) {
            if (keyed.get(call.shard())) {
                continue;
            }
            String name = topology.shardName(call.shard());
            if (moving != null && movingHit == null && moving.movesFrom(name)) {
                movingHit = "a write without a single shard key on " + name + ", which slots move away from";
            }
            if (moved != null && movedHit == null && moved.movesFrom(name)) {
                movedHit = "a write without a single shard key on " + name + ", which slots moved away from";
            }
        }
    }

    /** What of the write is in a moving slot, for messages; null if nothing. */
    String movingHit() {
        return movingHit;
    }

    /** What of the write is in a slot that moved since its transaction's topology; null if nothing. */
    String movedHit() {
        return movedHit;
    }
}
