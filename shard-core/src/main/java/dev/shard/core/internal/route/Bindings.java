package dev.shard.core.internal.route;

import java.sql.SQLException;

/** The values of one execution, by position in the normalised template. */
@FunctionalInterface
public interface Bindings {

    /** The value of the {@code index}-th (0-based) '?' of the normalised template; null for SQL NULL. */
    Object value(int index) throws SQLException;
}
