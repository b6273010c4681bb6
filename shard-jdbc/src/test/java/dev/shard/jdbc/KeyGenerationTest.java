package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.config.ShardConfig;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.keygen.SnowflakeGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Key generators on 4 H2 shards: keys made before routing, so a generated key can be the shard key. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyGenerationTest {

    private final String prefix = "keygen_" + System.nanoTime();
    private ShardingDataSource ds;

    private String url(int shard) {
        return "jdbc:h2:mem:" + prefix + "_" + shard + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    }

    @BeforeAll
    void start() throws SQLException {
        ShardConfig.Builder builder = ShardConfig.builder();
        for (int i = 0; i < 4; i++) {
            builder.dataSource("ds" + i, Map.of("jdbcUrl", url(i), "username", "sa", "password", ""));
        }
        ds = new ShardingDataSource(builder
                .shardedTable("t_event", "event_id").keyGenerator("t_event", "event_id", "snowflake")
                .shardedTable("t_note", "user_id").keyGenerator("t_note", "note_id", "uuid")
                .workerId(5)
                .build());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_event (event_id BIGINT PRIMARY KEY, kind VARCHAR(20) NOT NULL)");
            s.execute("CREATE TABLE t_note (note_id CHAR(36) PRIMARY KEY, user_id BIGINT NOT NULL, body VARCHAR(20))");
        }
    }

    @AfterAll
    void stop() {
        ds.close();
    }

    @Test
    void generatedShardKeysRouteTheRowsAndComeBackAsGeneratedKeys() throws SQLException {
        List<Long> keys = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO t_event (kind) VALUES (?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < 40; i++) {
                ps.setString(1, "prepared");
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    assertThat(rs.next()).isTrue();
                    keys.add(rs.getLong(1));
                    assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("event_id");
                    assertThat(rs.next()).isFalse();
                }
            }
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("INSERT INTO t_event (kind) VALUES ('multi'), ('multi'), ('multi'),"
                        + " ('multi'), ('multi'), ('multi')", new String[] {"event_id"})).isEqualTo(6);
                try (ResultSet rs = s.getGeneratedKeys()) {
                    int n = 0;
                    while (rs.next()) {
                        keys.add(rs.getLong("event_id"));
                        n++;
                    }
                    assertThat(n).isEqualTo(6);
                }
            }
        }
        assertThat(keys).doesNotHaveDuplicates().isSorted();
        for (long key : keys) {
            assertThat(SnowflakeGenerator.workerIdOf(key)).isEqualTo(5);
        }
        // Each row sits on the shard its generated key hashes to, and every key came back.
        List<Long> found = new ArrayList<>();
        SlotMap slots = SlotMap.of(ds.config());
        for (int shard = 0; shard < 4; shard++) {
            try (Connection direct = DriverManager.getConnection(url(shard), "sa", "");
                 Statement s = direct.createStatement();
                 ResultSet rs = s.executeQuery("SELECT event_id FROM t_event WHERE kind IN ('prepared', 'multi')")) {
                while (rs.next()) {
                    long key = rs.getLong(1);
                    assertThat(slots.shardIndexOf(key)).isEqualTo(shard);
                    found.add(key);
                }
            }
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void uuidKeysForATableShardedOnAnotherColumn() throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO t_note (user_id, body) VALUES (?, ?)",
                     new String[] {"note_id"})) {
            ps.setLong(1, 42);
            ps.setString(2, "hello");
            ps.executeUpdate();
            String key;
            try (ResultSet rs = ps.getGeneratedKeys()) {
                assertThat(rs.next()).isTrue();
                key = rs.getString(1);
            }
            assertThat(key).hasSize(36);
            try (PreparedStatement read = c.prepareStatement("SELECT body FROM t_note WHERE user_id = ? AND note_id = ?")) {
                read.setLong(1, 42);
                read.setString(2, key);
                try (ResultSet rs = read.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("hello");
                }
            }
            // A batch of generated-key inserts lands every row.
            for (int i = 0; i < 10; i++) {
                ps.setLong(1, i);
                ps.setString(2, "batch");
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).containsOnly(1).hasSize(10);
            // One key per batch entry, in entry order, as Spring's batchUpdate with a KeyHolder expects.
            List<String> batchKeys = new ArrayList<>();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                while (rs.next()) {
                    batchKeys.add(rs.getString(1));
                }
            }
            assertThat(batchKeys).hasSize(10).doesNotHaveDuplicates().doesNotContain(key);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT note_id) FROM t_note WHERE body = 'batch'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(10);
            }
        }
    }

    @Test
    void plainStatementBatchesGenerateKeysToo() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                s.addBatch("INSERT INTO t_event (kind) VALUES ('statement batch')");
            }
            assertThat(s.executeBatch()).containsOnly(1).hasSize(5);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT event_id) FROM t_event"
                    + " WHERE kind = 'statement batch'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(5);
            }
        }
    }

    @Test
    void aKeyTheInsertGivesIsKeptAndNotGenerated() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO t_event (event_id, kind) VALUES (7, 'explicit')");
            try (ResultSet rs = s.executeQuery("SELECT kind FROM t_event WHERE event_id = 7")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("explicit");
            }
        }
    }
}
