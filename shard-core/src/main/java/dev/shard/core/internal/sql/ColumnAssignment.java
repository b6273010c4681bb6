package dev.shard.core.internal.sql;

/**
 * A column an UPDATE assigns.
 *
 * @param table  the table the qualifier resolved to, lower-case, or null when the column was not qualified
 * @param column lower-case column name
 * @param value  the assigned value, or null when it is an expression rather than a plain value
 */
public record ColumnAssignment(String table, String column, ValueRef value) {
}
