package dev.shard.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the key column of a sharded table is filled when an INSERT leaves it out: {@code tables.<t>.keyGenerator}.
 *
 * <p>The key is generated before routing, so the column may also be the table's sharding column.
 *
 * @param column lower-case column name, without quotes
 * @param type   the kind of value generated
 */
public record KeyGeneratorRule(String column, Type type) {

    /** The accepted values of {@code keyGenerator.type}. */
    public enum Type {
        /** A positive 64-bit {@code Long}: time, worker id and sequence; for a {@code BIGINT} column. */
        SNOWFLAKE("snowflake"),
        /** A 36-character lower-case UUID {@code String} (version 7, time-ordered); for a {@code CHAR(36)} column. */
        UUID("uuid");

        private final String configName;

        Type(String configName) {
            this.configName = configName;
        }

        /** The spelling used in configuration. */
        public String configName() {
            return configName;
        }

        /** The type spelt {@code name} in any case, surrounding blanks ignored; null if there is none. */
        public static Type fromConfigName(String name) {
            if (name == null) {
                return null;
            }
            String n = name.strip().toLowerCase(Locale.ROOT);
            for (Type t : values()) {
                if (t.configName.equals(n)) {
                    return t;
                }
            }
            return null;
        }

        /** The configuration spellings, in declaration order, for messages and documentation. */
        public static List<String> configNames() {
            return Arrays.stream(values()).map(Type::configName).toList();
        }
    }

    public KeyGeneratorRule {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(type, "type");
    }
}
