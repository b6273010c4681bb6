package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.InsertShape;
import java.sql.SQLException;
import java.util.List;

/**
 * An INSERT that lists no columns, routed as if it listed the table's columns: they are read from the database
 * (cached), and read again once when the statement's values do not fit them, since the table may have changed
 * outside Shard. The statement itself still goes to the shards as written.
 *
 * @param insert  the INSERT with the table's columns, or null when they are unknown (the planner then refuses)
 * @param refusal why the statement cannot be routed, or null
 */
record InsertColumns(InsertShape insert, String refusal) {

    static InsertColumns fill(InsertShape insert, TableColumns source, ShardingRules rules) throws SQLException {
        List<String> columns = source.of(insert.table(), insert.target(), false);
        if (columns != null && !fits(insert, columns)) {
            columns = source.of(insert.table(), insert.target(), true);
        }
        if (columns == null) {
            return new InsertColumns(null, null);
        }
        if (!fits(insert, columns)) {
            String generated = rules.generatedKeyColumn(insert.table());
            int given = insert.fromSelect() ? insert.selectSources().size() : widthOf(insert);
            return new InsertColumns(null, "INSERT into " + insert.table() + " without a column list gives " + given
                    + (insert.fromSelect() ? " select items (a * counts as one)" : " values per row") + ", but "
                    + insert.table() + " has " + columns.size() + " columns " + columns
                    + "; list the columns it gives"
                    + (generated == null ? "" : " (the key generator fills " + generated
                    + " only when the column list leaves it out)"));
        }
        return new InsertColumns(insert.withTableColumns(columns), null);
    }

    private static boolean fits(InsertShape insert, List<String> columns) {
        if (insert.fromSelect()) {
            return insert.selectSources().size() == columns.size();
        }
        return insert.rows().stream().allMatch(row -> row.size() == columns.size());
    }

    /** Row 0's number of values, for the message. */
    private static int widthOf(InsertShape insert) {
        return insert.rows().isEmpty() ? 0 : insert.rows().get(0).size();
    }
}
