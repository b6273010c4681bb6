package dev.shard.core.internal.sql;

/** Where a value in a statement comes from: a bind position of the normalised statement, or a constant. */
public sealed interface ValueRef {

    /** The {@code index}-th (0-based) '?' of the normalised template; see {@link NormalizedSql#params()}. */
    record Param(int index) implements ValueRef {
    }

    /** A literal the normaliser left in the text (the parser saw it as a constant). */
    record Constant(Object value) implements ValueRef {
    }
}
