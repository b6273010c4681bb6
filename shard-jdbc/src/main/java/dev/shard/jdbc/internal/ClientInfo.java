package dev.shard.jdbc.internal;

import java.util.Properties;

/**
 * A logical connection's client info. Kept by Shard rather than passed to the shards' connections, which come and
 * go; made on first use, since a Properties is a ConcurrentHashMap and a pooled point query never needs one.
 */
final class ClientInfo {

    private Properties values;

    void set(String name, String value) {
        if (value == null) {
            if (values != null) {
                values.remove(name);
            }
        } else {
            values().setProperty(name, value);
        }
    }

    void setAll(Properties properties) {
        values = null;
        if (properties != null) {
            values().putAll(properties);
        }
    }

    String get(String name) {
        return values == null ? null : values.getProperty(name);
    }

    Properties copy() {
        Properties copy = new Properties();
        if (values != null) {
            copy.putAll(values);
        }
        return copy;
    }

    private Properties values() {
        if (values == null) {
            values = new Properties();
        }
        return values;
    }
}
