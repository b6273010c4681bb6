package dev.shard.cli.reshard;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a source data source's binary log is read from: its server (host, port), an account allowed to read the
 * binary log (REPLICATION SLAVE, and REPLICATION CLIENT or on MariaDB BINLOG MONITOR), and the database whose
 * tables are that data source's. The password never appears in {@link #toString()}.
 */
public record BinlogSource(String dataSourceName, String host, int port, String user, String password,
                           String database) {

    private static final Pattern MYSQL_URL = Pattern.compile(
            "jdbc:(?:mysql|mariadb)://(?:[^@/]*@)?(\\[[^\\]]+\\]|[^:/?,]+)(?::(\\d+))?/([^?;]*)(?:[?;].*)?");
    private static final int DEFAULT_PORT = 3306;

    public BinlogSource {
        Objects.requireNonNull(dataSourceName, "dataSourceName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(database, "database");
        if (database.isEmpty()) {
            throw new IllegalArgumentException("Data source " + dataSourceName + ": the binlog source needs the "
                    + "database of its tables");
        }
    }

    /**
     * The source behind a {@code jdbc:mysql://host[:port]/database...} or {@code jdbc:mariadb://...} URL (one host;
     * the URL's own options do not apply to the binlog connection).
     *
     * @throws IllegalArgumentException naming the data source when the URL is of another form
     */
    public static BinlogSource fromJdbcUrl(String dataSourceName, String jdbcUrl, String user, String password) {
        Matcher m = MYSQL_URL.matcher(jdbcUrl);
        if (!m.matches() || m.group(3).isEmpty()) {
            throw new IllegalArgumentException("Data source " + dataSourceName + ": cannot read the binary log of "
                    + "jdbcUrl " + jdbcUrl + "; a reshard needs jdbc:mysql://host:port/database or "
                    + "jdbc:mariadb://host:port/database with one host");
        }
        String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
        int port = m.group(2) == null ? DEFAULT_PORT : Integer.parseInt(m.group(2));
        return new BinlogSource(dataSourceName, host, port, user, password == null ? "" : password, m.group(3));
    }

    @Override
    public String toString() {
        return "BinlogSource[" + dataSourceName + ": " + user + "@" + host + ":" + port + "/" + database + "]";
    }
}
