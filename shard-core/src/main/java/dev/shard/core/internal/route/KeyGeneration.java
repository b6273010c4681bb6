package dev.shard.core.internal.route;

/**
 * An INSERT that leaves out a generated key column: before routing, one key per row is generated and bound to the
 * '?' markers the rewrite added ({@code firstParam + row}), so the key can also be the shard key.
 *
 * @param table      the table
 * @param column     the generated column
 * @param firstParam the template parameter index of row 0's generated value
 * @param rowCount   number of rows, one key each
 * @param rows       the statement with the column added
 */
public record KeyGeneration(String table, String column, int firstParam, int rowCount, InsertRows rows) {
}
