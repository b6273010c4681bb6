package dev.shard.core.internal.sql;

import java.sql.SQLException;

/**
 * Our own small view of a SQL parser: text in, {@link StatementShape} out. Nothing outside the implementation
 * sees the parser library's types, so it can be replaced without touching routing.
 */
public interface SqlAnalyzer {

    /**
     * @param sql the statement text (usually a normalised template with '?' markers)
     * @throws java.sql.SQLSyntaxErrorException when the text does not parse, naming the position
     * @throws java.sql.SQLTimeoutException     when parsing exceeds the configured bound
     */
    StatementShape analyze(String sql) throws SQLException;

    /** How long analysing one statement may take (settings.parseTimeoutMillis). */
    default long timeoutMillis() {
        return dev.shard.core.config.Settings.DEFAULT_PARSE_TIMEOUT_MILLIS;
    }
}
