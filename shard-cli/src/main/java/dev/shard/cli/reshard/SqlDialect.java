package dev.shard.cli.reshard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Locale;

/**
 * Where the reshard's SQL on the data sources differs between MySQL-family servers and PostgreSQL: identifier
 * quotes, the catalog's current schema, the upsert, turning off foreign-key checks for the copy, and how values
 * travel.
 *
 * <p>On PostgreSQL every value of a row travels as the server's own text and is bound untyped
 * ({@link Types#OTHER}), so that the server parses it into the column's type: the text output of every type reads
 * back exactly (timestamps with their microseconds and zone, numeric, jsonb, arrays, enums, bytea as hex), with no
 * type mapping of ours in between. The sharding key alone is read typed, since the router hashes typed values.
 */
enum SqlDialect {

    MYSQL {
        @Override
        String quote(String identifier) {
            return "`" + identifier.replace("`", "``") + "`";
        }

        @Override
        String currentSchema() {
            return "DATABASE()";
        }

        @Override
        String upsertClause(List<String> key, List<String> values) {
            // VALUES(col) rather than MySQL 8's row alias: MariaDB has only the former.
            String update = values.isEmpty() ? quote(key.get(0)) + " = " + quote(key.get(0))
                    : String.join(", ", values.stream().map(c -> quote(c) + " = VALUES(" + quote(c) + ")").toList());
            return " ON DUPLICATE KEY UPDATE " + update;
        }

        @Override
        void skipForeignKeyChecks(Statement s) throws SQLException {
            s.execute("SET SESSION foreign_key_checks = 0");
        }

        @Override
        int maxParameters() {
            return 60_000; // of the protocol's 65535
        }
    },

    POSTGRES {
        @Override
        String quote(String identifier) {
            return "\"" + identifier.replace("\"", "\"\"") + "\"";
        }

        @Override
        String currentSchema() {
            return "current_schema()";
        }

        @Override
        String upsertClause(List<String> key, List<String> values) {
            String conflict = " ON CONFLICT (" + String.join(", ", key.stream().map(this::quote).toList()) + ")";
            return values.isEmpty() ? conflict + " DO NOTHING" : conflict + " DO UPDATE SET "
                    + String.join(", ", values.stream().map(c -> quote(c) + " = EXCLUDED." + quote(c)).toList());
        }

        /**
         * {@code session_replication_role = replica} keeps foreign-key triggers (and the tables' own triggers) from
         * firing on the copies, as on a logical replica. Only a superuser may set it; for other users the copy goes
         * on with the checks, and a child row copied before its parent fails naming the constraint.
         */
        @Override
        void skipForeignKeyChecks(Statement s) throws SQLException {
            try {
                s.execute("SET session_replication_role = replica");
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }

        @Override
        int maxParameters() {
            return 30_000; // of the driver's 32767
        }

        /** Identity columns GENERATED ALWAYS take the copied values as they are. */
        @Override
        String keepValues() {
            return " OVERRIDING SYSTEM VALUE";
        }

        @Override
        Object read(ResultSet rs, int column, boolean temporal) throws SQLException {
            return rs.getString(column);
        }

        @Override
        void bind(PreparedStatement statement, int index, Object value) throws SQLException {
            if (value == null || value instanceof String) {
                statement.setObject(index, value, Types.OTHER);
            } else {
                statement.setObject(index, value);
            }
        }
    };

    abstract String quote(String identifier);

    /** The SQL expression naming the schema the connection's unqualified table names resolve in. */
    abstract String currentSchema();

    /** What follows {@code INSERT ... VALUES (...)} so that a row with the same key is replaced. */
    abstract String upsertClause(List<String> key, List<String> values);

    /** Lets the session write rows in key order, not in foreign-key order. */
    abstract void skipForeignKeyChecks(Statement s) throws SQLException;

    /** The most placeholders one statement may carry. */
    abstract int maxParameters();

    /** What goes between {@code INSERT INTO t (columns)} and {@code VALUES} so that every value is kept as given. */
    String keepValues() {
        return "";
    }

    /**
     * A column's value as it is copied and compared. MySQL-family dates and times travel as the server's text:
     * Connector/J takes MariaDB for a 5.5 server and drops the fractional seconds of a {@code LocalDateTime} it
     * sends, and the text needs no time zone conversion.
     */
    Object read(ResultSet rs, int column, boolean temporal) throws SQLException {
        return temporal ? rs.getString(column) : rs.getObject(column);
    }

    /** Binds a value read by {@link #read} (or a key bound decoded from the progress). */
    void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        statement.setObject(index, value);
    }

    static SqlDialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        return product.contains("postgres") ? POSTGRES : MYSQL;
    }
}
