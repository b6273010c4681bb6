package dev.shard.core.internal.sql;

/** What a statement does, as far as routing cares. */
public enum StatementKind {
    SELECT,
    INSERT,
    UPDATE,
    DELETE,
    /** CREATE, ALTER, DROP, TRUNCATE or RENAME of a table or index. */
    DDL,
    /** Anything else (SET, SHOW, USE, CREATE VIEW, ...): it runs on the default data source. */
    OTHER;

    public boolean isWrite() {
        return this == INSERT || this == UPDATE || this == DELETE;
    }
}
