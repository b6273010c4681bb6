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
 * @param depth       0 for the statement's own query blocks (and an INSERT's target); more for subqueries,
 *                    derived tables and CTEs
 * @param nodePrefix  identifies this occurrence's columns in {@code classes}
 * @param classes     for columns that the statement equates with other columns (in any scope), the id of their
 *                    equality class: two occurrences whose shard columns share a class are joined on them
 */
public record TableOccurrence(String table, Map<String, List<List<ValueRef>>> constraints, int depth,
                              String nodePrefix, Map<String, String> classes) {

    public TableOccurrence {
        constraints = Map.copyOf(constraints);
        classes = Map.copyOf(classes);
    }

    public TableOccurrence(String table, Map<String, List<List<ValueRef>>> constraints) {
        this(table, constraints, 0, table + ".", Map.of());
    }

    public List<List<ValueRef>> constraintsOn(String column) {
        return constraints.getOrDefault(column, List.of());
    }

    /** The equality class of a column: equal for two columns the statement ties together with '='. */
    public String equalityClass(String column) {
        return classes.getOrDefault(column, nodePrefix + column);
    }
}
