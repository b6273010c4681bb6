package dev.shard.cli.reshard;

import java.sql.SQLException;
import javax.sql.DataSource;

/** The physical data sources of the configuration by name, each opened directly (not through Shard's routing). */
@FunctionalInterface
public interface Databases {

    DataSource get(String dataSource) throws SQLException;
}
