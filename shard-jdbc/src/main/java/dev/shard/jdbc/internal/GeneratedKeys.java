package dev.shard.jdbc.internal;

import java.sql.Statement;

/** How the caller asked for generated keys, to be passed on unchanged to the physical statement. */
record GeneratedKeys(int flag, int[] columnIndexes, String[] columnNames) {

    static final GeneratedKeys NONE = new GeneratedKeys(Statement.NO_GENERATED_KEYS, null, null);

    static GeneratedKeys of(int flag) {
        return flag == Statement.RETURN_GENERATED_KEYS ? new GeneratedKeys(flag, null, null) : NONE;
    }

    static GeneratedKeys of(int[] columnIndexes) {
        return columnIndexes == null ? NONE
                : new GeneratedKeys(Statement.RETURN_GENERATED_KEYS, columnIndexes.clone(), null);
    }

    static GeneratedKeys of(String[] columnNames) {
        return columnNames == null ? NONE
                : new GeneratedKeys(Statement.RETURN_GENERATED_KEYS, null, columnNames.clone());
    }

    boolean wanted() {
        return flag == Statement.RETURN_GENERATED_KEYS;
    }
}
