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
 * table's {@code SHOW CREATE TABLE} from a data source that has it (on PostgreSQL, which has no such statement, the
 * definition as the catalog's own functions print it: {@link PostgresTableDefinition}).
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
            // Foreign keys may name tables created later in this loop: on PostgreSQL they are added after.
            List<String> afterwards = new ArrayList<>();
            try (Connection c = databases.get(target).getConnection()) {
                for (String table : tables) {
                    if (!JdbcMovement.exists(c, table)) {
                        afterwards.addAll(create(c, target, table, reference(plan, table)));
                    }
                }
                for (String statement : afterwards) {
                    execute(c, target, statement);
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

    /** Creates the table as it is on {@code reference}; returns statements to run once every table exists. */
    private List<String> create(Connection target, String targetName, String table, String reference)
            throws SQLException {
        List<String> ddl = new ArrayList<>();
        List<String> afterwards = new ArrayList<>();
        SqlDialect dialect = SqlDialect.of(target);
        try (Connection c = databases.get(reference).getConnection()) {
            if (dialect == SqlDialect.POSTGRES) {
                PostgresTableDefinition definition = PostgresTableDefinition.read(c, table);
                ddl.addAll(definition.create());
                afterwards.addAll(definition.foreignKeys());
            } else {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + dialect.quote(table))) {
                    rs.next();
                    ddl.add(rs.getString(2));
                }
            }
        }
        try (Statement s = target.createStatement()) {
            if (dialect == SqlDialect.MYSQL) {
                // Foreign keys may name tables created later in this loop.
                s.execute("SET SESSION foreign_key_checks = 0");
            }
            for (String statement : ddl) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new SQLException("Cannot create table " + table + " on data source " + targetName + " (as on "
                    + reference + "): " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
        return afterwards;
    }

    private static void execute(Connection target, String targetName, String statement) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new SQLException("Cannot run " + statement + " on data source " + targetName + ": "
                    + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }
}
