package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.RouteKind;
import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL's write forms through Shard, each compared with one plain PostgreSQL database: RETURNING on one
 * shard (refused on several), ON CONFLICT routed by key (refused when it would move a row), generated keys from
 * a {@code bigserial} and from Shard's key generator, DDL and explain, escape strings with {@code \'} beside a key,
 * and the {@code jdbc:shard:} driver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresWritesIT {

    private static final int SHARDS = 3;
    private static final String[] SCHEMA = {
        "CREATE TABLE t_account (id BIGINT PRIMARY KEY, k BIGINT NOT NULL, balance INT NOT NULL, note TEXT)",
        "CREATE TABLE t_event (event_id BIGSERIAL PRIMARY KEY, k BIGINT NOT NULL, what TEXT)",
        "CREATE TABLE t_snow (snow_id BIGINT PRIMARY KEY, k BIGINT NOT NULL)",
    };

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;
    private Connection reference;

    @BeforeAll
    void setUp() throws Exception {
        databases = DifferentialDatabases.create(PostgresServer.require(), "shard_it_pgwrite", SHARDS);
        sharded = databases.open(databases.config(3).shardedTable("t_account", "k").shardedTable("t_event", "k")
                .shardedTable("t_snow", "k").keyGenerator("t_snow", "snow_id", "snowflake").build());
        reference = databases.reference();
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            for (String ddl : SCHEMA) {
                s.execute(ddl);
                r.execute(ddl);
            }
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        if (databases != null) {
            databases.close();
        }
    }

    @Test
    void returningOnOneShardGivesTheRowsAndSeveralShardsAreRefused() throws Exception {
        try (Connection c = sharded.getConnection()) {
            for (Connection target : List.of(c, reference)) {
                update(target, "INSERT INTO t_account (id, k, balance) VALUES (1, 10, 100), (2, 20, 200), (3, 30, 300)");
            }
            for (String sql : List.of(
                    "INSERT INTO t_account (id, k, balance, note) VALUES (4, 10, 5, 'x') RETURNING id, balance * 2",
                    "UPDATE t_account SET balance = balance + 1 WHERE k = 10 RETURNING id, balance",
                    "DELETE FROM t_account WHERE k = 20 RETURNING *")) {
                assertThat(RoutingConformanceSuite.query(c, sql)).as(sql)
                        .isEqualTo(RoutingConformanceSuite.query(reference, sql)).isNotEmpty();
            }
            for (Connection target : List.of(c, reference)) {
                try (PreparedStatement ps = target.prepareStatement(
                        "UPDATE t_account SET note = ? WHERE k = ? RETURNING note")) {
                    ps.setString(1, "prepared");
                    ps.setLong(2, 30);
                    assertThat(ps.execute()).isTrue();
                    try (ResultSet rs = ps.getResultSet()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("prepared");
                    }
                }
            }
            Map<String, String> refused = Map.of(
                    "INSERT INTO t_account (id, k, balance) VALUES (7, 10, 1), (8, 20, 1), (9, 30, 1), (10, 40, 1),"
                            + " (11, 50, 1), (12, 60, 1) RETURNING id", "RETURNING",
                    "UPDATE t_account SET balance = 0 RETURNING id", "RETURNING",
                    "DELETE FROM t_account WHERE balance > 1000 RETURNING id", "RETURNING");
            assertThat(sharded.explain(refused.keySet().stream().filter(q -> q.startsWith("INSERT")).findFirst()
                    .orElseThrow().replace(" RETURNING id", "")).routeKind()).isEqualTo(RouteKind.SPLIT_INSERT);
            try (Statement s = c.createStatement()) {
                for (Map.Entry<String, String> entry : refused.entrySet()) {
                    assertThatThrownBy(() -> s.execute(entry.getKey())).as(entry.getKey())
                            .isInstanceOf(SQLFeatureNotSupportedException.class).hasMessageContaining(entry.getValue())
                            .hasMessageContaining("t_account");
                }
            }
            String all = "SELECT id, k, balance, note FROM t_account ORDER BY id";
            assertThat(RoutingConformanceSuite.query(c, all)).isEqualTo(RoutingConformanceSuite.query(reference, all));
        }
    }

    @Test
    void onConflictIsRoutedByKeyAndMayNotMoveARow() throws Exception {
        String upsert = "INSERT INTO t_account (id, k, balance) VALUES (?, ?, ?) ON CONFLICT (id)"
                + " DO UPDATE SET balance = t_account.balance + EXCLUDED.balance";
        try (Connection c = sharded.getConnection()) {
            for (Connection target : List.of(c, reference)) {
                for (int round = 0; round < 3; round++) {
                    for (long id = 100; id < 130; id++) {
                        assertThat(RoutingConformanceSuite.update(target, upsert, id, id * 7, (int) id))
                                .isEqualTo(1);
                    }
                }
                assertThat(RoutingConformanceSuite.update(target, "INSERT INTO t_account (id, k, balance)"
                        + " VALUES (100, 700, 1) ON CONFLICT DO NOTHING")).isZero();
            }
            String rows = "SELECT id, k, balance FROM t_account WHERE id >= 100 ORDER BY id";
            assertThat(RoutingConformanceSuite.query(c, rows)).isEqualTo(RoutingConformanceSuite.query(reference, rows))
                    .hasSize(30);
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t_account (id, k, balance) VALUES (100, 700, 1)"
                        + " ON CONFLICT (id) DO UPDATE SET k = EXCLUDED.k + 1"))
                        .isInstanceOf(SQLFeatureNotSupportedException.class).hasMessageContaining("ON CONFLICT")
                        .hasMessageContaining("sharding column k");
            }
        }
    }

    @Test
    void generatedKeysComeFromTheShardOrFromShardsKeyGenerator() throws Exception {
        try (Connection c = sharded.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t_event (k, what) VALUES (?, ?)",
                    new String[] {"event_id"})) {
                ps.setLong(1, 42);
                ps.setString(2, "serial");
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    long id = keys.getLong(1);
                    assertThat(RoutingConformanceSuite.query(c, "SELECT what FROM t_event WHERE k = 42 AND event_id = ?",
                            id)).containsExactly(List.of("serial"));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t_snow (k) VALUES (?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, 5);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    long id = keys.getLong(1);
                    assertThat(id).isPositive();
                    assertThat(RoutingConformanceSuite.query(c, "SELECT k FROM t_snow WHERE k = 5 AND snow_id = ?", id))
                            .containsExactly(List.of("5"));
                }
            }
        }
    }

    @Test
    void ddlReachesEveryShardAndExplainShowsPostgresText() throws Exception {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX idx_account_note ON t_account (note)");
        }
        for (int i = 0; i < SHARDS; i++) {
            assertThat(RoutingConformanceSuite.query(databases.shards().get(i),
                    "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'idx_account_note'"))
                    .as("shard %d", i).containsExactly(List.of("1"));
        }
        RouteExplanation point = sharded.explain("SELECT \"balance\"::text FROM t_account WHERE k = ?", 10L);
        assertThat(point.routeKind()).isEqualTo(RouteKind.SINGLE_SHARD);
        RouteExplanation scatter = sharded.explain("SELECT note FROM t_account ORDER BY note DESC NULLS LAST LIMIT 3");
        assertThat(scatter.routeKind()).isEqualTo(RouteKind.SCATTER);
        assertThat(scatter.shardQueries()).hasSize(SHARDS);
        assertThat(scatter.shardQueries().get(0).sql()).contains("NULLS LAST").contains("LIMIT 3");
        assertThat(scatter.mergePlan()).contains("NULLS LAST");
    }

    @Test
    void aBackslashQuoteInAnEscapeStringDoesNotHideTheKeyBesideIt() throws Exception {
        // Each string holds a quote escaped with a backslash and text that looks like another key.
        String insert = "INSERT INTO t_account (id, k, balance, note) VALUES (60, 61, 1, E'it\\'s k = 62 \\\\'),"
                + " (63, 64, 1, E'\\'k = 65\\''), (66, 67, 1, 'C:\\')";
        String byKeyAfter = "SELECT id, note FROM t_account WHERE note = E'it\\'s k = 62 \\\\' AND k = 61";
        String byKeyBefore = "UPDATE t_account SET balance = 2 WHERE k = 64 AND note = E'\\'k = 65\\''";
        String afterStandard = "SELECT id, note FROM t_account WHERE note = 'C:\\' AND k = 67";
        try (Connection c = sharded.getConnection()) {
            for (Connection target : List.of(c, reference)) {
                assertThat(update(target, insert)).isEqualTo(3);
                assertThat(update(target, byKeyBefore)).isEqualTo(1);
            }
            assertThat(sharded.explain(byKeyAfter).shards())
                    .isEqualTo(sharded.explain("SELECT * FROM t_account WHERE k = 61").shards()).hasSize(1);
            assertThat(sharded.explain(byKeyBefore).shards())
                    .isEqualTo(sharded.explain("SELECT * FROM t_account WHERE k = 64").shards()).hasSize(1);
            assertThat(sharded.explain(afterStandard).shards())
                    .isEqualTo(sharded.explain("SELECT * FROM t_account WHERE k = 67").shards()).hasSize(1);
            for (String sql : List.of(byKeyAfter, afterStandard,
                    "SELECT id, balance, note FROM t_account WHERE id IN (60, 63, 66) ORDER BY id")) {
                assertThat(RoutingConformanceSuite.query(c, sql)).as(sql)
                        .isEqualTo(RoutingConformanceSuite.query(reference, sql)).isNotEmpty();
            }
            assertThat(RoutingConformanceSuite.query(c, byKeyAfter)).containsExactly(List.of("60", "it's k = 62 \\"));
        }
    }

    @Test
    void theShardDriverOpensAPostgresConfiguration(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("shard.yaml");
        StringBuilder text = new StringBuilder("dataSources:\n");
        for (dev.shard.core.config.DataSourceConfig source : databases.config(2, "sslmode=disable&ApplicationName"
                + "=shard-test").build().dataSources()) {
            text.append("  ").append(source.name()).append(": { jdbcUrl: \"").append(source.jdbcUrl())
                    .append("\", username: ").append(source.poolProperties().get("username"))
                    .append(", password: \"${SHARD_TEST_PG_NO_SUCH_VARIABLE:}\" }\n");
        }
        text.append("defaultDataSource: ds0\ntables:\n  t_account: { shardingColumn: k }\n");
        Files.writeString(yaml, text);
        try (Connection c = DriverManager.getConnection("jdbc:shard:file:" + yaml)) {
            assertThat(RoutingConformanceSuite.query(c, "SELECT current_setting('application_name')"))
                    .containsExactly(List.of("shard-test"));
            assertThat(RoutingConformanceSuite.query(c, "SELECT COUNT(*) FROM t_account WHERE id >= 100"))
                    .isEqualTo(RoutingConformanceSuite.query(reference, "SELECT COUNT(*) FROM t_account WHERE id >= 100"));
        }
    }

    private static int update(Connection c, String sql) throws java.sql.SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }
}
