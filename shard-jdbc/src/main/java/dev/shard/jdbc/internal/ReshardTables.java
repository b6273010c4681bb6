package dev.shard.jdbc.internal;

import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.hash.SlotMapCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the reshard switch, shared by the tool's side ({@link ReshardCoordination}) and the instances' side
 * ({@link SlotMapFollower}), on the metadata data source beside {@value SlotMapStore#TABLE}:
 * <ul>
 *   <li>{@value #RESHARD}: at most one row, the announced reshard: the version it starts from, the target map, its
 *       state (ANNOUNCED or FROZEN), a token naming the announcement and one naming the current freeze;</li>
 *   <li>{@value #INSTANCE}: a row per running application instance, inserted at its start, updated on every poll
 *       (heartbeat, the version it routes by, the freeze it acknowledged) and deleted on close. Its
 *       {@code frozen_ack} says, besides the freeze acknowledged (the freeze token), that the instance has read the
 *       announcement (the announcement token) or that it cannot route by the announced target (the announcement
 *       token negated; tokens are positive), without a column more for tables created before;</li>
 * </ul>
 * Times are the metadata server's ({@code CURRENT_TIMESTAMP(3)}): instances' clocks are never compared. The SQL is
 * plain enough for MariaDB, MySQL, PostgreSQL and H2 alike; only the tables' column types differ ({@link MetadataDdl}).
 */
final class ReshardTables {

    static final String RESHARD = "shard_reshard";
    static final String INSTANCE = "shard_instance";
    private static final int ROW = 1;

    private ReshardTables() {
    }

    static void create(Connection c) throws SQLException {
        MetadataDdl ddl = MetadataDdl.of(c);
        ddl.createIfMissing(c, "CREATE TABLE IF NOT EXISTS " + RESHARD + " (id INT NOT NULL PRIMARY KEY,"
                + " from_version BIGINT NOT NULL, target_map " + ddl.longText() + " NOT NULL,"
                + " state VARCHAR(16) NOT NULL, announce_token BIGINT NOT NULL, freeze_token BIGINT NOT NULL)");
        ddl.createIfMissing(c, "CREATE TABLE IF NOT EXISTS " + INSTANCE + " (id VARCHAR(64) NOT NULL PRIMARY KEY,"
                + " host VARCHAR(255) NOT NULL, routing_version BIGINT NOT NULL, frozen_ack BIGINT NOT NULL,"
                + " lease_millis BIGINT NOT NULL, last_heartbeat " + ddl.timestamp() + " NOT NULL)");
        commitIfNeeded(c);
    }

    /**
     * Whether {@code e} says a table does not exist: SQLSTATE 42S02 (MariaDB, MySQL, H2), 42P01 (PostgreSQL), or
     * H2's own codes for a table not found where the schema has other names or none.
     */
    static boolean isMissingTable(SQLException e) {
        String state = e.getSQLState();
        return "42S02".equals(state) || "42P01".equals(state) || "42103".equals(state) || "42104".equals(state);
    }

    /**
     * What an instance polls: the stored version and the announcement, if any (without its target map), read by
     * one statement so that they are consistent: a publish changes both in one transaction.
     *
     * @param announceToken 0 when nothing is announced
     */
    record Poll(long mapVersion, long fromVersion, String state, long announceToken, long freezeToken) {

        boolean announced() {
            return announceToken != 0;
        }

        boolean frozen() {
            return "FROZEN".equals(state);
        }
    }

    /** The poll's one query; null when the slot map row is missing. */
    static Poll poll(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT m.map_version, r.from_version, r.state,"
                + " r.announce_token, r.freeze_token FROM " + SlotMapStore.TABLE + " m LEFT JOIN " + RESHARD
                + " r ON r.id = ? WHERE m.id = ?")) {
            select.setInt(1, ROW);
            select.setInt(2, ROW);
            try (ResultSet rs = select.executeQuery()) {
                Poll poll = rs.next() ? new Poll(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4),
                        rs.getLong(5)) : null;
                commitIfNeeded(c);
                return poll;
            }
        }
    }

    /** The announced row in full. */
    record Announced(long fromVersion, SlotMap target, String state, long announceToken, long freezeToken) {
    }

    /** The announcement, or null; {@code lock} reads it FOR UPDATE (the caller's transaction). */
    static Announced announced(Connection c, boolean lock) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT from_version, target_map, state, announce_token,"
                + " freeze_token FROM " + RESHARD + " WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
            select.setInt(1, ROW);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long from = rs.getLong(1);
                SlotMap target;
                try {
                    target = SlotMapCodec.decode(rs.getString(2));
                } catch (IllegalArgumentException e) {
                    throw new SQLException("The target slot map announced in table " + RESHARD + " (from version "
                            + from + ") is unusable: " + e.getMessage() + "; withdraw the reshard (--abort)",
                            "XX001", e);
                }
                return new Announced(from, target, rs.getString(3), rs.getLong(4), rs.getLong(5));
            }
        }
    }

    static void insertAnnouncement(Connection c, long fromVersion, SlotMap target, long announceToken)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + RESHARD
                + " (id, from_version, target_map, state, announce_token, freeze_token) VALUES (?, ?, ?, ?, ?, 0)")) {
            insert.setInt(1, ROW);
            insert.setLong(2, fromVersion);
            insert.setString(3, SlotMapCodec.encode(target));
            insert.setString(4, "ANNOUNCED");
            insert.setLong(5, announceToken);
            insert.executeUpdate();
        }
    }

    /** Sets the state (and the freeze token) if the state is {@code from}; whether a row changed. */
    static boolean changeState(Connection c, String from, String to, long freezeToken) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + RESHARD
                + " SET state = ?, freeze_token = ? WHERE id = ? AND state = ?")) {
            update.setString(1, to);
            update.setLong(2, freezeToken);
            update.setInt(3, ROW);
            update.setString(4, from);
            return update.executeUpdate() == 1;
        }
    }

    static boolean deleteAnnouncement(Connection c) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + RESHARD + " WHERE id = ?")) {
            delete.setInt(1, ROW);
            return delete.executeUpdate() == 1;
        }
    }

    /** The target map of the announcement {@code announceToken}, or null if that one is gone. */
    static SlotMap target(Connection c, long announceToken) throws SQLException {
        Announced announced = announced(c, false);
        commitIfNeeded(c);
        return announced != null && announced.announceToken() == announceToken ? announced.target() : null;
    }

    // ------------------------------------------------------------------ instances

    /** An instance row, with its heartbeat's age by the metadata server's clock. */
    record Instance(String id, String host, long routingVersion, long frozenAck, long leaseMillis,
                    Instant lastHeartbeat, long ageMillis) {

        /**
         * Whether the instance may still be writing. It refuses writes to moving slots once its own last successful
         * poll is older than its lease; the margin (half the lease, at least 2 s) covers the poll's duration, the
         * granularity of its lease check and clocks that run at slightly different rates.
         */
        boolean live() {
            return ageMillis <= leaseMillis + Math.max(2_000, leaseMillis / 2);
        }
    }

    static void insertInstance(Connection c, String id, String host, long routingVersion, long leaseMillis)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + INSTANCE
                + " (id, host, routing_version, frozen_ack, lease_millis, last_heartbeat)"
                + " VALUES (?, ?, ?, 0, ?, CURRENT_TIMESTAMP(3))")) {
            insert.setString(1, id);
            insert.setString(2, host);
            insert.setLong(3, routingVersion);
            insert.setLong(4, leaseMillis);
            insert.executeUpdate();
        }
        commitIfNeeded(c);
    }

    /** Whether the row was there to update (a tool may have removed it as dead). */
    static boolean heartbeat(Connection c, String id, long routingVersion, long frozenAck) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + INSTANCE + " SET routing_version = ?,"
                + " frozen_ack = ?, last_heartbeat = CURRENT_TIMESTAMP(3) WHERE id = ?")) {
            update.setLong(1, routingVersion);
            update.setLong(2, frozenAck);
            update.setString(3, id);
            boolean updated = update.executeUpdate() == 1;
            commitIfNeeded(c);
            return updated;
        }
    }

    static void deleteInstance(Connection c, String id) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + INSTANCE + " WHERE id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        }
        commitIfNeeded(c);
    }

    static List<Instance> instances(Connection c) throws SQLException {
        List<Instance> result = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            Timestamp now;
            try (ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP(3)")) {
                rs.next();
                now = rs.getTimestamp(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT id, host, routing_version, frozen_ack, lease_millis,"
                    + " last_heartbeat FROM " + INSTANCE + " ORDER BY id")) {
                while (rs.next()) {
                    Timestamp beat = rs.getTimestamp(6);
                    result.add(new Instance(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), beat.toInstant(), now.getTime() - beat.getTime()));
                }
            }
        }
        commitIfNeeded(c);
        return result;
    }

    /** A pool may be configured with autoCommit false; these statements are each their own transaction. */
    static void commitIfNeeded(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
