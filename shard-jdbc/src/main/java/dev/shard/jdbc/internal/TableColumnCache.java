package dev.shard.jdbc.internal;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.route.TableColumns;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The columns of tables, as an INSERT without a column list fills them, read from the default data source and
 * kept until DDL runs through Shard. They are read as the columns of {@code SELECT * FROM t WHERE 1 = 0}: the same
 * columns in the same order as {@code INSERT INTO t VALUES}, invisible columns left out by both.
 */
final class TableColumnCache implements TableColumns {

    /** A connection to the data source whose tables are read; closed (returned to its pool) after each read. */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource source;
    private final Dialect dialect;
    private final Map<String, List<String>> columns = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    TableColumnCache(ConnectionSource source, Dialect dialect) {
        this.source = source;
        this.dialect = dialect;
    }

    @Override
    public List<String> of(String table, String written, boolean refresh) throws SQLException {
        if (!refresh) {
            List<String> known = columns.get(table);
            if (known != null) {
                return known;
            }
        }
        long before = generation.get();
        List<String> read = read(written);
        // A read that overlapped a schema change may predate it: answer it, but do not keep it.
        if (generation.get() == before) {
            columns.put(table, read);
        }
        return read;
    }

    @Override
    public long generation() {
        return generation.get();
    }

    /** DDL ran: every table may have changed (a RENAME moves columns between names), so all are read again. */
    void schemaChanged() {
        generation.incrementAndGet();
        columns.clear();
    }

    private List<String> read(String written) throws SQLException {
        String sql = "SELECT * FROM " + written + " WHERE 1 = 0";
        try (Connection connection = source.open(); Statement statement = connection.createStatement();
             ResultSet empty = statement.executeQuery(sql)) {
            ResultSetMetaData meta = empty.getMetaData();
            List<String> names = new ArrayList<>(meta.getColumnCount());
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(dialect.canonicalName(meta.getColumnName(i)));
            }
            return List.copyOf(names);
        } catch (SQLException e) {
            throw SqlExceptions.withMessage(e, "Cannot read the columns of " + written + " for an INSERT that"
                    + " lists none (" + sql + "): " + e.getMessage());
        }
    }
}
