package dev.shard.cli;

import dev.shard.core.config.ShardConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every command takes: the applications' own shard.yaml, read by their own loader. */
final class ConfigOption {

    @Option(names = "--config", required = true, paramLabel = "<shard.yaml>",
            description = "The applications' Shard configuration.")
    private Path file;

    ShardConfig load() {
        return ShardConfig.fromYaml(file);
    }
}
