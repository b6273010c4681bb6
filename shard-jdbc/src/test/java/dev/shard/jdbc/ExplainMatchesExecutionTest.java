package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.RouteKind;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.keygen.SnowflakeGenerator;
import dev.shard.jdbc.testing.RecordingDriver;
import dev.shard.jdbc.testing.RecordingDriver.Sent;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Explain and execution share one plan: for each kind of statement, the shard calls {@link ShardingDataSource#explain}
 * shows are exactly the statements the shard databases receive when the statement runs with the same values (their
 * data source, SQL text, and the values bound to each '?', in order). What the databases receive is recorded by
 * {@link RecordingDriver} under each of four H2 shards (MySQL mode); transaction control (auto-commit, commit,
 * savepoints) is not a statement and is not compared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainMatchesExecutionTest {

    static final List<String> NAMES = List.of("ds0", "ds1", "ds2", "ds3");
    static final int WORKER_ID = 7;

    private final String prefix = "explain_exec_" + System.nanoTime();
    private ShardingDataSource ds;
    /** Two users per shard, found by routing, so that each case can pick where its rows live. */
    private final Map<String, List<Long>> usersByShard = new LinkedHashMap<>();

    private String h2Url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    private String recordingUrl(String shard) {
        return RecordingDriver.url(h2Url(NAMES.indexOf(shard)));
    }

    @BeforeAll
    void start() throws SQLException {
        RecordingDriver.register();
        ShardConfig.Builder builder = ShardConfig.builder();
        for (String name : NAMES) {
            builder.dataSource(name, Map.of("jdbcUrl", recordingUrl(name),
                    "username", "sa", "password", "",
                    "maximumPoolSize", "4", "minimumIdle", "0"));
        }
        ds = new ShardingDataSource(builder.defaultDataSource("ds0")
                .shardedTable("t_order", "user_id")
                .shardedTable("t_event", "event_id").keyGenerator("t_event", "event_id", "snowflake")
                .shardedTable("t_item", "user_id").keyGenerator("t_item", "item_id", "snowflake")
                .shardedTable("t_scratch", "id")
                .broadcastTables("t_region")
                .workerId(WORKER_ID)
                // The stored slot map's poll would be recorded on ds0 at any moment, beside the statements compared.
                .storeSlotMap(false)
                .build());
        NAMES.forEach(name -> usersByShard.put(name, new ArrayList<>()));
        for (long user = 1; usersByShard.values().stream().anyMatch(users -> users.size() < 2); user++) {
            List<Long> users = usersByShard.get(ds.explain("SELECT * FROM t_order WHERE user_id = ?", user)
                    .shards().get(0));
            if (users.size() < 2) {
                users.add(user);
            }
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_order (order_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL,"
                    + " status VARCHAR(20) NOT NULL, amount DECIMAL(12,2))");
            s.execute("CREATE TABLE t_event (event_id BIGINT PRIMARY KEY, kind VARCHAR(20) NOT NULL)");
            s.execute("CREATE TABLE t_item (item_id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL,"
                    + " name VARCHAR(20) NOT NULL)");
            s.execute("CREATE TABLE t_region (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
            s.execute("INSERT INTO t_region (id, name) VALUES (1, 'north'), (2, 'south')");
            long orderId = 1;
            for (List<Long> users : usersByShard.values()) {
                for (long user : users) {
                    for (int k = 0; k < 2; k++, orderId++) {
                        s.executeUpdate("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (" + orderId
                                + ", " + user + ", '" + (k == 0 ? "new" : "paid") + "', " + orderId * 10 + ".5)");
                    }
                }
            }
        }
    }

    @AfterAll
    void stop() throws SQLException {
        if (ds != null) {
            ds.close();
        }
        for (int i = 0; i < NAMES.size(); i++) {
            try (Connection c = DriverManager.getConnection(h2Url(i), "sa", ""); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
        }
    }

    private long user(String shard, int nth) {
        return usersByShard.get(shard).get(nth);
    }

    // ------------------------------------------------------------------ the comparison

    /** Forgets what the shards received so far: what they receive next is the execution under test. */
    private void clearReceived() {
        NAMES.forEach(name -> RecordingDriver.clear(recordingUrl(name)));
    }

    /** What each shard received since {@link #clearReceived}, by data source; shards that received nothing are left out. */
    private Map<String, List<Sent>> received() {
        Map<String, List<Sent>> received = new TreeMap<>();
        for (String name : NAMES) {
            List<Sent> sent = RecordingDriver.sentTo(recordingUrl(name));
            if (!sent.isEmpty()) {
                received.put(name, sent);
            }
        }
        return received;
    }

    /** The shard calls an explanation shows, in the same form. */
    private static Map<String, List<Sent>> shown(RouteExplanation explanation) {
        Map<String, List<Sent>> shown = new TreeMap<>();
        for (RouteExplanation.ShardQuery query : explanation.shardQueries()) {
            shown.computeIfAbsent(query.shard(), k -> new ArrayList<>()).add(new Sent(query.sql(), query.parameters()));
        }
        return shown;
    }

    /**
     * Explains a statement, then runs it through a PreparedStatement with the same values, and, if it has no '?',
     * through a plain Statement too; each run must send every shard exactly what the explanation shows.
     *
     * @param undo run (and not compared) after each execution, so that the next starts from the same data; or null
     * @return the explanation, for the case's own checks that it is the route it means to test
     */
    private RouteExplanation assertRunsAsExplained(String sql, String undo, Object... params) throws SQLException {
        RouteExplanation explanation = ds.explain(sql, params);
        Map<String, List<Sent>> shown = shown(explanation);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            clearReceived();
            if (isQuery(sql)) {
                drain(ps.executeQuery());
            } else {
                ps.executeUpdate();
            }
            assertThat(received()).as("PreparedStatement %s %s%n%s", sql, Arrays.toString(params), explanation)
                    .isEqualTo(shown);
        }
        runUnrecorded(undo);
        if (markers(sql) == 0) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                clearReceived();
                if (s.execute(sql)) {
                    drain(s.getResultSet());
                }
                assertThat(received()).as("Statement %s%n%s", sql, explanation).isEqualTo(shown);
            }
            runUnrecorded(undo);
        }
        return explanation;
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    private static void addBatches(PreparedStatement ps, List<Object[]> entries) throws SQLException {
        for (Object[] entry : entries) {
            bind(ps, entry);
            ps.addBatch();
        }
    }

    /** Adds each shard's calls after those it already has: a batch's shards receive their entries in order. */
    private static void appendTo(Map<String, List<Sent>> expected, Map<String, List<Sent>> calls) {
        calls.forEach((shard, sent) -> expected.computeIfAbsent(shard, k -> new ArrayList<>()).addAll(sent));
    }

    private void runUnrecorded(String sql) throws SQLException {
        if (sql != null) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    private static boolean isQuery(String sql) {
        return sql.strip().toUpperCase(Locale.ROOT).matches("\\(*SELECT.*");
    }

    private static int markers(String sql) {
        return (int) sql.chars().filter(ch -> ch == '?').count();
    }

    private static void drain(ResultSet rs) throws SQLException {
        try (rs) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
    }

    // ------------------------------------------------------------------ single shard

    @Test
    void aPointSelectAndUpdateSendTheUserStatementToTheKeysShardOnly() throws SQLException {
        long u = user("ds2", 0);
        RouteExplanation select = assertRunsAsExplained(
                "SELECT order_id, status FROM t_order WHERE user_id = ? AND status = ?", null, u, "paid");
        assertThat(select.routeKind()).isEqualTo(RouteKind.SINGLE_SHARD);
        assertThat(select.shards()).containsExactly("ds2");

        RouteExplanation literal = assertRunsAsExplained("SELECT order_id FROM t_order WHERE user_id = " + u
                + " ORDER BY order_id", null);
        assertThat(literal.routeKind()).isEqualTo(RouteKind.SINGLE_SHARD);
        assertThat(literal.shardQueries()).singleElement().satisfies(q -> assertThat(q.parameters()).isEmpty());

        RouteExplanation update = assertRunsAsExplained("UPDATE t_order SET status = ? WHERE user_id = ?", null,
                "seen", user("ds1", 1));
        assertThat(update.routeKind()).isEqualTo(RouteKind.SINGLE_SHARD);
        assertThat(update.shards()).containsExactly("ds1");

        assertRunsAsExplained("UPDATE t_order SET amount = amount + 1 WHERE user_id = " + user("ds3", 0), null);
    }

    // ------------------------------------------------------------------ scatter queries

    @Test
    void aScatterSelectWithOrderByAndLimitSendsEveryShardTheRewrittenQueryWithOffsetPlusCount() throws SQLException {
        RouteExplanation bound = assertRunsAsExplained(
                "SELECT order_id, amount FROM t_order WHERE status = ? ORDER BY amount DESC LIMIT ? OFFSET ?", null,
                "paid", 3, 2);
        assertThat(bound.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(bound.shards()).containsExactlyElementsOf(NAMES);
        for (RouteExplanation.ShardQuery query : bound.shardQueries()) {
            assertThat(query.sql()).doesNotContainIgnoringCase("OFFSET");
            assertThat(query.parameters()).as("the LIMIT is offset + count").containsExactly("paid", 5L);
        }

        RouteExplanation literal = assertRunsAsExplained(
                "SELECT user_id, COUNT(*) FROM t_order GROUP BY user_id ORDER BY user_id LIMIT 3 OFFSET 1", null);
        assertThat(literal.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(literal.shardQueries()).hasSize(NAMES.size());
    }

    @Test
    void aUnionSendsEachBranchWhereItRoutesOrTheWholeStatementToTheOneShardAllBranchesShare()
            throws SQLException {
        long a = user("ds1", 0);
        long b = user("ds3", 0);
        RouteExplanation split = assertRunsAsExplained("SELECT order_id, status FROM t_order WHERE user_id = ?"
                + " UNION SELECT order_id, status FROM t_order WHERE status = 'paid' ORDER BY 1 DESC LIMIT 3", null, a);
        assertThat(split.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(split.shardQueries()).hasSize(1 + NAMES.size());
        assertThat(split.shardQueries().get(0).shard()).isEqualTo("ds1");
        assertThat(split.shardQueries().get(0).sql())
                .isEqualTo("SELECT order_id, status FROM t_order WHERE user_id = ?");
        assertThat(split.shardQueries().get(1).parameters()).containsExactly("paid");
        assertThat(split.mergePlan()).startsWith("Limit(offset=0, count=3)").contains("HashDistinct", "Branch 2:");

        RouteExplanation literals = assertRunsAsExplained("(SELECT order_id FROM t_order WHERE user_id = " + a
                + ") UNION ALL (SELECT order_id FROM t_order WHERE user_id = " + b + " ORDER BY order_id LIMIT 1)",
                null);
        assertThat(literals.shards()).containsExactly("ds1", "ds3");
        assertThat(literals.shardQueries().get(1).parameters()).containsExactly(b);

        String together = "SELECT order_id FROM t_order WHERE user_id = ? UNION SELECT id FROM t_region";
        RouteExplanation whole = assertRunsAsExplained(together, null, b);
        assertThat(whole.routeKind()).isEqualTo(RouteKind.SINGLE_SHARD);
        assertThat(whole.shardQueries()).singleElement().satisfies(q -> assertThat(q.sql()).isEqualTo(together));
    }

    @Test
    void anInListSendsEachShardOnlyItsOwnValuesAndNullInPlaceOfTheOthers() throws SQLException {
        long a = user("ds2", 0);
        long b = user("ds0", 1);
        long c = user("ds2", 1);
        RouteExplanation bound = assertRunsAsExplained(
                "SELECT order_id FROM t_order WHERE user_id IN (?, ?, ?) ORDER BY order_id", null, a, b, c);
        assertThat(bound.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(bound.shards()).containsExactly("ds0", "ds2");
        assertThat(shown(bound).get("ds0").get(0).parameters()).containsExactly(null, b, null);
        assertThat(shown(bound).get("ds2").get(0).parameters()).containsExactly(a, null, c);

        RouteExplanation literal = assertRunsAsExplained("SELECT COUNT(*) FROM t_order WHERE user_id IN ("
                + user("ds1", 0) + ", " + user("ds3", 1) + ") AND status = 'paid'", null);
        assertThat(literal.shards()).containsExactly("ds1", "ds3");

        // A write is pruned the same way.
        RouteExplanation write = assertRunsAsExplained("UPDATE t_order SET status = ? WHERE user_id IN (?, ?)", null,
                "pruned", user("ds1", 1), user("ds3", 0));
        assertThat(write.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(write.shards()).containsExactly("ds1", "ds3");
    }

    // ------------------------------------------------------------------ writes on several shards

    @Test
    void aMultiRowInsertSendsEachShardOnlyItsOwnRows() throws SQLException {
        String undo = "DELETE FROM t_order WHERE order_id >= 1000";
        RouteExplanation bound = assertRunsAsExplained(
                "INSERT INTO t_order (order_id, user_id, status, amount) VALUES (?, ?, ?, ?), (?, ?, ?, ?),"
                        + " (?, ?, ?, ?)", undo,
                1001L, user("ds3", 0), "new", new BigDecimal("1.50"),
                1002L, user("ds0", 0), "new", new BigDecimal("2.50"),
                1003L, user("ds3", 1), "paid", new BigDecimal("3.50"));
        assertThat(bound.shards()).containsExactly("ds0", "ds3");
        assertThat(shown(bound).get("ds3").get(0).parameters()).hasSize(8);

        RouteExplanation literal = assertRunsAsExplained("INSERT INTO t_order (order_id, user_id, status, amount)"
                + " VALUES (1004, " + user("ds1", 0) + ", 'new', 4.5), (1005, " + user("ds2", 0) + ", 'new', NULL)",
                undo);
        assertThat(literal.shards()).containsExactly("ds1", "ds2");
    }

    @Test
    void anInsertWithoutAColumnListIsRoutedByTheTablesColumnsAndSentAsWritten() throws SQLException {
        String undo = "DELETE FROM t_order WHERE order_id >= 2000";
        String sql = "INSERT INTO t_order VALUES (?, ?, ?, ?)";
        RouteExplanation bound = assertRunsAsExplained(sql, undo, 2001L, user("ds2", 0), "new",
                new BigDecimal("1.50"));
        assertThat(bound.routeKind()).isEqualTo(RouteKind.SINGLE_SHARD);
        assertThat(bound.shardQueries()).singleElement().satisfies(q -> {
            assertThat(q.shard()).isEqualTo("ds2");
            assertThat(q.sql()).isEqualTo(sql);
        });

        RouteExplanation split = assertRunsAsExplained("INSERT INTO t_order VALUES (2002, " + user("ds1", 0)
                + ", 'new', 1.5), (2003, " + user("ds3", 1) + ", 'paid', NULL), (2004, " + user("ds1", 1)
                + ", 'new', 2)", undo);
        assertThat(split.routeKind()).isEqualTo(RouteKind.SPLIT_INSERT);
        assertThat(split.shards()).containsExactly("ds1", "ds3");
    }

    @Test
    void aBroadcastWriteSendsEveryShardTheSameStatementAndABroadcastReadOneShard() throws SQLException {
        RouteExplanation insert = assertRunsAsExplained("INSERT INTO t_region (id, name) VALUES (?, ?)",
                "DELETE FROM t_region WHERE id = 3", 3, "east");
        assertThat(insert.routeKind()).isEqualTo(RouteKind.ALL_SHARDS);
        assertThat(insert.shards()).containsExactlyElementsOf(NAMES);

        assertRunsAsExplained("UPDATE t_region SET name = 'North' WHERE id = 1", null);

        // On a connection that holds no shard yet, the read goes to the default data source, as explain says.
        RouteExplanation read = assertRunsAsExplained("SELECT name FROM t_region WHERE id = ?", null, 2);
        assertThat(read.routeKind()).isEqualTo(RouteKind.ANY_SHARD);
        assertThat(read.shards()).containsExactly("ds0");
    }

    @Test
    void anUpdateOrDeleteWithoutAKeySendsEveryShardTheStatement() throws SQLException {
        RouteExplanation update = assertRunsAsExplained("UPDATE t_order SET status = ? WHERE amount > ?", null,
                "big", new BigDecimal("100"));
        assertThat(update.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(update.shards()).containsExactlyElementsOf(NAMES);

        assertRunsAsExplained("DELETE FROM t_order WHERE status = 'no such status'", null);
    }

    @Test
    void aWriteOnSeveralShardsInsideATransactionSendsWhatExplainShows() throws SQLException {
        String sql = "UPDATE t_order SET status = ? WHERE user_id IN (?, ?, ?)";
        Object[] params = {"in-tx", user("ds0", 0), user("ds1", 0), user("ds3", 1)};
        RouteExplanation explanation = ds.explain(sql, params);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            bind(ps, params);
            clearReceived();
            assertThat(ps.executeUpdate()).isEqualTo(6);
            // Savepoints were set and released on each shard around it: those are not statements.
            assertThat(received()).as("%s", explanation).isEqualTo(shown(explanation));
            c.commit();
        }
    }

    // ------------------------------------------------------------------ DDL

    @Test
    void ddlSendsEveryShardTheStatementAsWritten() throws SQLException {
        String create = "CREATE TABLE t_scratch (id BIGINT PRIMARY KEY, note VARCHAR(10))";
        String drop = "DROP TABLE t_scratch";
        RouteExplanation created = assertRunsAsExplained(create, drop);
        assertThat(created.routeKind()).isEqualTo(RouteKind.ALL_SHARDS);
        assertThat(created.shardQueries()).hasSize(NAMES.size())
                .allSatisfy(q -> assertThat(new Sent(q.sql(), q.parameters())).isEqualTo(new Sent(create, List.of())));

        runUnrecorded(create);
        try {
            String createIndex = "CREATE INDEX idx_scratch_note ON t_scratch (note)";
            String dropIndex = "DROP INDEX idx_scratch_note ON t_scratch";
            assertThat(assertRunsAsExplained(createIndex, dropIndex).routeKind()).isEqualTo(RouteKind.ALL_SHARDS);
            runUnrecorded(createIndex);
            assertThat(assertRunsAsExplained(dropIndex, createIndex).routeKind()).isEqualTo(RouteKind.ALL_SHARDS);
            assertThat(assertRunsAsExplained(drop, create).routeKind()).isEqualTo(RouteKind.ALL_SHARDS);
        } finally {
            runUnrecorded(drop);
        }
    }

    // ------------------------------------------------------------------ generated keys

    /**
     * explain makes keys of its own, so an execution's generated values cannot equal the explanation's. The
     * comparison masks them: the positions of the generated column in an INSERT's rows must hold a snowflake key
     * of this generator (a Long carrying its worker id) on both sides, and everything else (the text, and every
     * other value) must be equal. The masked positions come from the SQL text, so a value in the wrong place is
     * not masked and fails the comparison.
     *
     * @return the generated values found, in order
     */
    private static List<Long> maskGenerated(List<Sent> sent, String column, List<Sent> masked) {
        List<Long> keys = new ArrayList<>();
        for (Sent call : sent) {
            List<Integer> positions = generatedPositions(call.sql(), column, call.parameters().size());
            List<Object> values = new ArrayList<>(call.parameters());
            for (int position : positions) {
                Object key = values.get(position);
                assertThat(key).as("generated %s at '?' %d of %s", column, position + 1, call).isInstanceOf(Long.class);
                assertThat(SnowflakeGenerator.workerIdOf((Long) key)).isEqualTo(WORKER_ID);
                keys.add((Long) key);
                values.set(position, "<generated " + column + ">");
            }
            masked.add(new Sent(call.sql(), values));
        }
        return keys;
    }

    private static final Pattern INSERT = Pattern.compile("(?is)INSERT\\s+INTO\\s+\\S+\\s*\\(([^)]*)\\)\\s*VALUES\\s*(.*)");

    /** Where a generated column's values sit among the '?' of an INSERT whose every value is a '?'. */
    private static List<Integer> generatedPositions(String sql, String column, int parameters) {
        Matcher insert = INSERT.matcher(sql.strip());
        assertThat(insert.matches()).as("an INSERT with a column list: %s", sql).isTrue();
        List<String> columns = Arrays.stream(insert.group(1).split(",")).map(String::strip).toList();
        int index = columns.indexOf(column);
        assertThat(index).as("%s in the column list of %s", column, sql).isNotNegative();
        assertThat(markers(insert.group(2))).as("every value is a '?': %s", sql).isEqualTo(parameters);
        assertThat(parameters % columns.size()).as("whole rows: %s", sql).isZero();
        List<Integer> positions = new ArrayList<>();
        for (int position = index; position < parameters; position += columns.size()) {
            positions.add(position);
        }
        return positions;
    }

    private static Map<String, List<Sent>> maskGenerated(Map<String, List<Sent>> calls, String column,
                                                         List<Long> keys) {
        Map<String, List<Sent>> masked = new TreeMap<>();
        calls.forEach((shard, sent) -> keys.addAll(maskGenerated(sent, column, masked.computeIfAbsent(shard,
                k -> new ArrayList<>()))));
        return masked;
    }

    private static List<Long> generatedKeys(Statement statement) throws SQLException {
        List<Long> keys = new ArrayList<>();
        try (ResultSet rs = statement.getGeneratedKeys()) {
            while (rs.next()) {
                keys.add(rs.getLong(1));
            }
        }
        return keys;
    }

    @Test
    void aGeneratedShardKeyIsSentToTheShardItHashesToInTheStatementExplainShows() throws SQLException {
        String sql = "INSERT INTO t_event (kind) VALUES (?)";
        RouteExplanation explanation = ds.explain(sql, "prepared");
        List<Long> explainedKeys = new ArrayList<>();
        Map<String, List<Sent>> shown = maskGenerated(shown(explanation), "event_id", explainedKeys);
        assertThat(explanation.routeKind()).isEqualTo(RouteKind.SINGLE_SHARD);
        assertThat(explainedKeys).hasSize(1);
        assertThat(explanation.shards()).containsExactly(shardOf(explainedKeys.get(0)));
        Sent shownCall = onlyCall(shown);

        // Several runs: each key picks its own shard, which may not be explain's, and each time the statement goes
        // to the shard of the key it carries, with the text and the other values explain showed.
        for (int run = 0; run < 8; run++) {
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                ps.setObject(1, "prepared");
                clearReceived();
                assertThat(ps.executeUpdate()).isEqualTo(1);
                List<Long> keys = new ArrayList<>();
                Map<String, List<Sent>> received = maskGenerated(received(), "event_id", keys);
                assertThat(keys).hasSize(1).isEqualTo(generatedKeys(ps));
                assertThat(received).as("%s", explanation)
                        .isEqualTo(Map.of(shardOf(keys.get(0)), List.of(shownCall)));
            }
        }

        String literal = "INSERT INTO t_event (kind) VALUES ('plain')";
        Sent shownLiteral = onlyCall(maskGenerated(shown(ds.explain(literal)), "event_id", new ArrayList<>()));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            clearReceived();
            assertThat(s.executeUpdate(literal, Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
            List<Long> keys = new ArrayList<>();
            Map<String, List<Sent>> received = maskGenerated(received(), "event_id", keys);
            assertThat(keys).isEqualTo(generatedKeys(s));
            assertThat(received).isEqualTo(Map.of(shardOf(keys.get(0)), List.of(shownLiteral)));
        }
    }

    private static Sent onlyCall(Map<String, List<Sent>> calls) {
        assertThat(calls).hasSize(1);
        List<Sent> sent = calls.values().iterator().next();
        assertThat(sent).hasSize(1);
        return sent.get(0);
    }

    private String shardOf(long key) {
        return NAMES.get(SlotMap.of(ds.config()).shardIndexOf(key));
    }

    @Test
    void aGeneratedKeyThatIsNotTheShardKeyIsSentWhereExplainShows() throws SQLException {
        String sql = "INSERT INTO t_item (user_id, name) VALUES (?, ?), (?, ?), (?, ?)";
        Object[] params = {user("ds1", 0), "a", user("ds2", 0), "b", user("ds1", 1), "c"};
        RouteExplanation explanation = ds.explain(sql, params);
        Map<String, List<Sent>> shown = maskGenerated(shown(explanation), "item_id", new ArrayList<>());
        assertThat(explanation.shards()).containsExactly("ds1", "ds2");
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(ps, params);
            clearReceived();
            assertThat(ps.executeUpdate()).isEqualTo(3);
            List<Long> keys = new ArrayList<>();
            assertThat(maskGenerated(received(), "item_id", keys)).as("%s", explanation).isEqualTo(shown);
            // Rows a and c went to ds1, b to ds2: the keys in the statements are the ones returned.
            List<Long> returned = generatedKeys(ps);
            assertThat(keys).containsExactly(returned.get(0), returned.get(2), returned.get(1));
        }

        String literal = "INSERT INTO t_item (user_id, name) VALUES (" + user("ds3", 0) + ", 'd')";
        RouteExplanation literalExplanation = ds.explain(literal);
        assertThat(literalExplanation.shards()).containsExactly("ds3");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            clearReceived();
            s.executeUpdate(literal, new String[] {"item_id"});
            List<Long> keys = new ArrayList<>();
            assertThat(maskGenerated(received(), "item_id", keys))
                    .isEqualTo(maskGenerated(shown(literalExplanation), "item_id", new ArrayList<>()));
            assertThat(keys).isEqualTo(generatedKeys(s));
        }
    }

    // ------------------------------------------------------------------ batches

    /**
     * A PreparedStatement batch: each entry's explanation shows what its shards receive for that entry. Entries
     * that each go to one shard run as one JDBC batch per shard and an entry on several shards runs on its own,
     * in its place, so each shard receives its entries' calls in entry order.
     */
    @Test
    void eachEntryOfAPreparedBatchSendsWhatItsExplanationShows() throws SQLException {
        String sql = "UPDATE t_order SET status = ? WHERE user_id IN (?, ?)";
        List<Object[]> entries = List.of(
                new Object[] {"b1", user("ds1", 0), user("ds1", 1)},
                new Object[] {"b2", user("ds2", 0), user("ds2", 0)},
                new Object[] {"b3", user("ds0", 0), user("ds3", 0)}, // two shards: runs on its own
                new Object[] {"b4", user("ds1", 1), user("ds1", 0)},
                new Object[] {"b5", user("ds3", 1), user("ds3", 1)});
        Map<String, List<Sent>> expected = new TreeMap<>();
        for (Object[] entry : entries) {
            appendTo(expected, shown(ds.explain(sql, entry)));
        }
        assertThat(ds.explain(sql, entries.get(2)).routeKind()).isEqualTo(RouteKind.SCATTER);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            addBatches(ps, entries);
            clearReceived();
            assertThat(ps.executeBatch()).hasSize(entries.size());
            assertThat(received()).isEqualTo(expected);
        }
    }

    @Test
    void eachEntryOfABatchWithGeneratedKeysSendsWhatItsExplanationShows() throws SQLException {
        String sql = "INSERT INTO t_item (user_id, name) VALUES (?, ?)";
        List<Object[]> entries = List.of(new Object[] {user("ds0", 0), "x"}, new Object[] {user("ds3", 1), "y"},
                new Object[] {user("ds0", 1), "z"});
        Map<String, List<Sent>> expected = new TreeMap<>();
        for (Object[] entry : entries) {
            appendTo(expected, maskGenerated(shown(ds.explain(sql, entry)), "item_id", new ArrayList<>()));
        }
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            addBatches(ps, entries);
            clearReceived();
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
            List<Long> keys = new ArrayList<>();
            assertThat(maskGenerated(received(), "item_id", keys)).isEqualTo(expected);
            List<Long> returned = generatedKeys(ps);
            assertThat(keys).containsExactlyInAnyOrderElementsOf(returned).hasSize(entries.size());
        }
    }

    @Test
    void eachStatementOfAStatementBatchSendsWhatItsExplanationShows() throws SQLException {
        List<String> batch = List.of(
                "UPDATE t_order SET status = 'sb1' WHERE user_id = " + user("ds2", 1),
                "UPDATE t_order SET status = 'sb2' WHERE user_id = " + user("ds0", 0),
                "UPDATE t_region SET name = 'West' WHERE id = 2", // every shard: runs on its own
                "UPDATE t_order SET status = 'sb3' WHERE user_id = " + user("ds2", 0),
                "UPDATE t_order SET status = 'sb4' WHERE user_id IN (" + user("ds1", 0) + ", " + user("ds3", 0) + ")");
        Map<String, List<Sent>> expected = new TreeMap<>();
        for (String sql : batch) {
            appendTo(expected, shown(ds.explain(sql)));
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : batch) {
                s.addBatch(sql);
            }
            clearReceived();
            assertThat(s.executeBatch()).hasSize(batch.size());
            assertThat(received()).isEqualTo(expected);
        }
    }

    // ------------------------------------------------------------------ the comparison can fail

    /**
     * The comparison is only worth something if a statement explain did not show is seen: one sent by the same
     * connection inside the recorded window makes it fail.
     */
    @Test
    void aStatementExplainDidNotShowFailsTheComparison() throws SQLException {
        String sql = "SELECT order_id FROM t_order WHERE user_id = ?";
        long u = user("ds1", 0);
        RouteExplanation explanation = ds.explain(sql, u);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             Statement extra = c.createStatement()) {
            ps.setLong(1, u);
            clearReceived();
            drain(ps.executeQuery());
            assertThat(received()).isEqualTo(shown(explanation));
            extra.executeUpdate("UPDATE t_order SET amount = amount WHERE user_id = " + u);
            assertThatThrownBy(() -> assertThat(received()).isEqualTo(shown(explanation)))
                    .isInstanceOf(AssertionError.class);
            // So does a different bound value: another user of the same shard gets the same text on ds1.
            RouteExplanation other = ds.explain(sql, user("ds1", 1));
            assertThat(other.shards()).isEqualTo(explanation.shards());
            clearReceived();
            drain(ps.executeQuery());
            assertThat(received()).isEqualTo(shown(explanation)).isNotEqualTo(shown(other));
        }
    }
}
