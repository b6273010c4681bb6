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
 * <p>The broadcast rows of a data source the target map adds ({@link #copyBroadcast}) are copied only at the switch,
 * while the instances hold writes to broadcast tables: until the target is published the instances write broadcast
 * tables on the data sources of the map they route by, so a copy made earlier would miss the writes made after it
 * (and one racing a write could overwrite it). A data source that is in the map already, even with no slots, gets
 * every broadcast write and is left as it is.
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

    /**
     * Replaces the broadcast rows of every data source the target map adds, each table whole in one transaction
     * (a rerun after a kill leaves exactly one copy). Runs while writes to broadcast tables are held.
     */
    void copyBroadcast(ReshardPlan plan) throws SQLException {
        for (String target : plan.addedDataSources()) {
            for (String table : config.broadcastTables()) {
                copyBroadcast(reference(plan, table), target, table);
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

    private void copyBroadcast(String reference, String target, String table) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        SqlDialect dialect;
        try (Connection c = databases.get(reference).getConnection(); Statement s = c.createStatement()) {
            dialect = SqlDialect.of(c);
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + dialect.quote(table))) {
                int count = rs.getMetaData().getColumnCount();
                for (int i = 1; i <= count; i++) {
                    columns.add(rs.getMetaData().getColumnName(i));
                }
                while (rs.next()) {
                    Object[] row = new Object[count];
                    for (int i = 0; i < count; i++) {
                        // As the copy of sharded rows reads them, without the temporal columns' text on MySQL
                        // (this copy always did without).
                        row[i] = dialect.read(rs, i + 1, false);
                    }
                    rows.add(row);
                }
            }
        }
        String insert = "INSERT INTO " + dialect.quote(table) + " ("
                + String.join(", ", columns.stream().map(dialect::quote).toList()) + ")" + dialect.keepValues()
                + " VALUES (" + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
        try (Connection c = databases.get(target).getConnection()) {
            try (Statement s = c.createStatement()) {
                // Before the transaction: on PostgreSQL a refused SET would abort it.
                dialect.skipForeignKeyChecks(s);
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(); java.sql.PreparedStatement ps = c.prepareStatement(insert)) {
                s.executeUpdate("DELETE FROM " + dialect.quote(table));
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        dialect.bind(ps, i + 1, row[i]);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("Cannot copy broadcast table " + table + " from " + reference + " to "
                        + target + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
