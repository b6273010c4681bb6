package dev.shard.jdbc.internal;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What read-your-writes asks a shard's primary and replica, and what it makes of the answers, for MySQL's GTIDs and
 * MariaDB's. MySQL runs on none of the project's machines (MySqlReadYourWritesIT proves this against real servers
 * where Docker is), so the servers here are scripted: each answers a statement with one value, or fails it.
 */
class ReadYourWritesTest {

    private static final String MYSQL_VERSION = "8.4.3";
    private static final String MARIADB_VERSION = "5.5.5-10.11.6-MariaDB-0+deb12u1";
    private static final String GTIDS = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n"
            + "4f22fa47-71ca-11e1-9e33-c80aa9429562:1-2";

    /** A scripted server: the answers it gives, by statement text; what it was sent; how often it was asked. */
    private static final class Server {
        final String version;
        final Map<String, Function<List<Object>, Object>> answers = new HashMap<>();
        final List<String> sent = new ArrayList<>();
        final List<List<Object>> parameters = new ArrayList<>();
        int metaDataCalls;

        Server(String version) {
            this.version = version;
        }

        Server answer(String sql, Object value) {
            answers.put(sql, parameters -> value);
            return this;
        }

        Connection connection() {
            return proxy(Connection.class, (method, args) -> switch (method) {
                case "getMetaData" -> {
                    metaDataCalls++;
                    yield proxy(DatabaseMetaData.class, (m, a) -> m.equals("getDatabaseProductVersion") ? version
                            : unexpected(m));
                }
                case "createStatement" -> proxy(Statement.class, (m, a) -> switch (m) {
                    case "executeQuery" -> run((String) a[0], List.of());
                    case "close" -> null;
                    default -> unexpected(m);
                });
                case "prepareStatement" -> {
                    String sql = (String) args[0];
                    List<Object> bound = new ArrayList<>();
                    yield proxy(PreparedStatement.class, (m, a) -> switch (m) {
                        case "setString", "setDouble" -> {
                            bound.add(a[1]);
                            yield null;
                        }
                        case "executeQuery" -> run(sql, bound);
                        case "close" -> null;
                        default -> unexpected(m);
                    });
                }
                default -> unexpected(method);
            });
        }

        private ResultSet run(String sql, List<Object> bound) throws SQLException {
            sent.add(sql);
            parameters.add(List.copyOf(bound));
            Function<List<Object>, Object> answer = answers.get(sql);
            if (answer == null) {
                throw new SQLSyntaxErrorException("no such function or variable in " + sql, "42000", 1064);
            }
            Object value = answer.apply(bound);
            boolean[] read = {false};
            return proxy(ResultSet.class, (m, a) -> switch (m) {
                case "next" -> {
                    boolean first = !read[0];
                    read[0] = true;
                    yield first;
                }
                case "getString" -> value == null ? null : String.valueOf(value);
                case "getInt" -> value == null ? 0 : ((Number) value).intValue();
                case "wasNull" -> value == null;
                case "close" -> null;
                default -> unexpected(m);
            });
        }
    }

    private interface Handler {
        Object handle(String method, Object[] args) throws SQLException;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Handler handler) {
        return (T) Proxy.newProxyInstance(ReadYourWritesTest.class.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    case "toString" -> type.getSimpleName();
                    default -> handler.handle(method.getName(), args);
                });
    }

    private static Object unexpected(String method) {
        throw new UnsupportedOperationException(method);
    }

    private static ReplicaSet replicas() {
        return new ReplicaSet(List.of(), true);
    }

    @Test
    void mySqlWaitsOnTheReplicaForThePrimarysExecutedSetInSeconds() throws SQLException {
        Server primary = new Server(MYSQL_VERSION).answer("SELECT @@global.gtid_executed", GTIDS);
        Server replica = new Server(MYSQL_VERSION).answer("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", 0);
        Connection written = primary.connection();
        Connection read = replica.connection();
        ReadYourWrites ryw = new ReadYourWrites(1500);
        ReplicaSet replicas = replicas();
        assertThat(ryw.mayRead(0, read, true, written, replicas)).as("nothing written yet").isTrue();
        assertThat(replica.sent).isEmpty();

        ryw.wrote(0, 2, written);
        assertThat(ryw.mayRead(1, read, true, written, replicas)).as("another shard").isTrue();
        assertThat(ryw.mayRead(0, read, true, written, replicas)).isTrue();
        assertThat(primary.sent).containsExactly("SELECT @@global.gtid_executed");
        assertThat(replica.sent).containsExactly("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)");
        assertThat(replica.parameters.get(0)).as("the whole set, and the timeout in seconds")
                .containsExactly(GTIDS, 1.5);
        assertThat(ryw.mayRead(0, read, true, written, replicas)).as("caught up: no second wait").isTrue();
        assertThat(replica.sent).hasSize(1);

        ryw.wrote(0, 2, written);
        replica.answer("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", 1);
        assertThat(ryw.mayRead(0, read, true, written, replicas)).as("1: the timeout came first").isFalse();
        replica.answer("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", null);
        assertThat(ryw.mayRead(0, read, true, written, replicas)).as("NULL: an error").isFalse();
        replica.answer("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", 0);
        assertThat(ryw.mayRead(0, read, true, written, replicas)).as("the same GTIDs, waited for again").isTrue();
        assertThat(primary.sent).as("the set is read once per write").hasSize(2);
    }

    @Test
    void mySqlWithGtidModeOffReadsThePrimaryUntilTheNextWrite() throws SQLException {
        Server primary = new Server(MYSQL_VERSION).answer("SELECT @@global.gtid_executed", "");
        Server replica = new Server(MYSQL_VERSION);
        Connection written = primary.connection();
        ReadYourWrites ryw = new ReadYourWrites(1000);
        ReplicaSet replicas = replicas();
        ryw.wrote(0, 1, written);
        for (int read = 0; read < 3; read++) {
            assertThat(ryw.mayRead(0, replica.connection(), true, written, replicas)).as("read " + read).isFalse();
        }
        assertThat(ryw.mayRead(0, written, false, written, replicas)).as("the primary may read").isTrue();
        assertThat(primary.sent).as("asked once").hasSize(1);
        assertThat(replica.sent).isEmpty();

        primary.answer("SELECT @@global.gtid_executed", GTIDS); // gtid_mode turned on since
        replica.answer("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", 0);
        ryw.wrote(0, 1, written);
        assertThat(ryw.mayRead(0, replica.connection(), true, written, replicas)).isTrue();
    }

    @Test
    void aServerWithoutTheseVariablesReadsThePrimaryUntilTheNextWrite() throws SQLException {
        Server primary = new Server("2.3.232 (2024-08-11)"); // H2: answers none of it
        ReadYourWrites ryw = new ReadYourWrites(1000);
        ReplicaSet replicas = replicas();
        ryw.wrote(0, 1, primary.connection());
        Connection read = new Server("2.3.232").connection();
        assertThat(ryw.mayRead(0, read, true, primary.connection(), replicas)).isFalse();
        assertThat(ryw.mayRead(0, read, true, primary.connection(), replicas)).isFalse();
        assertThat(primary.sent).as("asked once").hasSize(1);
    }

    @Test
    void aTimeoutOfZeroOnMySqlLooksWithoutWaiting() throws SQLException {
        // WAIT_FOR_EXECUTED_GTID_SET(gtids, 0) would wait without end.
        Server primary = new Server(MYSQL_VERSION).answer("SELECT @@global.gtid_executed", GTIDS);
        Server replica = new Server(MYSQL_VERSION).answer("SELECT GTID_SUBSET(?, @@global.gtid_executed)", 1);
        Connection written = primary.connection();
        ReadYourWrites ryw = new ReadYourWrites(0);
        ReplicaSet replicas = replicas();
        ryw.wrote(0, 1, written);
        assertThat(ryw.mayRead(0, replica.connection(), true, written, replicas)).as("1: a subset").isTrue();
        assertThat(replica.parameters.get(0)).containsExactly(GTIDS);
        ryw.wrote(0, 1, written);
        replica.answer("SELECT GTID_SUBSET(?, @@global.gtid_executed)", 0);
        assertThat(ryw.mayRead(0, replica.connection(), true, written, replicas)).as("0: not yet").isFalse();
    }

    @Test
    void mariaDbWaitsForTheWritingSessionsGtid() throws SQLException {
        Server primary = new Server(MARIADB_VERSION).answer("SELECT @@last_gtid", "0-1-42")
                .answer("SELECT @@global.gtid_binlog_pos", "0-1-43");
        Server replica = new Server(MARIADB_VERSION).answer("SELECT MASTER_GTID_WAIT(?, ?)", 0);
        Connection written = primary.connection();
        ReadYourWrites ryw = new ReadYourWrites(0);
        ReplicaSet replicas = replicas();
        ryw.wrote(0, 1, written);
        assertThat(ryw.mayRead(0, replica.connection(), true, written, replicas)).isTrue();
        assertThat(replica.parameters.get(0)).as("MariaDB's 0 means: do not wait").containsExactly("0-1-42", 0.0);

        ryw.wrote(0, 1, written);
        replica.answer("SELECT MASTER_GTID_WAIT(?, ?)", -1);
        assertThat(ryw.mayRead(0, replica.connection(), true, primary.connection(), replicas))
                .as("-1: the timeout; the writing connection was replaced").isFalse();
        assertThat(primary.sent).containsExactly("SELECT @@last_gtid", "SELECT @@global.gtid_binlog_pos");

        primary.answer("SELECT @@last_gtid", "");
        ryw.wrote(0, 1, written);
        assertThat(ryw.mayRead(0, replica.connection(), true, written, replicas))
                .as("the session logged nothing: nothing to wait for").isTrue();
    }

    @Test
    void theServersKindIsAskedOncePerShardAcrossConnectionsAndWrites() throws SQLException {
        Server mysql = new Server(MYSQL_VERSION).answer("SELECT @@global.gtid_executed", GTIDS);
        Server mysqlReplica = new Server(MYSQL_VERSION).answer("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", 0);
        Server mariaDb = new Server(MARIADB_VERSION).answer("SELECT @@last_gtid", "0-1-7");
        Server mariaDbReplica = new Server(MARIADB_VERSION).answer("SELECT MASTER_GTID_WAIT(?, ?)", 0);
        ReplicaSet mysqlShard = replicas();
        ReplicaSet mariaDbShard = replicas();
        for (int connection = 0; connection < 3; connection++) {
            ReadYourWrites ryw = new ReadYourWrites(1000);
            for (int write = 0; write < 4; write++) {
                Connection onMySql = mysql.connection();
                Connection onMariaDb = mariaDb.connection();
                ryw.wrote(0, 2, onMySql);
                ryw.wrote(1, 2, onMariaDb);
                assertThat(ryw.mayRead(0, mysqlReplica.connection(), true, onMySql, mysqlShard)).isTrue();
                assertThat(ryw.mayRead(1, mariaDbReplica.connection(), true, onMariaDb, mariaDbShard)).isTrue();
            }
        }
        assertThat(mysql.metaDataCalls).isOne();
        assertThat(mariaDb.metaDataCalls).isOne();
        assertThat(mysqlShard.gtids()).isEqualTo(ReadYourWrites.Gtids.MYSQL);
        assertThat(mariaDbShard.gtids()).isEqualTo(ReadYourWrites.Gtids.MARIADB);
        assertThat(mysql.sent).as("each write's set is still read").hasSize(12);
        assertThat(mariaDbReplica.sent).as("each write is still waited for").hasSize(12);
    }
}
