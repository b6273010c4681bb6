package dev.shard.jdbc.internal;

import dev.shard.core.internal.route.Bind;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The user's parameter values of one execution, as the executors see them. */
interface StatementParameters extends Bind.UserParameters {

    /** How many '?' the user wrote. */
    int count();

    /**
     * Refuses values that cannot be sent to several shards (streams, which can be read once) before a statement
     * that runs on several shards starts on any of them.
     */
    void checkReplayable(String sql) throws SQLException;

    /** A plain Statement's: it has no '?' of its own, so asking for one is the user's mistake, said plainly. */
    static StatementParameters none(String sql) {
        return new StatementParameters() {
            @Override
            public int count() {
                return 0;
            }

            @Override
            public void checkReplayable(String ignored) {
            }

            @Override
            public Object value(int index) throws SQLException {
                throw noParameters();
            }

            @Override
            public void bind(PreparedStatement target, int position, int index) throws SQLException {
                throw noParameters();
            }

            private SQLException noParameters() {
                return new SQLException("Statement has '?' parameters; use a PreparedStatement: " + sql, "07001");
            }
        };
    }
}
