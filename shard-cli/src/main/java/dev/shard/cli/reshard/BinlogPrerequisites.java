package dev.shard.cli.reshard;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a source must have for its binary log to be replayed, and where its log is now. Each problem names the
 * server, the setting and the exact statement or option that fixes it, since the tool stops before changing
 * anything when there is one.
 */
final class BinlogPrerequisites {

    private BinlogPrerequisites() {
    }

    static BinlogPosition currentPosition(Connection source) throws SQLException {
        try (Statement s = source.createStatement(); ResultSet rs = masterStatus(s)) {
            if (!rs.next()) {
                throw new SQLException("The server " + server(source) + " writes no binary log (log_bin=OFF): "
                        + "start it with log_bin and binlog_format=ROW to reshard its data");
            }
            String file = rs.getString("File");
            long position = rs.getLong("Position");
            String gtids = hasColumn(rs.getMetaData(), "Executed_Gtid_Set") ? emptyToNull(
                    rs.getString("Executed_Gtid_Set")) : null;
            if (isMariaDb(source)) {
                try (ResultSet gtid = s.executeQuery("SELECT @@gtid_binlog_pos")) {
                    gtid.next();
                    gtids = emptyToNull(gtid.getString(1));
                }
            }
            return new BinlogPosition(file, position, gtids == null ? null : gtids.replaceAll("\\s", ""));
        }
    }

    /** MySQL 8.4 removed SHOW MASTER STATUS for SHOW BINARY LOG STATUS, which MariaDB lacks. */
    private static ResultSet masterStatus(Statement s) throws SQLException {
        try {
            return s.executeQuery("SHOW MASTER STATUS");
        } catch (SQLSyntaxErrorException e) {
            return s.executeQuery("SHOW BINARY LOG STATUS");
        }
    }

    static List<String> problems(Connection source) throws SQLException {
        List<String> problems = new ArrayList<>();
        String server = server(source);
        boolean mariaDb = isMariaDb(source);
        String logBin = variable(source, "log_bin");
        if (!"ON".equalsIgnoreCase(logBin) && !"1".equals(logBin)) {
            problems.add(server + ": log_bin is " + logBin + ", so there is no binary log to catch up from. Start "
                    + "the server with a binary log: in its option file, [mysqld] log_bin = " + (mariaDb
                    ? "mariadb-bin" : "binlog") + ", server_id = <a unique number> and binlog_format = ROW "
                    + "(log_bin needs a restart)");
        }
        String format = variable(source, "binlog_format");
        if (!"ROW".equalsIgnoreCase(format)) {
            problems.add(server + ": binlog_format is " + format + "; the catch-up needs ROW. Run SET GLOBAL "
                    + "binlog_format = 'ROW' and set binlog_format = ROW in the option file; connections opened "
                    + "before keep their format until they reconnect, so restart the applications' pools (or the "
                    + "server)");
        }
        String rowImage = variable(source, "binlog_row_image");
        if (rowImage != null && !"FULL".equalsIgnoreCase(rowImage)) {
            problems.add(server + ": binlog_row_image is " + rowImage + "; the catch-up needs FULL. Run SET GLOBAL "
                    + "binlog_row_image = 'FULL' and set binlog_row_image = FULL in the option file (connections "
                    + "opened before keep the old value until they reconnect)");
        }
        String compress = mariaDb ? variable(source, "log_bin_compress") : null;
        if ("ON".equalsIgnoreCase(compress) || "1".equals(compress)) {
            problems.add(server + ": log_bin_compress is ON; the catch-up cannot read compressed row events. Run "
                    + "SET GLOBAL log_bin_compress = OFF and set log_bin_compress = OFF in the option file");
        }
        problems.addAll(privilegeProblems(source, server, mariaDb));
        return problems;
    }

    private static List<String> privilegeProblems(Connection source, String server, boolean mariaDb)
            throws SQLException {
        List<String> grants = new ArrayList<>();
        String account;
        try (Statement s = source.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
                rs.next();
                account = rs.getString(1);
            }
            try (ResultSet rs = s.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
                while (rs.next()) {
                    String grant = rs.getString(1).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
                    if (grant.contains(" ON *.* ")) {
                        grants.add(grant);
                    }
                }
            }
        }
        boolean all = grants.stream().anyMatch(g -> g.startsWith("GRANT ALL PRIVILEGES ON *.*"));
        List<String> missing = new ArrayList<>();
        if (!all && grants.stream().noneMatch(g -> g.contains("REPLICATION SLAVE"))) {
            missing.add("REPLICATION SLAVE");
        }
        String monitor = mariaDb ? "BINLOG MONITOR" : "REPLICATION CLIENT";
        if (!all && grants.stream().noneMatch(g -> g.contains("REPLICATION CLIENT") || g.contains("BINLOG MONITOR")
                || g.contains("SUPER"))) {
            missing.add(monitor);
        }
        if (missing.isEmpty()) {
            return List.of();
        }
        String user = account.contains("@") ? "'" + account.substring(0, account.lastIndexOf('@')) + "'@'"
                + account.substring(account.lastIndexOf('@') + 1) + "'" : account;
        return List.of(server + ": the account " + account + " lacks " + String.join(" and ", missing)
                + ", which reading the binary log needs. Run GRANT " + String.join(", ", missing) + " ON *.* TO "
                + user);
    }

    private static String variable(Connection source, String name) throws SQLException {
        try (Statement s = source.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : null;
        }
    }

    private static boolean isMariaDb(Connection source) throws SQLException {
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1).toLowerCase(Locale.ROOT).contains("mariadb");
        }
    }

    private static String server(Connection source) throws SQLException {
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT @@hostname, @@port")) {
            rs.next();
            return "server " + rs.getString(1) + ":" + rs.getInt(2);
        }
    }

    private static boolean hasColumn(ResultSetMetaData meta, String name) throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnLabel(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
