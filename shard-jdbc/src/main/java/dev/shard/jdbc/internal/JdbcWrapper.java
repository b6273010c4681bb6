package dev.shard.jdbc.internal;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Wrapper;

/** unwrap/isWrapperFor over the one physical object a wrapper stands for, and the "not supported" error. */
abstract class JdbcWrapper implements Wrapper {

    /** The physical object that unwrap may hand out, or null if there is none yet. */
    abstract Object unwrapTarget() throws SQLException;

    @Override
    public final <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        Object target = unwrapTarget();
        if (target != null) {
            if (type.isInstance(target)) {
                return type.cast(target);
            }
            if (target instanceof Wrapper wrapper && wrapper.isWrapperFor(type)) {
                return wrapper.unwrap(type);
            }
        }
        throw new SQLException(getClass().getSimpleName() + " does not wrap " + type.getName(), "HY000");
    }

    @Override
    public final boolean isWrapperFor(Class<?> type) throws SQLException {
        if (type.isInstance(this)) {
            return true;
        }
        Object target = unwrapTarget();
        return target != null && (type.isInstance(target)
                || target instanceof Wrapper wrapper && wrapper.isWrapperFor(type));
    }

    static SQLFeatureNotSupportedException unsupported(String method, String why) {
        return new SQLFeatureNotSupportedException(method + " is not supported by Shard: " + why, "0A000");
    }
}
