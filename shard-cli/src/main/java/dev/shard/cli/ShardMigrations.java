package dev.shard.cli;

import dev.shard.cli.MigrationReport.DataSourceState;
import dev.shard.core.config.ShardConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Flyway on every physical data source of a Shard configuration (each shard and the default), with the same
 * migrations; each data source keeps its own {@code flyway_schema_history}.
 *
 * <p>Migrations advance <em>version by version</em>: version V is applied to every data source that lacks it, in the
 * configuration's order, before any data source gets V+1. The first failure stops the run at once, so no data
 * source goes past the version that failed, the data sources after the failing one stay at V-1, and the report says
 * which data source is at which version. The database cannot roll MySQL DDL back, so Flyway records the failed
 * version in that data source's history; the next {@link #migrate()} removes that record and retries the version,
 * which is what an operator wants once the cause is fixed (undo any half-applied change first).
 *
 * <pre>{@code
 * try (ShardMigrations migrations = ShardMigrations.open(config, List.of("filesystem:db/migration"))) {
 *     MigrationReport report = migrations.migrate();
 *     if (!report.complete()) { ... report.render() names the data source that failed ... }
 * }
 * }</pre>
 */
public final class ShardMigrations implements AutoCloseable {

    /** Flyway's default history table, kept in each data source's own database. */
    static final String HISTORY_TABLE = "flyway_schema_history";

    /**
     * The tables Shard itself keeps on its metadata data source (shard-jdbc's slot map store and reshard switch, and
     * the reshard tool's progress): a ShardingDataSource started before the first migrate creates some of them.
     */
    static final Set<String> SHARD_TABLES =
            Set.of("shard_slot_map", "shard_reshard", "shard_instance", "shard_reshard_progress");

    private final PhysicalDataSources sources;
    /** Flyway's settings for every data source; its own data source is never used. */
    private final Configuration settings;

    private ShardMigrations(PhysicalDataSources sources, Configuration settings) {
        this.sources = sources;
        this.settings = settings;
    }

    /**
     * @param locations Flyway locations, e.g. {@code filesystem:db/migration} or {@code classpath:db/migration};
     *                  a location that does not exist is an error, not an empty set of migrations
     */
    public static ShardMigrations open(ShardConfig config, List<String> locations) {
        Objects.requireNonNull(config, "config");
        if (locations == null || locations.isEmpty()) {
            throw new IllegalArgumentException("no migration locations given (e.g. filesystem:db/migration)");
        }
        Configuration settings = Flyway.configure(ShardMigrations.class.getClassLoader())
                .locations(locations.toArray(String[]::new))
                .table(HISTORY_TABLE)
                .failOnMissingLocations(true);
        return new ShardMigrations(new PhysicalDataSources(config), settings);
    }

    /**
     * With the settings of an existing Flyway configuration (locations, history table, placeholders, callbacks...),
     * as Spring Boot builds it from {@code spring.flyway.*}; its data source is ignored: each physical data source of
     * {@code config} is migrated instead.
     */
    public static ShardMigrations open(ShardConfig config, Configuration flyway) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(flyway, "flyway");
        return new ShardMigrations(new PhysicalDataSources(config), flyway);
    }

    /** What {@link #migrate()} would apply where; changes nothing (not even an empty history table). */
    public MigrationReport plan() throws SQLException {
        Map<String, Progress> progress = readProgress();
        List<DataSourceState> states = new ArrayList<>();
        progress.forEach((name, p) -> states.add(new DataSourceState(name, p.current(), p.pending(), p.pending(),
                p.failedVersion(), p.failedVersion() == null ? null
                        : "version " + p.failedVersion() + " failed in an earlier run; migrate retries it")));
        return new MigrationReport(latestVersion(), true, states);
    }

    /** Brings every data source to the latest version, version by version; stops at the first failure. */
    public MigrationReport migrate() throws SQLException {
        Map<String, Progress> progress = readProgress();
        for (Map.Entry<String, Progress> entry : progress.entrySet()) {
            if (entry.getValue().failedVersion() != null) {
                forgetFailure(entry.getKey());
                entry.setValue(Progress.of(info(entry.getKey())));
            }
        }
        TreeSet<MigrationVersion> steps = new TreeSet<>();
        progress.values().forEach(p -> steps.addAll(p.pendingVersions()));
        Map<String, List<String>> applied = new LinkedHashMap<>();
        progress.keySet().forEach(name -> applied.put(name, new ArrayList<>()));
        Failure failure = null;
        steps:
        for (MigrationVersion step : steps) {
            for (Map.Entry<String, Progress> entry : progress.entrySet()) {
                if (!entry.getValue().pendingVersions().contains(step)) {
                    continue;
                }
                failure = run(entry.getKey(), step);
                if (failure != null) {
                    break steps;
                }
                applied.get(entry.getKey()).add(step.getVersion());
            }
        }
        Map<String, Progress> after = readProgress();
        if (failure == null) {
            // Repeatable migrations run after every version is in place, as Flyway runs them.
            for (Map.Entry<String, Progress> entry : after.entrySet()) {
                if (!entry.getValue().pending().isEmpty()) {
                    failure = run(entry.getKey(), null);
                    entry.setValue(Progress.of(info(entry.getKey())));
                    if (failure != null) {
                        break;
                    }
                }
            }
        }
        List<DataSourceState> states = new ArrayList<>();
        for (Map.Entry<String, Progress> entry : after.entrySet()) {
            String name = entry.getKey();
            Progress now = entry.getValue();
            boolean failedHere = failure != null && failure.dataSource().equals(name);
            states.add(new DataSourceState(name, now.current(), applied.get(name), now.pending(),
                    failedHere ? failure.version() : now.failedVersion(), failedHere ? failure.message() : null));
        }
        return new MigrationReport(latestVersion(), false, states);
    }

    private record Failure(String dataSource, String version, String message) {
    }

    /** Applies migrations up to {@code target} (all when null) on one data source; the failure, or null. */
    private Failure run(String name, MigrationVersion target) throws SQLException {
        try {
            FluentConfiguration configuration = configure(name, target);
            if (onlyShardTables(name)) {
                // Flyway refuses a non-empty schema without history; Shard's own tables are not the application's
                // schema, so this one starts from an empty baseline (version 0) and every migration still runs.
                configuration.baselineOnMigrate(true).baselineVersion("0")
                        .baselineDescription("<< Shard metadata tables only >>");
            }
            configuration.load().migrate();
            return null;
        } catch (RuntimeException e) {
            // A failed migration leaves its record (success = false) in the history: that is the version that failed.
            String failed = Progress.of(info(name)).failedVersion();
            String version = failed != null ? failed : target != null ? target.getVersion() : "repeatable";
            return new Failure(name, version, sources.redaction().apply(e.getMessage()));
        }
    }

    private Map<String, Progress> readProgress() throws SQLException {
        Map<String, Progress> progress = new LinkedHashMap<>();
        for (String name : sources.names()) {
            progress.put(name, Progress.of(info(name)));
        }
        return progress;
    }

    private String latestVersion() throws SQLException {
        MigrationVersion latest = null;
        for (MigrationInfo migration : info(sources.names().get(0)).all()) {
            if (migration.isVersioned() && migration.getState().isResolved()
                    && (latest == null || migration.getVersion().compareTo(latest) > 0)) {
                latest = migration.getVersion();
            }
        }
        return latest == null ? null : latest.getVersion();
    }

    private MigrationInfoService info(String name) throws SQLException {
        try {
            return flyway(name, null).info();
        } catch (RuntimeException e) {
            throw new SQLException("data source " + name + ": cannot read the migrations or its history: "
                    + sources.redaction().apply(e.getMessage()));
        }
    }

    /** The next migrate retries the failed version: Flyway would otherwise refuse to run until a repair. */
    private void forgetFailure(String name) throws SQLException {
        try (Connection connection = sources.get(name).getConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM " + settings.getTable() + " WHERE success = 0");
        }
    }

    private Flyway flyway(String name, MigrationVersion target) throws SQLException {
        return configure(name, target).load();
    }

    private FluentConfiguration configure(String name, MigrationVersion target) throws SQLException {
        FluentConfiguration configuration = Flyway.configure(settings.getClassLoader())
                .configuration(settings)
                .dataSource(sources.get(name));
        if (target != null) {
            configuration.target(target);
        }
        return configuration;
    }

    /**
     * Whether the data source's schema (Flyway's first configured schema, else the connection's database) has no
     * history table and nothing but {@link #SHARD_TABLES}, at least one of them: the state a ShardingDataSource leaves
     * an empty database in when it starts before the first migrate.
     */
    private boolean onlyShardTables(String name) throws SQLException {
        try (Connection connection = sources.get(name).getConnection()) {
            String[] schemas = settings.getSchemas();
            String catalog = connection.getCatalog();
            String schema = connection.getSchema();
            if (schemas.length > 0) {
                // MySQL and MariaDB call a database a catalog; H2 and PostgreSQL have schemas.
                if (connection.getMetaData().supportsSchemasInTableDefinitions()) {
                    schema = schemas[0];
                } else {
                    catalog = schemas[0];
                }
            }
            boolean any = false;
            try (ResultSet tables = connection.getMetaData().getTables(catalog, schema, "%", null)) {
                while (tables.next()) {
                    String type = String.valueOf(tables.getString("TABLE_TYPE")).toUpperCase(Locale.ROOT);
                    if (type.contains("INDEX")) {
                        continue; // PostgreSQL lists indexes too (shard_slot_map_pkey); another's comes with its table
                    }
                    String table = tables.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                    if (!SHARD_TABLES.contains(table)) {
                        return false; // the history table, or the application's: Flyway decides as usual
                    }
                    any = true;
                }
            }
            return any;
        }
    }

    @Override
    public void close() {
        sources.close();
    }
}
