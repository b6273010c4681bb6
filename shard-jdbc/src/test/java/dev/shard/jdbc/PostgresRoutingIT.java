package dev.shard.jdbc;

import dev.shard.jdbc.testing.PostgresServer;
import dev.shard.jdbc.testing.TestServer;
import java.util.List;
import java.util.Map;

/**
 * The conformance suite on PostgreSQL: databases shard_it_pg_0..3 and shard_it_pg_ref (+ pid), compared value for
 * value (no case folding, AVG to its last digit), with PostgreSQL's NULL order and code-point strings.
 */
class PostgresRoutingIT extends ServerRoutingSuite {

    /** The MySQL syntax in the shared catalogues, and why each cannot run on PostgreSQL. */
    static final Map<String, String> MYSQL_ONLY = Map.of(
            "LIMIT ?, ", "LIMIT offset, count is MySQL's; PostgreSQL writes LIMIT count OFFSET offset");

    @Override
    TestServer requireServer() {
        return PostgresServer.require();
    }

    @Override
    String prefix() {
        return "shard_it_pg";
    }

    @Override
    String notOnThisEngine(String sql) {
        for (Map.Entry<String, String> mysqlOnly : MYSQL_ONLY.entrySet()) {
            if (sql.contains(mysqlOnly.getKey())) {
                return mysqlOnly.getValue();
            }
        }
        return null;
    }

    /** Exact: PostgreSQL's strings are case-sensitive, and the merge's AVG must equal PostgreSQL's digit for digit. */
    @Override
    List<List<String>> comparable(List<List<String>> rows) {
        return rows;
    }

    /** pgjdbc sends a String as varchar, and PostgreSQL has no bigint = varchar. */
    @Override
    boolean stringParametersCompareAsNumbers() {
        return false;
    }
}
