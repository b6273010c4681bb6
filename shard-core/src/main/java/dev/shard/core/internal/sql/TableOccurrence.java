package dev.shard.core.internal.sql;

import java.util.List;
import java.util.Map;

/**
 * One appearance of a table in a statement, with what the statement pins its columns to.
 *
 * @param table       the table name, lower-case and unquoted
 * @param constraints column (lower-case) to the value lists it is restricted to: every row the statement reads
 *                    or writes through this occurrence has that column equal to one of the values of EACH list
 *                    (lists come from separate conditions joined by AND, so their intersection is the bound)
 */
public record TableOccurrence(String table, Map<String, List<List<ValueRef>>> constraints) {

    public TableOccurrence {
        constraints = Map.copyOf(constraints);
    }

    public List<List<ValueRef>> constraintsOn(String column) {
        return constraints.getOrDefault(column, List.of());
    }
}
