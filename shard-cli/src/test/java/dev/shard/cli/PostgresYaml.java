package dev.shard.cli;

import dev.shard.core.config.DataSourceConfig;
import dev.shard.jdbc.testing.DifferentialDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A shard.yaml over the first data sources of PostgreSQL test databases, ds0 the default. */
final class PostgresYaml {

    private PostgresYaml() {
    }

    /**
     * @param count how many of the databases' data sources (ds0, ds1, ...) the file names
     * @param rest  the YAML after {@code dataSources} and {@code defaultDataSource}: tables and the like
     */
    static Path write(Path file, DifferentialDatabases databases, int count, String rest) throws IOException {
        List<DataSourceConfig> sources = databases.config(2).build().dataSources();
        StringBuilder yaml = new StringBuilder("dataSources:\n");
        for (DataSourceConfig source : sources.subList(0, count)) {
            yaml.append("  ").append(source.name()).append(": { jdbcUrl: \"").append(source.jdbcUrl())
                    .append("\", username: ").append(source.poolProperties().get("username")).append(" }\n");
        }
        return Files.writeString(file, yaml.append("defaultDataSource: ds0\n").append(rest));
    }
}
