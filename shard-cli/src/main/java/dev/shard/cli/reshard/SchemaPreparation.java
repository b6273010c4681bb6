package dev.shard.cli.reshard;

import dev.shard.cli.MigrationReport;
import dev.shard.cli.ShardMigrations;
import dev.shard.core.config.ShardConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Gives the data sources that receive slots the schema before any sharded row is copied: the Flyway migrations
 * when the run names their locations (so a new data source gets the same history as the others), else each missing
 * table's {@code SHOW CREATE TABLE} from a data source that has it.
 *
 * <p>The broadcast rows of a data source the target map adds are not copied here: the copy phase copies them
 * ({@link JdbcMovement#copy}) after the binlog positions are recorded, and the catch-up replays the broadcast
 * writes made since, which until the switch reach only the data sources of the map the instances route by. A data
 * source that is in the map already, even with no slots, gets every broadcast write and is left as it is.
 */
final class SchemaPreparation {

    private final ShardConfig config;
    private final Databases databases;
    private final List<String> locations;

    SchemaPreparation(ShardConfig config, Databases databases, List<String> locations) {
        this.config = config;
        this.databases = databases;
        this.locations = locations;
    }

    void prepare(ReshardPlan plan, List<String> shardedTables) throws SQLException {
        if (!locations.isEmpty()) {
            migrate();
        }
        Set<String> tables = new LinkedHashSet<>(shardedTables);
        tables.addAll(config.broadcastTables());
        for (String target : plan.targets()) {
            for (String table : tables) {
                try (Connection c = databases.get(target).getConnection()) {
                    if (!JdbcMovement.exists(c, table)) {
                        create(c, target, table, reference(plan, table));
                    }
                }
            }
        }
    }

    private void migrate() throws SQLException {
        try (ShardMigrations migrations = ShardMigrations.open(config, locations)) {
            MigrationReport report = migrations.migrate();
            if (!report.complete()) {
                throw new SQLException("The migrations did not complete on every data source; nothing was copied."
                        + " Fix the cause and run again with --resume:\n" + report.render());
            }
        }
    }

    /** A data source that had the table before the reshard: one that owns slots now, in the map's order. */
    private String reference(ReshardPlan plan, String table) throws SQLException {
        List<String> candidates = new ArrayList<>();
        for (String name : plan.current().shards()) {
            if (plan.slotsBefore(name) > 0) {
                candidates.add(name);
            }
        }
        candidates.add(config.defaultDataSource());
        for (String candidate : candidates) {
            try (Connection c = databases.get(candidate).getConnection()) {
                if (JdbcMovement.exists(c, table)) {
                    return candidate;
                }
            }
        }
        throw new SQLException("Table " + table + " is in the configuration but on none of the data sources "
                + candidates + ": create it first (shard migrate, or DDL through the ShardingDataSource)", "42S02");
    }

    private void create(Connection target, String targetName, String table, String reference) throws SQLException {
        String ddl;
        try (Connection c = databases.get(reference).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + TableShape.quote(table))) {
            rs.next();
            ddl = rs.getString(2);
        }
        try (Statement s = target.createStatement()) {
            // Foreign keys may name tables created later in this loop.
            s.execute("SET SESSION foreign_key_checks = 0");
            s.execute(ddl);
        } catch (SQLException e) {
            throw new SQLException("Cannot create table " + table + " on data source " + targetName + " (as on "
                    + reference + "): " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }
}
