package dev.shard.core.internal.route;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Where the value of one '?' of a {@link ShardCall} comes from. */
public sealed interface Bind {

    /** Binds this value as parameter {@code position} of a shard's statement. */
    void bindTo(PreparedStatement target, int position, UserParameters user) throws SQLException;

    /** The value the shard receives, for explain output; null for SQL NULL. */
    Object valueOf(UserParameters user) throws SQLException;

    /** The user's '?' number {@code index} (1-based, as in setXxx): the user's own value, set as the user set it. */
    record User(int index) implements Bind {

        @Override
        public void bindTo(PreparedStatement target, int position, UserParameters user) throws SQLException {
            user.bind(target, position, index);
        }

        @Override
        public Object valueOf(UserParameters user) throws SQLException {
            return user.value(index);
        }
    }

    /** A value Shard supplies: a literal lifted from the SQL text, a generated key, a LIMIT pushed to the shards. */
    record Value(Object value) implements Bind {

        @Override
        public void bindTo(PreparedStatement target, int position, UserParameters user) throws SQLException {
            target.setObject(position, value);
        }

        @Override
        public Object valueOf(UserParameters user) {
            return value;
        }
    }

    /**
     * NULL in place of an IN-list or OR value that lives on another shard: NULL matches nothing, so this shard
     * reads only its own values.
     */
    record Pruned() implements Bind {

        static final Pruned INSTANCE = new Pruned();

        @Override
        public void bindTo(PreparedStatement target, int position, UserParameters user) throws SQLException {
            target.setNull(position, Types.NULL);
        }

        @Override
        public Object valueOf(UserParameters user) {
            return null;
        }
    }

    /**
     * The values of the user's own '?' markers: recorded setXxx calls of a prepared statement, or explain's
     * parameter array. A plain Statement has none.
     */
    interface UserParameters {

        /** The value of '?' number {@code index} (1-based); an SQLException names one that was not given. */
        Object value(int index) throws SQLException;

        /** Sets '?' number {@code index} on a shard's statement the way the user set it. */
        void bind(PreparedStatement target, int position, int index) throws SQLException;
    }
}
