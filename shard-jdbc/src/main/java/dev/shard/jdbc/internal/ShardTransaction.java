package dev.shard.jdbc.internal;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * The transaction of one logical connection across the shards it touched: commit and rollback shard by shard
 * with exact reports of partial outcomes, and savepoints that span every held connection (including those
 * opened after the savepoint was set).
 */
final class ShardTransaction {

    /** Drops a shard's physical connection whose transaction state is unknown. */
    @FunctionalInterface
    interface Discarder {
        void discard(int shard);
    }

    private final HeldConnections held;
    private final Discarder discarder;
    private final List<LogicalSavepoint> savepoints = new ArrayList<>();
    private int savepointCounter;

    ShardTransaction(HeldConnections held, Discarder discarder) {
        this.held = held;
        this.discarder = discarder;
    }

    /** How many savepoints are set: a connection opened now is older than none of the later ones. */
    int savepointDepth() {
        return savepoints.size();
    }

    void clearSavepoints() {
        savepoints.clear();
    }

    /**
     * Commits each shard's local transaction, one shard after another in shard order (the order the data sources
     * are declared in). There is no two-phase commit, so once one shard has committed nothing can undo it; what
     * this does guarantee is that a failure is never a silent partial commit:
     * <ul>
     *   <li>at the first failure it stops: the shards after the failed one are rolled back, not committed, so
     *       that the report below is the whole truth;</li>
     *   <li>the SQLException names the shards that committed, the one that failed (with the driver's exception
     *       as its cause) and the ones rolled back;</li>
     *   <li>the failed shard's physical connection is discarded: its transaction state is unknown and it is
     *       usually broken. The next statement there borrows a new one.</li>
     * </ul>
     * With a single shard in the transaction this is a plain commit: the driver's exception passes unchanged.
     */
    void commitEveryShard() throws SQLException {
        int single = held.single();
        if (single >= 0) {
            try {
                held.get(single).commit();
            } catch (SQLException e) {
                discarder.discard(single);
                throw e;
            }
            return;
        }
        refuseIfWorkWasLost();
        List<String> committed = new ArrayList<>();
        for (int shard = 0; shard < held.size(); shard++) {
            if (held.get(shard) != null) {
                try {
                    held.get(shard).commit();
                } catch (SQLException e) {
                    throw commitFailed(shard, e, committed);
                }
                committed.add(held.name(shard));
            }
        }
    }

    /**
     * A connection that broke during the transaction took its shard's uncommitted work with it: its server rolled
     * it back. Committing the other shards would be a partial commit known in advance, so everything is rolled
     * back instead.
     */
    private void refuseIfWorkWasLost() throws SQLException {
        List<String> lost = new ArrayList<>();
        for (int shard = 0; shard < held.size(); shard++) {
            if (held.get(shard) != null && HeldConnections.isBroken(held.get(shard))) {
                lost.add(held.name(shard));
                discarder.discard(shard);
            }
        }
        if (lost.isEmpty()) {
            return;
        }
        List<String> others = new ArrayList<>();
        for (int shard = 0; shard < held.size(); shard++) {
            if (held.get(shard) != null) {
                others.add(held.name(shard));
            }
        }
        String message = "Commit refused: the connection to " + lost + " was lost during the transaction, and "
                + "the work done there with it (a server rolls back what a lost connection had not committed). "
                + "Nothing was committed";
        try {
            rollbackEveryShard();
        } catch (SQLException e) {
            throw new SQLTransactionRollbackException(message + ". Rolling back the other shards: " + e.getMessage(),
                    "40000", e);
        }
        throw new SQLTransactionRollbackException(message + "; rolled back on " + others, "40000");
    }

    /** After a commit failed on one shard: discard it, roll back the shards not yet committed, report it all. */
    private SQLException commitFailed(int failedShard, SQLException cause, List<String> committed) {
        String failed = held.name(failedShard);
        discarder.discard(failedShard);
        List<String> rolledBack = new ArrayList<>();
        List<String> rollbackFailed = new ArrayList<>();
        for (int shard = failedShard + 1; shard < held.size(); shard++) {
            if (held.get(shard) != null) {
                rolledBack.add(held.name(shard));
                try {
                    held.get(shard).rollback();
                } catch (SQLException e) {
                    // Closing the connection ends its transaction without a commit: the server rolls it back.
                    rollbackFailed.add(held.name(shard));
                    cause.addSuppressed(e);
                    discarder.discard(shard);
                }
            }
        }
        StringBuilder message = new StringBuilder("Cross-shard commit incomplete: committed on ").append(committed)
                .append("; failed on ").append(failed).append(": ").append(cause.getMessage())
                .append("; not committed (rolled back) on ").append(rolledBack).append('.');
        if (!rollbackFailed.isEmpty()) {
            message.append(" The rollback failed on ").append(rollbackFailed).append(" too; their connections were "
                    + "closed, so their servers roll the work back.");
        }
        if (cause.getSQLState() != null && cause.getSQLState().startsWith("08")) {
            message.append(" The connection to ").append(failed).append(" was lost during the commit, so whether ")
                    .append(failed).append(" committed is not known.");
        }
        if (!committed.isEmpty()) {
            message.append(" What committed stays committed: there is no two-phase commit across shards.");
        }
        return new SQLException(message.toString(), cause.getSQLState(), cause.getErrorCode(), cause);
    }

    /**
     * Rolls back every shard, whatever happens to the others. A shard whose rollback fails has its physical
     * connection discarded: closing it is what makes its server roll back, and the next statement there borrows
     * a new one. With a single shard in the transaction the driver's exception passes unchanged.
     */
    void rollbackEveryShard() throws SQLException {
        int single = held.single();
        if (single >= 0) {
            try {
                held.get(single).rollback();
            } catch (SQLException e) {
                discarder.discard(single);
                throw e;
            }
            return;
        }
        SQLException first = null;
        StringBuilder failures = new StringBuilder();
        List<String> rolledBack = new ArrayList<>();
        for (int shard = 0; shard < held.size(); shard++) {
            if (held.get(shard) != null) {
                try {
                    held.get(shard).rollback();
                    rolledBack.add(held.name(shard));
                } catch (SQLException e) {
                    failures.append(failures.isEmpty() ? "" : "; failed on ").append(held.name(shard))
                            .append(": ").append(e.getMessage());
                    first = SqlExceptions.chain(first, e);
                    discarder.discard(shard);
                }
            }
        }
        if (first != null) {
            throw new SQLException("Rollback failed on " + failures + "; rolled back on " + rolledBack
                    + ". The failed shards' connections were closed, so their servers roll the work back.",
                    first.getSQLState(), first.getErrorCode(), first);
        }
    }


    Savepoint setSavepoint(String name) throws SQLException {
        int id = ++savepointCounter;
        Savepoint[] perShard = new Savepoint[held.size()];
        for (int i = 0; i < held.size(); i++) {
            if (held.get(i) != null) {
                perShard[i] = name == null ? held.get(i).setSavepoint() : held.get(i).setSavepoint(name);
            }
        }
        LogicalSavepoint savepoint = new LogicalSavepoint(id, name, perShard, savepoints.size());
        savepoints.add(savepoint);
        return savepoint;
    }

    void rollback(Savepoint savepoint) throws SQLException {
        LogicalSavepoint target = own(savepoint);
        // Connections opened after the savepoint hold only work done after it: roll all of it back.
        held.forEach("rollback to savepoint", (shard, c) -> {
            if (target.perShard[shard] != null) {
                c.rollback(target.perShard[shard]);
            } else if (held.openedAtSavepointDepth(shard) > target.depth) {
                c.rollback();
            }
        });
        savepoints.subList(target.depth + 1, savepoints.size()).clear();
    }

    void releaseSavepoint(Savepoint savepoint) throws SQLException {
        LogicalSavepoint target = own(savepoint);
        held.forEach("release savepoint", (shard, c) -> {
            if (target.perShard[shard] != null) {
                c.releaseSavepoint(target.perShard[shard]);
            }
        });
        savepoints.subList(target.depth, savepoints.size()).clear();
    }

    private LogicalSavepoint own(Savepoint savepoint) throws SQLException {
        if (savepoint instanceof LogicalSavepoint logical && savepoints.contains(logical)) {
            return logical;
        }
        throw new SQLException("Savepoint " + savepoint + " does not belong to this transaction", "3B001");
    }

    private static final class LogicalSavepoint implements Savepoint {
        private final int id;
        private final String name;
        private final Savepoint[] perShard;
        private final int depth;

        LogicalSavepoint(int id, String name, Savepoint[] perShard, int depth) {
            this.id = id;
            this.name = name;
            this.perShard = perShard;
            this.depth = depth;
        }

        @Override
        public int getSavepointId() throws SQLException {
            if (name != null) {
                throw new SQLException("Savepoint is named; use getSavepointName()", "HY000");
            }
            return id;
        }

        @Override
        public String getSavepointName() throws SQLException {
            if (name == null) {
                throw new SQLException("Savepoint is not named; use getSavepointId()", "HY000");
            }
            return name;
        }

        @Override
        public String toString() {
            return name == null ? "savepoint " + id : "savepoint " + name;
        }
    }

}
