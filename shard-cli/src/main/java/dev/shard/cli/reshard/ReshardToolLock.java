package dev.shard.cli.reshard;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * One reshard tool at a time per metadata database. Two runs at once would each drive the same reshard: an
 * {@code --abort} racing a run that is publishing could delete the copied rows after the new owners went live.
 *
 * <p>On MySQL and MariaDB this is a named lock ({@code GET_LOCK}) held by one connection for the whole run: the
 * server releases it when that connection ends, so a tool killed with SIGKILL leaves no lock behind, and a
 * {@code --resume} after it starts at once. Named locks are server-wide, so the name includes the metadata
 * database. On PostgreSQL it is a session advisory lock keyed by the same name, with the same property (released
 * with the session); advisory locks are per database, which is the deployment's metadata database. Other engines
 * (H2 in tests and embedded use) take no lock.
 */
final class ReshardToolLock implements AutoCloseable {

    /**
     * How long a run waits for the lock. A tool killed a moment ago may still hold it until the server has ended its
     * session (at once, once the server sees the socket closed, but a busy server takes its time), and a resume
     * started right after should not be refused for that.
     */
    static final int WAIT_SECONDS = 20;

    private static final ReshardToolLock NONE = new ReshardToolLock(null, null, false);

    private final Connection holder;
    private final String name;
    private final boolean postgres;

    private ReshardToolLock(Connection holder, String name, boolean postgres) {
        this.holder = holder;
        this.name = name;
        this.postgres = postgres;
    }

    /**
     * Takes the lock, waiting up to {@link #WAIT_SECONDS} for a run that holds it, or refuses.
     *
     * @throws SQLException naming the metadata data source and the connection that holds the lock, if another run
     *                      holds it
     */
    static ReshardToolLock acquire(DataSource metadata, String metadataName) throws SQLException {
        Connection connection = metadata.getConnection();
        try {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                return acquirePostgres(connection, metadataName);
            }
            if (!product.contains("mysql") && !product.contains("mariadb")) {
                connection.close();
                return NONE;
            }
            String name = lockName(connection.getCatalog());
            try (PreparedStatement take = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
                take.setString(1, name);
                take.setInt(2, WAIT_SECONDS);
                try (ResultSet taken = take.executeQuery()) {
                    if (taken.next() && taken.getInt(1) == 1) {
                        return new ReshardToolLock(connection, name, false);
                    }
                }
            }
            String holder = holderOf(connection, name);
            throw new SQLException("Another shard reshard run is in progress on this deployment: it holds the lock "
                    + name + " on data source " + metadataName + (holder == null ? "" : " (server connection "
                    + holder + ")") + " and did not release it within " + WAIT_SECONDS + " s. Wait for it to end,"
                    + " or stop it first; nothing was changed", "55P03");
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * The advisory lock, waited for up to {@link #WAIT_SECONDS} by the server's {@code lock_timeout} (a wait the
     * server ends, not a loop of ours).
     */
    private static ReshardToolLock acquirePostgres(Connection connection, String metadataName) throws SQLException {
        String name = "shard_reshard_tool";
        connection.setAutoCommit(true);
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute("SET lock_timeout = '" + WAIT_SECONDS + "s'");
            try {
                s.execute("SELECT pg_advisory_lock(hashtext('" + name + "'))");
            } catch (SQLException e) {
                if (!"55P03".equals(e.getSQLState())) {
                    throw e;
                }
                String holder = null;
                try (ResultSet rs = s.executeQuery("SELECT string_agg(pid::text, ', ') FROM pg_locks WHERE"
                        + " locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE"
                        + " datname = current_database()) AND objid = hashtext('" + name + "')::oid")) {
                    holder = rs.next() ? rs.getString(1) : null;
                } catch (SQLException unknown) {
                    // the message goes without the holder
                }
                throw new SQLException("Another shard reshard run is in progress on this deployment: it holds the"
                        + " advisory lock " + name + " on data source " + metadataName + (holder == null ? ""
                        : " (server process " + holder + ")") + " and did not release it within " + WAIT_SECONDS
                        + " s. Wait for it to end, or stop it first; nothing was changed", "55P03");
            } finally {
                s.execute("RESET lock_timeout");
            }
        }
        return new ReshardToolLock(connection, name, true);
    }

    /** Server-wide names, at most 64 characters: the database keeps two deployments on one server apart. */
    static String lockName(String database) {
        String name = "shard_reshard_tool." + (database == null ? "" : database);
        if (name.length() <= 64) {
            return name;
        }
        return "shard_reshard_tool." + com.google.common.hash.Hashing.sha256()
                .hashString(database, StandardCharsets.UTF_8).toString().substring(0, 40);
    }

    private static String holderOf(Connection connection, String name) throws SQLException {
        try (PreparedStatement used = connection.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            used.setString(1, name);
            try (ResultSet rows = used.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** Releases the lock: explicitly, since the connection goes back to a pool and its session lives on. */
    @Override
    public void close() throws SQLException {
        if (holder == null) {
            return;
        }
        try (holder; PreparedStatement release = holder.prepareStatement(postgres
                ? "SELECT pg_advisory_unlock(hashtext(?))" : "SELECT RELEASE_LOCK(?)")) {
            release.setString(1, name);
            release.executeQuery().close();
        } catch (SQLException e) {
            // A session the lock cannot be released on must not go back to the pool still holding it.
            holder.abort(Runnable::run);
            throw e;
        }
    }
}
