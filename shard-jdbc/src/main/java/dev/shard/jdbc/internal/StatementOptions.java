package dev.shard.jdbc.internal;

import java.sql.ResultSet;

/** Result-set type, concurrency and holdability asked for when the statement was created; -1 = driver default. */
record StatementOptions(int resultSetType, int resultSetConcurrency, int resultSetHoldability) {

    static final StatementOptions DEFAULT =
            new StatementOptions(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, -1);
}
