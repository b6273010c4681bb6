package dev.shard.cli.reshard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a PostgreSQL source needs for its changes to be read by logical decoding, each problem with what to set:
 * the tool stops before changing anything when there is one.
 */
final class PostgresPrerequisites {

    /** pgoutput sends logical decoding messages, which mark the catch-up's positions, from PostgreSQL 14 on. */
    private static final int MIN_VERSION = 140000;

    private PostgresPrerequisites() {
    }

    /**
     * @param tables the sharded tables on the source, by lower-case name
     * @param slot   the slot the reshard uses on this database (it does not count against the free slots)
     */
    static List<String> problems(Connection c, Collection<String> tables, String slot) throws SQLException {
        List<String> problems = new ArrayList<>();
        String server = "the PostgreSQL server of database " + c.getCatalog();
        int version = Integer.parseInt(setting(c, "server_version_num"));
        if (version < MIN_VERSION) {
            problems.add(server + " is version " + setting(c, "server_version") + "; the catch-up needs PostgreSQL"
                    + " 14 or later (pgoutput with logical decoding messages)");
        }
        String walLevel = setting(c, "wal_level");
        if (!"logical".equals(walLevel)) {
            problems.add(server + ": wal_level is " + walLevel + ", so its write-ahead log cannot be decoded into"
                    + " row changes. Set wal_level = logical (ALTER SYSTEM SET wal_level = logical, or in"
                    + " postgresql.conf) and restart the server");
        }
        boolean ownSlot = count(c, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                + slot.replace("'", "''") + "'") > 0;
        int slots = Integer.parseInt(setting(c, "max_replication_slots"));
        long usedSlots = count(c, "SELECT count(*) FROM pg_replication_slots");
        if (!ownSlot && usedSlots >= slots) {
            problems.add(server + ": max_replication_slots is " + slots + " and " + usedSlots + " are in use; the"
                    + " reshard needs one replication slot per source. Raise it (ALTER SYSTEM SET"
                    + " max_replication_slots = " + (usedSlots + 1) + ") and restart the server, or drop an unused"
                    + " slot (pg_drop_replication_slot)");
        }
        int senders = Integer.parseInt(setting(c, "max_wal_senders"));
        long usedSenders = count(c, "SELECT count(*) FROM pg_stat_replication");
        if (usedSenders >= senders) {
            problems.add(server + ": max_wal_senders is " + senders + " and " + usedSenders + " are in use; the"
                    + " catch-up streams changes over one replication connection per source. Raise it (ALTER SYSTEM"
                    + " SET max_wal_senders = " + (usedSenders + 1) + ") and restart the server");
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user, rolsuper,"
                + " rolreplication, has_database_privilege(current_database(), 'CREATE') FROM pg_roles"
                + " WHERE rolname = current_user")) {
            if (rs.next()) {
                String user = rs.getString(1);
                if (!rs.getBoolean(2) && !rs.getBoolean(3)) {
                    problems.add(server + ": role " + user + " may not read logical decoding; grant it (ALTER ROLE "
                            + SqlDialect.POSTGRES.quote(user) + " WITH REPLICATION) and allow it replication"
                            + " connections in pg_hba.conf");
                }
                if (!rs.getBoolean(2) && !rs.getBoolean(4)) {
                    problems.add(server + ": role " + user + " may not create the reshard's publication; GRANT"
                            + " CREATE ON DATABASE " + SqlDialect.POSTGRES.quote(c.getCatalog()) + " TO "
                            + SqlDialect.POSTGRES.quote(user));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT c.relname, c.relreplident,"
                + " pg_has_role(c.relowner, 'USAGE') FROM pg_class c WHERE c.relnamespace ="
                + " current_schema()::regnamespace AND lower(c.relname) = ANY (?)")) {
            s.setArray(1, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String table = SqlDialect.POSTGRES.quote(rs.getString(1));
                    if ("n".equals(rs.getString(2))) {
                        problems.add("table " + table + " has REPLICA IDENTITY NOTHING, so its deletes and updates"
                                + " do not say which row they changed; ALTER TABLE " + table
                                + " REPLICA IDENTITY DEFAULT (it has a primary key)");
                    }
                    if (!rs.getBoolean(3)) {
                        problems.add("table " + table + " is not owned by the tool's role, which must own it to add"
                                + " it to the reshard's publication; run the reshard as its owner or a superuser");
                    }
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT k.TABLE_NAME, k.COLUMN_NAME, col.DATA_TYPE FROM"
                + " information_schema.TABLE_CONSTRAINTS t JOIN information_schema.KEY_COLUMN_USAGE k"
                + " ON k.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = t.CONSTRAINT_NAME"
                + " JOIN information_schema.COLUMNS col ON col.TABLE_SCHEMA = k.TABLE_SCHEMA"
                + " AND col.TABLE_NAME = k.TABLE_NAME AND col.COLUMN_NAME = k.COLUMN_NAME"
                + " WHERE t.CONSTRAINT_TYPE = 'PRIMARY KEY' AND t.TABLE_SCHEMA = current_schema()"
                + " AND lower(k.TABLE_NAME) = ANY (?) AND (col.DATA_TYPE LIKE 'time%' OR col.DATA_TYPE IN"
                + " ('date', 'interval'))")) {
            s.setArray(1, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    // The connector hands such key values over as numbers of its own units, not as the column's.
                    problems.add("table " + SqlDialect.POSTGRES.quote(rs.getString(1)) + " has primary key column "
                            + rs.getString(2) + " of type " + rs.getString(3) + ", which the PostgreSQL catch-up"
                            + " cannot look rows up by; reshard it with a primary key of another type");
                }
            }
        }
        return problems;
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT current_setting(?)")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
