package dev.shard.cli.reshard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Writes rows to MySQL-family target databases over JDBC: an upsert is
 * {@code INSERT ... ON DUPLICATE KEY UPDATE} of every column of the row, a delete is by primary key, whose columns
 * come from information_schema (tables without a primary key are refused). Used for the copy and the catch-up.
 *
 * <p>Values are bound with {@code setObject}, dates and times as text, and instants: an {@link Instant}, {@link OffsetDateTime},
 * {@link ZonedDateTime} or {@link Timestamp} is a TIMESTAMP value and is written as UTC wall-clock time with the
 * session's {@code time_zone} set to {@code +00:00} for that statement (and put back after), so that the stored
 * instant is exact whatever the server's or the JVM's zone (a zone's repeated hour in autumn would otherwise be
 * ambiguous). A {@link LocalDateTime} is written as it is (DATETIME). Each call runs in autocommit on a connection of
 * its own from the target's data source.
 */
public final class JdbcChangeApplier implements ChangeApplier {

    /** Microseconds, the finest a MySQL-family server stores; the server rounds or truncates to the column's. */
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    private final Map<String, DataSource> targets;
    private final Map<String, List<String>> primaryKeys = new ConcurrentHashMap<>();

    public JdbcChangeApplier(Map<String, DataSource> targets) {
        this.targets = Map.copyOf(targets);
    }

    @Override
    public void upsert(String targetDataSource, String table, Map<String, Object> row) throws SQLException {
        upsertAll(targetDataSource, table, List.of(row));
    }

    @Override
    public void upsertAll(String targetDataSource, String table, List<Map<String, Object>> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<String> columns = List.copyOf(rows.get(0).keySet());
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table)).append(" (");
        appendColumns(sql, columns);
        sql.append(") VALUES ");
        String placeholders = "(" + "?, ".repeat(columns.size() - 1) + "?)";
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(placeholders);
        }
        // VALUES(col) rather than MySQL 8's row alias: MariaDB has only the former.
        sql.append(" ON DUPLICATE KEY UPDATE ");
        for (int i = 0; i < columns.size(); i++) {
            String column = quote(columns.get(i));
            sql.append(i == 0 ? "" : ", ").append(column).append(" = VALUES(").append(column).append(')');
        }
        List<Object> values = new ArrayList<>(rows.size() * columns.size());
        for (Map<String, Object> row : rows) {
            if (!row.keySet().equals(rows.get(0).keySet())) {
                throw new SQLException("Upsert into " + table + " on " + targetDataSource + ": rows of one batch "
                        + "must have the same columns, " + row.keySet() + " differs from " + columns);
            }
            for (String column : columns) {
                values.add(row.get(column));
            }
        }
        execute(targetDataSource, table, sql.toString(), values);
    }

    @Override
    public void delete(String targetDataSource, String table, Map<String, Object> row) throws SQLException {
        List<String> key = primaryKey(targetDataSource, table);
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(quote(table)).append(" WHERE ");
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            if (!row.containsKey(key.get(i))) {
                throw new SQLException("Delete from " + table + " on " + targetDataSource + ": the row has no value "
                        + "for primary key column " + key.get(i));
            }
            sql.append(i == 0 ? "" : " AND ").append(quote(key.get(i))).append(" = ?");
            values.add(row.get(key.get(i)));
        }
        execute(targetDataSource, table, sql.toString(), values);
    }

    /** The primary key columns of a table on a target, in key order. */
    public List<String> primaryKey(String targetDataSource, String table) throws SQLException {
        String cacheKey = targetDataSource + "\u0000" + table;
        List<String> key = primaryKeys.get(cacheKey);
        if (key != null) {
            return key;
        }
        List<String> columns = new ArrayList<>();
        try (Connection c = target(targetDataSource).getConnection();
             PreparedStatement select = c.prepareStatement("SELECT COLUMN_NAME FROM "
                     + "information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
                     + "AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
            select.setString(1, table);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("Table " + table + " on data source " + targetDataSource + " has no primary key "
                    + "(or does not exist): a reshard moves rows by primary key");
        }
        key = List.copyOf(columns);
        primaryKeys.put(cacheKey, key);
        return key;
    }

    private void execute(String targetDataSource, String table, String sql, List<Object> values)
            throws SQLException {
        boolean instants = values.stream().anyMatch(JdbcChangeApplier::isInstant);
        try (Connection c = target(targetDataSource).getConnection()) {
            if (instants) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET @shard_reshard_time_zone = @@session.time_zone, @@session.time_zone = '+00:00'");
                }
            }
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                for (int i = 0; i < values.size(); i++) {
                    statement.setObject(i + 1, bindable(values.get(i)));
                }
                statement.executeUpdate();
            } catch (SQLException e) {
                throw new SQLException("Cannot write " + table + " on data source " + targetDataSource + ": "
                        + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
            } finally {
                if (instants) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET @@session.time_zone = @shard_reshard_time_zone");
                    }
                }
            }
        }
    }

    private static boolean isInstant(Object value) {
        return value instanceof Instant || value instanceof OffsetDateTime || value instanceof ZonedDateTime
                || value instanceof Timestamp;
    }

    /**
     * Dates and times as text, instants as UTC wall-clock text (the session is at +00:00 then); everything else as it
     * is. Text because Connector/J drops fractional seconds of a LocalDateTime or Timestamp parameter on MariaDB 10
     * (which announces itself as 5.5.5-10..., a version it takes for one without fractional seconds).
     */
    static Object bindable(Object value) {
        Instant instant = null;
        if (value instanceof Instant i) {
            instant = i;
        } else if (value instanceof OffsetDateTime o) {
            instant = o.toInstant();
        } else if (value instanceof ZonedDateTime z) {
            instant = z.toInstant();
        } else if (value instanceof Timestamp t) {
            instant = t.toInstant();
        }
        if (instant != null) {
            return DATE_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
        if (value instanceof LocalDateTime t) {
            return DATE_TIME.format(t);
        }
        if (value instanceof LocalTime t) {
            return t.format(DateTimeFormatter.ISO_LOCAL_TIME);
        }
        return value;
    }

    private DataSource target(String name) throws SQLException {
        DataSource target = targets.get(name);
        if (target == null) {
            throw new SQLException("No target data source " + name + " (targets: " + targets.keySet() + ")");
        }
        return target;
    }

    private static void appendColumns(StringBuilder sql, List<String> columns) {
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(quote(columns.get(i)));
        }
    }

    static String quote(String identifier) {
        return "`" + Objects.requireNonNull(identifier).replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return "JdbcChangeApplier" + targets.keySet();
    }
}
