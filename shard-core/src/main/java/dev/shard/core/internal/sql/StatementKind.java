package dev.shard.core.internal.sql;

/** What a statement does, as far as routing cares. */
public enum StatementKind {
    SELECT(false),
    INSERT(true),
    UPDATE(true),
    DELETE(true),
    /** CREATE, ALTER, DROP, TRUNCATE or RENAME of a table or index. */
    DDL(false),
    /** Anything else (SET, SHOW, USE, CREATE VIEW, ...): it runs on the default data source. */
    OTHER(false);

    private final boolean write;

    StatementKind(boolean write) {
        this.write = write;
    }

    /** Whether it changes rows (DDL changes tables, not rows). */
    public boolean isWrite() {
        return write;
    }
}
