package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.internal.dialect.PostgresDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeSet;

/**
 * PostgreSQL's dialect for the databases' default collation, asked of each data source at start: the merge orders
 * strings exactly as the servers do only under a code-point collation (see {@link PostgresDialect}).
 */
final class PostgresCollations {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresCollations.class);
    private static final String QUERY = "SELECT datcollate FROM pg_database WHERE datname = current_database()";

    private PostgresCollations() {
    }

    /**
     * The dialect for the collation every database reports; a collation naming them all when they differ, and
     * null when one cannot be asked (then strings are not merged by order, see {@link PostgresDialect}).
     */
    static PostgresDialect dialect(Map<String, HikariDataSource> pools) {
        TreeSet<String> collations = new TreeSet<>();
        for (Map.Entry<String, HikariDataSource> pool : pools.entrySet()) {
            try (Connection c = pool.getValue().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(QUERY)) {
                collations.add(rs.next() ? rs.getString(1) : "unknown");
            } catch (SQLException e) {
                LOG.warn("Could not ask data source {} for its collation ({}); strings will not be merged by order",
                        pool.getKey(), e.getMessage());
                return new PostgresDialect(null);
            }
        }
        if (collations.size() == 1) {
            return new PostgresDialect(collations.first());
        }
        return new PostgresDialect(collations.isEmpty() ? null : "mixed " + collations);
    }
}
