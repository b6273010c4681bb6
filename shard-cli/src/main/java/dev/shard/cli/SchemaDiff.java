package dev.shard.cli;

import dev.shard.cli.SchemaSnapshot.Subject;
import dev.shard.core.config.ShardConfig;
import dev.shard.jdbc.internal.ServerFamily;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Schema drift: compares every sharded and broadcast table across all data sources of a configuration (each shard
 * and the default) — tables, columns (type, nullability, default, collation), indexes, collations, and the rows of
 * broadcast tables — as the catalog (MySQL's information_schema, PostgreSQL's pg_catalog) and the rows themselves
 * show them.
 *
 * <pre>{@code
 * DriftReport report = SchemaDiff.compare(ShardConfig.fromYaml(Path.of("shard.yaml")));
 * report.drifts().forEach(drift -> log.warn(drift.line()));
 * }</pre>
 */
public final class SchemaDiff {

    private SchemaDiff() {
    }

    /**
     * Reads every data source and compares them; changes nothing.
     *
     * @throws SQLException naming the data source that could not be reached or read (passwords masked)
     */
    public static DriftReport compare(ShardConfig config) throws SQLException {
        boolean postgres = ServerFamily.isPostgres(config);
        Set<String> tables = new LinkedHashSet<>(config.tables().keySet());
        tables.addAll(config.broadcastTables());
        Map<String, Map<Subject, String>> snapshots = new LinkedHashMap<>();
        try (PhysicalDataSources sources = new PhysicalDataSources(config)) {
            for (String name : sources.names()) {
                DataSource dataSource = sources.get(name); // names the data source it cannot reach
                try (Connection connection = dataSource.getConnection()) {
                    snapshots.put(name, postgres
                            ? PostgresSchemaSnapshot.read(connection, tables, config.broadcastTables())
                            : SchemaSnapshot.read(connection, tables, config.broadcastTables()));
                } catch (SQLException e) {
                    throw new SQLException("data source " + name + ": cannot read its schema: "
                            + sources.redaction().apply(e.getMessage()), e.getSQLState(), e.getErrorCode());
                }
            }
        }
        Set<String> present = new HashSet<>();
        snapshots.values().forEach(facts -> facts.keySet().forEach(subject -> present.add(subject.table())));
        List<String> absent = new ArrayList<>();
        for (String table : tables) {
            if (!present.contains(table)) {
                absent.add(table);
            }
        }
        return new DriftReport(List.copyOf(snapshots.keySet()), List.copyOf(tables), absent,
                DriftComparison.compare(snapshots, config.defaultDataSource()));
    }
}
