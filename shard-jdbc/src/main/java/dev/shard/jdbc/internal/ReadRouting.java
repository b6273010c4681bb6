package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.RoutedStatement;
import dev.shard.core.internal.sql.ReadDirectives;
import dev.shard.core.internal.sql.StatementKind;

/**
 * Read/write splitting: which statements may run on a replica (docs/replication.md). A statement may when it
 * reads without locking, carries no {@code shard:primary} hint, and runs outside a transaction or in a read-only
 * one, on a connection not set to primary only, on a shard that has replicas. Everything else runs on the
 * primary: writes must, locking reads take their locks there, and a read-write transaction must see its own
 * writes.
 */
final class ReadRouting {

    private ReadRouting() {
    }

    /** Whether a statement writes, reads, or reads what only the primary can serve. */
    static Topology.Intent intentOf(RoutedStatement routed) {
        if (routed.plan().kind() != StatementKind.SELECT) {
            return Topology.Intent.WRITE;
        }
        ReadDirectives directives = routed.readDirectives();
        return directives.locks() || directives.primaryHinted() ? Topology.Intent.READ_ON_PRIMARY
                : Topology.Intent.READ;
    }

    /**
     * @param intent      as {@link LogicalConnection#physical} sees it: {@code READ_IN_TRANSACTION} once auto-commit
     *                    is off
     * @param readOnly    the connection's {@code setReadOnly}
     * @param primaryOnly the connection's {@link dev.shard.jdbc.ShardConnection#setPrimaryOnly}
     * @param replicas    how many replicas the shard has
     */
    static boolean mayUseReplica(Topology.Intent intent, boolean readOnly, boolean primaryOnly, int replicas) {
        if (replicas == 0 || primaryOnly) {
            return false;
        }
        return switch (intent) {
            case READ -> true;
            case READ_IN_TRANSACTION -> readOnly;
            case WRITE, READ_ON_PRIMARY -> false;
        };
    }
}
