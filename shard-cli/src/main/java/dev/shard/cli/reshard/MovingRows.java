package dev.shard.cli.reshard;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which rows of a source move, and where to: the reshard's plan as the binlog catch-up sees it.
 *
 * <p>Rows are maps from column name to value, in the types {@link BinlogCatchUp} documents (the same Java types
 * Connector/J's {@code getObject} gives for most columns), so that the sharding column's value hashes to the slot
 * the router computes.
 */
public interface MovingRows {

    /** The data source a row of this table now belongs to, or empty when its slot does not move. */
    Optional<String> newOwner(String table, Map<String, Object> row);

    /**
     * The tables whose rows may move (the sharded tables, and the broadcast tables when {@link #everyRowTo} names
     * data sources for them); changes to other tables are not replayed.
     */
    Set<String> tables();

    /**
     * The data sources that receive every row of this table, whatever its slot: a broadcast table's copies on the
     * data sources a reshard adds to the map. Empty (the default) for a table whose rows move by slot.
     */
    default List<String> everyRowTo(String table) {
        return List.of();
    }
}
