package dev.shard.core.config;

/**
 * The single exception type for configuration that cannot be used: unreadable or malformed files, unknown keys,
 * wrong types, dangling references, values out of range.
 *
 * <p>Messages start with the configuration's source (a file path, {@code classpath:...}, or
 * {@code ShardConfig.builder()}) and name the offending key, table or data source, so a start-up failure can be
 * fixed without a debugger. They never contain a password: start-up errors end up in logs and tickets.
 */
public class ShardConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ShardConfigException(String message) {
        super(message);
    }

    public ShardConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
