package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.Bind;
import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.ShardCall;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@link Execution} for a logical statement, each shape by its own small executor, and leaves the
 * outcome (result set, update count, the physical statement for warnings and keys) on the statement.
 *
 * @param statement  the logical statement the outcome goes to
 * @param own        how the statement runs its own text on a shard
 * @param parameters the user's values
 * @param mode       which execute method the application called
 * @param intent     whether the statement reads or writes, for the choice of physical connection
 * @param sql        the user's statement, for error messages
 * @param deadline   the statement's query timeout, which every physical statement runs under
 */
record ExecutionRunner(ShardStatement statement, OwnStatements own, StatementParameters parameters, Mode mode,
                       Topology.Intent intent, String sql, QueryDeadline deadline)
        implements Execution.Visitor<Boolean> {

    /** Which execute method the application called: it decides which results are allowed. */
    enum Mode { QUERY, UPDATE, LARGE_UPDATE, ANY }

    /** @return true if the result is a result set */
    boolean run(Execution execution) throws SQLException {
        try {
            return execution.accept(this);
        } catch (SQLException e) {
            // A read outside a transaction that lost its replica connection runs once more: the replica is out of
            // the rotation now, so on another replica or the primary. Nothing was read yet, and nothing written.
            if (intent == Topology.Intent.READ && statement.connection.lostReplicaConnection(e)) {
                try {
                    statement.outcome.clear(false);
                    return execution.accept(this);
                } catch (SQLException again) {
                    again.addSuppressed(e);
                    throw deadline.explain(again);
                }
            }
            throw deadline.explain(e);
        }
    }

    @Override
    public Boolean oneShard(Execution.OneShard execution) throws SQLException {
        int shard = execution.call().shard();
        LogicalConnection connection = statement.connection;
        boolean borrowedForIt = !connection.holds(shard);
        try {
            Statement physical = own.open(shard, intent);
            statement.settings.applyTo(physical, true, own.kept());
            statement.outcome.ranOn(physical, connection.physical(shard, intent));
            boolean hasResultSet;
            try (QueryDeadline.Watch watched = deadline.watch(connection.topology(), shard, physical)) {
                hasResultSet = switch (mode) {
                    case QUERY -> {
                        statement.outcome.resultIs(new ShardResultSet(own.executeQuery(physical, sql), statement));
                        yield true;
                    }
                    case UPDATE, LARGE_UPDATE -> {
                        statement.outcome.updateCountIs(own.executeUpdate(physical, sql, mode == Mode.LARGE_UPDATE));
                        yield false;
                    }
                    case ANY -> {
                        boolean result = own.execute(physical, sql);
                        if (result) {
                            statement.outcome.resultIs(new ShardResultSet(physical.getResultSet(), statement));
                        } else {
                            statement.outcome.updateCountIs(physical.getUpdateCount());
                        }
                        yield result;
                    }
                };
            }
            connection.topology().answered(shard, physical);
            return hasResultSet;
        } catch (SQLException e) {
            throw connection.statementFailed(shard, borrowedForIt, e);
        }
    }

    @Override
    public Boolean keyedInsert(Execution.KeyedInsert execution) throws SQLException {
        refuseQuery("writes");
        ShardCall call = execution.call();
        try (PreparedStatement physical = statement.connection.physical(call.shard(), Topology.Intent.WRITE)
                .prepareStatement(call.sql())) {
            statement.settings.applyTo(physical, true, false);
            bind(physical, call);
            statement.outcome.cancelReaches(physical);
            try (QueryDeadline.Watch watched = deadline.watch(statement.connection.topology(), call.shard(),
                    physical)) {
                statement.outcome.updateCountIs(physical.executeLargeUpdate());
                statement.connection.topology().answered(call.shard());
            } finally {
                statement.outcome.cancelReaches(null);
            }
        }
        return false;
    }

    @Override
    public Boolean scatterQuery(Execution.ScatterQuery execution) throws SQLException {
        return mergedQuery(() -> ScatterQueryRun.open(statement.connection.runtime().dialect(), statement,
                execution, this::bindForScatter, deadline));
    }

    @Override
    public Boolean unionQuery(Execution.UnionQuery execution) throws SQLException {
        return mergedQuery(() -> UnionQueryRun.open(statement.connection.runtime().dialect(), statement,
                execution, this::bindForScatter, deadline, sql));
    }

    /** Opens a result Shard merges from shard statements it prepares and binds itself. */
    @FunctionalInterface
    private interface MergedResult {
        java.sql.ResultSet open() throws SQLException;
    }

    private boolean mergedQuery(MergedResult result) throws SQLException {
        if (mode == Mode.UPDATE || mode == Mode.LARGE_UPDATE) {
            throw new SQLException("executeUpdate was given a query: " + sql, "07000");
        }
        parameters.checkReplayable(sql);
        statement.outcome.resultIs(result.open());
        return true;
    }

    @Override
    public Boolean multiShardWrite(Execution.MultiShardWrite execution) throws SQLException {
        refuseQuery(execution.countOneCopy() ? "writes to every shard" : "writes");
        parameters.checkReplayable(sql);
        long[] counts = MultiShardWrite.run(statement.connection, execution.calls(), execution.paceKey(),
                (physical, call) -> {
                    statement.settings.applyTo(physical, true, false);
                    bind(physical, call);
                }, sql, statement.outcome::scatterRunning, deadline);
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        statement.outcome.updateCountIs(execution.countOneCopy() ? counts[0] : total);
        return false;
    }

    /**
     * DDL: every shard, in order. A failure names the shards that already applied the statement and those that
     * did not, so that nothing is half-applied in silence.
     */
    @Override
    public Boolean everyShard(Execution.EveryShard execution) throws SQLException {
        refuseQuery("writes to every shard");
        LogicalConnection connection = statement.connection;
        List<String> applied = new ArrayList<>();
        long firstCount = -1;
        List<ShardCall> calls = execution.calls();
        for (int i = 0; i < calls.size(); i++) {
            int shard = calls.get(i).shard();
            boolean borrowedForIt = !connection.holds(shard);
            try {
                Statement physical = own.open(shard, Topology.Intent.WRITE);
                statement.settings.applyTo(physical, true, own.kept());
                statement.outcome.cancelReaches(physical); // a long DDL can be cancelled
                long count;
                try (QueryDeadline.Watch watched = deadline.watch(connection.topology(), shard, physical)) {
                    count = own.executeUpdate(physical, sql, mode == Mode.LARGE_UPDATE);
                    connection.topology().answered(shard);
                } finally {
                    statement.outcome.cancelReaches(null);
                }
                own.release(physical);
                if (firstCount < 0) {
                    firstCount = count;
                }
                applied.add(connection.topology().shardName(shard));
            } catch (SQLException e) {
                connection.dropIfBroken(shard, borrowedForIt);
                List<String> notApplied = new ArrayList<>();
                for (int rest = i; rest < calls.size(); rest++) {
                    notApplied.add(connection.topology().shardName(calls.get(rest).shard()));
                }
                throw new SQLException("Statement failed on shard " + connection.topology().shardName(shard)
                        + ": " + e.getMessage() + ". Applied on " + applied + "; not applied on " + notApplied
                        + ": " + sql, e.getSQLState(), e.getErrorCode(), e);
            }
        }
        statement.outcome.updateCountIs(Math.max(firstCount, 0));
        return false;
    }

    private void bindForScatter(PreparedStatement physical, ShardCall call) throws SQLException {
        statement.settings.applyTo(physical, false, false);
        bind(physical, call);
    }

    private void bind(PreparedStatement physical, ShardCall call) throws SQLException {
        List<Bind> binds = call.binds();
        for (int i = 0; i < binds.size(); i++) {
            binds.get(i).bindTo(physical, i + 1, parameters);
        }
    }

    private void refuseQuery(String what) throws SQLException {
        if (mode == Mode.QUERY) {
            throw new SQLException("executeQuery was given a statement that " + what + ": " + sql, "07000");
        }
    }
}
