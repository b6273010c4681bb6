package dev.shard.jdbc.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A JDBC driver for tests that records what a database receives. {@code jdbc:recording:<url>} opens a connection
 * to {@code <url>} through {@link DriverManager} and wraps it, its statements and its prepared statements in
 * proxies that log every statement sent, with the values bound to its '?' markers at that moment, under the
 * recording URL. Everything else (transaction control, metadata, results) passes through unrecorded.
 *
 * <p>A statement is logged when it is sent: an {@code execute*} call, or for a batch each entry when
 * {@code executeBatch} sends it (an entry cleared before that was never received). It is logged before the
 * database answers, so a statement the database refuses still counts as sent.
 *
 * <p>Tests call {@link #register()} and give the pool only the {@code jdbc:recording:} URL: HikariCP then finds
 * the driver through DriverManager. (Loading it by class name, {@code driverClassName}, fails when the tests run
 * on the module path: HikariCP's module cannot reach a test package.) The log is static, shared by every
 * connection the driver makes.
 */
public final class RecordingDriver implements Driver {

    public static final String PREFIX = "jdbc:recording:";

    /** Stands for a '?' below the highest one set that had no value when the statement was sent. */
    public static final Object NOT_SET = new Object() {
        @Override
        public String toString() {
            return "<not set>";
        }
    };

    /** One statement a database received: its text, and the values of its '?' markers in order (null for NULL). */
    public record Sent(String sql, List<Object> parameters) {

        public Sent {
            parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
        }
    }

    private static final Map<String, List<Sent>> LOG = new ConcurrentHashMap<>();
    /** Per recording URL, the number of entries of each executeBatch call, in order. */
    private static final Map<String, List<Integer>> BATCHES = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicBoolean REGISTERED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Registers one instance with DriverManager, once per JVM; it answers only {@code jdbc:recording:} URLs. */
    public static void register() throws SQLException {
        if (REGISTERED.compareAndSet(false, true)) {
            java.sql.DriverManager.registerDriver(new RecordingDriver());
        }
    }

    /** The recording URL for a real one. */
    public static String url(String realUrl) {
        return PREFIX + realUrl;
    }

    /** What the database behind {@code recordingUrl} has received since the last {@link #clear}, in order. */
    public static List<Sent> sentTo(String recordingUrl) {
        List<Sent> sent = log(recordingUrl);
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    /**
     * The size of each executeBatch (or executeLargeBatch) call the database behind {@code recordingUrl} has
     * received since the last {@link #clear}, in order: how many round trips a batch took, where the entries in
     * {@link #sentTo} only say what was sent.
     */
    public static List<Integer> batchesSentTo(String recordingUrl) {
        List<Integer> sizes = batches(recordingUrl);
        synchronized (sizes) {
            return List.copyOf(sizes);
        }
    }

    public static void clear(String recordingUrl) {
        log(recordingUrl).clear();
        batches(recordingUrl).clear();
    }

    private static List<Integer> batches(String recordingUrl) {
        return BATCHES.computeIfAbsent(recordingUrl, url -> Collections.synchronizedList(new ArrayList<>()));
    }

    private static List<Sent> log(String recordingUrl) {
        return LOG.computeIfAbsent(recordingUrl, url -> Collections.synchronizedList(new ArrayList<>()));
    }

    // ------------------------------------------------------------------ Driver

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null; // JDBC: not ours, let another driver answer
        }
        Connection real = DriverManager.getConnection(url.substring(PREFIX.length()), info);
        return connectionProxy(real, url);
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("RecordingDriver has no logger");
    }

    // ------------------------------------------------------------------ proxies

    private static Connection connectionProxy(Connection real, String url) {
        Connection[] self = new Connection[1];
        self[0] = (Connection) Proxy.newProxyInstance(RecordingDriver.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return switch (method.getName()) {
                        case "createStatement" -> statementProxy(Statement.class, (Statement) result, null, self[0],
                                url);
                        case "prepareStatement" -> statementProxy(PreparedStatement.class, (Statement) result,
                                (String) args[0], self[0], url);
                        case "prepareCall" -> statementProxy(CallableStatement.class, (Statement) result,
                                (String) args[0], self[0], url);
                        default -> result;
                    };
                });
        return self[0];
    }

    /**
     * @param sql the prepared text, or null for a plain statement (which is given its text with each call)
     */
    private static Object statementProxy(Class<? extends Statement> type, Statement real, String sql,
                                         Connection connection, String url) {
        return Proxy.newProxyInstance(RecordingDriver.class.getClassLoader(), new Class<?>[] {type},
                new StatementRecorder(real, sql, connection, url));
    }

    /** Keeps a statement's bound values and pending batch, and logs each statement it sends. */
    private static final class StatementRecorder implements InvocationHandler {

        private final Statement real;
        private final String preparedSql;
        private final Connection connection;
        private final List<Sent> log;
        private final List<Integer> batches;
        /** '?' number to value, as last set. */
        private final Map<Integer, Object> bound = new TreeMap<>();
        private final List<Sent> pendingBatch = new ArrayList<>();

        StatementRecorder(Statement real, String preparedSql, Connection connection, String url) {
            this.real = real;
            this.preparedSql = preparedSql;
            this.connection = connection;
            this.log = log(url);
            this.batches = batches(url);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (method.getDeclaringClass() == PreparedStatement.class && name.startsWith("set")) {
                // Every PreparedStatement setter takes the '?' number first and the value second.
                bound.put((Integer) args[0], name.equals("setNull") ? null : args[1]);
            } else if (name.equals("clearParameters")) {
                bound.clear();
            } else if (name.equals("addBatch")) {
                pendingBatch.add(args != null && args.length == 1 ? new Sent((String) args[0], List.of()) : current());
            } else if (name.equals("clearBatch")) {
                pendingBatch.clear();
            } else if (name.equals("executeBatch") || name.equals("executeLargeBatch")) {
                log.addAll(pendingBatch);
                batches.add(pendingBatch.size());
                pendingBatch.clear();
            } else if (name.startsWith("execute")) {
                // execute, executeQuery, executeUpdate, executeLargeUpdate: with the text, or the prepared one.
                log.add(args != null && args.length > 0 && args[0] instanceof String text ? new Sent(text, List.of())
                        : current());
            } else if (name.equals("getConnection")) {
                return connection;
            }
            return RecordingDriver.invoke(real, method, args);
        }

        /** The prepared statement with its values as they are now. */
        private Sent current() throws SQLException {
            if (preparedSql == null) {
                throw new SQLException("RecordingDriver: a plain Statement was executed without its text");
            }
            int highest = bound.isEmpty() ? 0 : Collections.max(bound.keySet());
            List<Object> values = new ArrayList<>(highest);
            for (int i = 1; i <= highest; i++) {
                values.add(bound.containsKey(i) ? bound.get(i) : NOT_SET);
            }
            return new Sent(preparedSql, values);
        }
    }

    /** Calls the real object, throwing what it throws rather than a reflection wrapper. */
    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
