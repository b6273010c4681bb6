package dev.shard.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A logical connection's standing towards changes of the topology, used by its own thread only.
 *
 * <p>Which topology its statements route by: as a statement starts outside a transaction, or starts one (before it
 * touches a shard), the connection moves to the runtime's current topology; inside a transaction it keeps the one
 * it started with, so that a transaction never spans two versions of the shard set (a write of such a transaction
 * to a slot that moved since is refused by {@link ReshardSwitch}).
 *
 * <p>Whether its open transaction, or its running auto-commit statement, wrote to a slot a reshard moves:
 * {@link ReshardSwitch} acknowledges a freeze only once no connection has.
 */
final class TopologyPin {

    private final ShardRuntime runtime;
    private final LogicalConnection connection;
    private final HeldConnections held;
    /** Told of each physical connection given back because its data source left the topology. */
    private final Consumer<Connection> returned;
    private final BooleanSupplier autoCommit;
    /** The statement running runs with auto-commit, or is the first of its transaction. */
    private boolean mayMove;
    private boolean older;
    private boolean wroteMovingSlot;
    /** Statements running (a batch runs some entries as statements of their own). */
    private int running;
    /** Batches running: their entries are grouped by shard as routed, so the topology must not change under them. */
    private int batches;

    TopologyPin(LogicalConnection connection, HeldConnections held, Consumer<Connection> returned,
                BooleanSupplier autoCommit) {
        this.runtime = connection.runtime();
        this.connection = connection;
        this.held = held;
        this.returned = returned;
        this.autoCommit = autoCommit;
    }

    /** @param mayMove whether the statement starting runs with auto-commit or starts a transaction */
    Topology forStatement(boolean mayMove) throws SQLException {
        this.mayMove = mayMove;
        move();
        return held.topology();
    }

    /** A held write was released because the slot map changed: it routes again, by the new map if it may. */
    void afterHold() throws SQLException {
        if (batches == 0) {
            move();
        }
    }

    private void move() throws SQLException {
        Topology current = runtime.topology();
        if (current != held.topology() && mayMove) {
            held.repin(current).forEach(returned);
        }
        older = current != held.topology();
    }

    /** Whether the running statement's transaction stays on an older topology than the runtime's. */
    boolean older() {
        return older;
    }

    void wroteMovingSlot() {
        wroteMovingSlot = true;
    }

    void statementStarted() {
        running++;
    }

    void batchStarted() {
        batches++;
        running++;
    }

    void batchEnded() {
        batches--;
        statementEnded();
    }

    /** An auto-commit statement's write is over when the outermost statement ends. */
    void statementEnded() {
        if (--running == 0 && wroteMovingSlot && autoCommit.getAsBoolean()) {
            transactionEnded();
        }
    }

    void transactionEnded() {
        if (wroteMovingSlot) {
            wroteMovingSlot = false;
            runtime.reshard().released(connection);
        }
    }
}
