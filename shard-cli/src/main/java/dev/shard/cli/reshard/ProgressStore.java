package dev.shard.cli.reshard;

import java.sql.SQLException;
import java.util.Map;

/**
 * Where a reshard keeps what it needs to resume: items of text by name, each written on its own (so a kill between
 * two writes leaves every item whole). {@link JdbcProgressStore} keeps them in a table on the metadata data source;
 * {@link ReshardState} gives them meaning.
 */
interface ProgressStore {

    /** Every item; empty when no reshard is in progress. */
    Map<String, String> readAll() throws SQLException;

    void put(String item, String value) throws SQLException;

    /** Removes every item: no reshard is in progress any more. */
    void clear() throws SQLException;
}
