package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.RouteKind;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.jdbc.testing.DifferentialDatabases;
import dev.shard.jdbc.testing.ResultSets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code INSERT INTO t VALUES (...)} without a column list, into sharded tables: routed by the table's column
 * order as the database reports it, read again after DDL. The same statements run through Shard over four shards
 * and on one plain reference database; the tables must end up equal, and every row on the shard its key hashes to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsertWithoutColumnsIT {

    static final int SHARDS = 4;

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;
    private Connection reference;
    private List<Connection> shards;
    private SlotMap slots;

    @BeforeAll
    void start() throws SQLException {
        databases = DifferentialDatabases.create("shard_it_nocols", SHARDS);
        reference = databases.reference();
        shards = databases.shards();
        sharded = databases.open(databases.config(3)
                .shardedTable("t_entry", "account_id")
                .shardedTable("t_event", "event_id").keyGenerator("t_event", "event_id", "snowflake")
                .build());
        slots = SlotMap.of(sharded.config());
    }

    @AfterAll
    void stop() throws SQLException {
        if (databases != null) {
            databases.close();
        }
    }

    @BeforeEach
    void createTables() throws SQLException {
        both("DROP TABLE IF EXISTS t_entry");
        both("DROP TABLE IF EXISTS t_event");
        both("CREATE TABLE t_entry (entry_id BIGINT NOT NULL, account_id BIGINT NOT NULL, amount INT,"
                + " memo VARCHAR(20), PRIMARY KEY (entry_id))");
        both("CREATE TABLE t_event (event_id BIGINT NOT NULL, kind VARCHAR(20), PRIMARY KEY (event_id))");
    }

    @Test
    void preparedLiteralMultiRowBatchedAndUpsertInsertsMatchTheReference() throws SQLException {
        try (Connection c = sharded.getConnection()) {
            for (Connection target : List.of(c, reference)) {
                Random values = new Random(5);
                try (PreparedStatement one = target.prepareStatement("INSERT INTO t_entry VALUES (?, ?, ?, ?)");
                     Statement literal = target.createStatement()) {
                    for (int id = 1; id <= 200; id++) {
                        one.setLong(1, id);
                        one.setLong(2, 1 + values.nextInt(60));
                        one.setInt(3, values.nextInt(1000));
                        one.setString(4, id % 7 == 0 ? null : "m" + id);
                        assertThat(one.executeUpdate()).isEqualTo(1);
                    }
                    StringBuilder rows = new StringBuilder("INSERT INTO t_entry VALUES ");
                    for (int id = 201; id <= 240; id++) {
                        rows.append(id == 201 ? "" : ", ").append("(").append(id).append(", ")
                                .append(1 + values.nextInt(60)).append(", ").append(values.nextInt(1000))
                                .append(", 'multi')");
                    }
                    assertThat(literal.executeUpdate(rows.toString())).isEqualTo(40);
                    for (int id = 241; id <= 280; id++) {
                        one.setLong(1, id);
                        one.setLong(2, 1 + values.nextInt(60));
                        one.setInt(3, id);
                        one.setString(4, "batch");
                        one.addBatch();
                    }
                    assertThat(one.executeBatch()).hasSize(40);
                    for (String memo : List.of("first", "replaced")) {
                        literal.executeUpdate("REPLACE INTO t_entry VALUES (500, " + accountOf(500) + ", 5, '"
                                + memo + "')");
                        literal.executeUpdate("INSERT INTO t_entry VALUES (501, " + accountOf(501) + ", 6, '"
                                + memo + "') ON DUPLICATE KEY UPDATE memo = 'upserted'");
                    }
                }
            }
            // INSERT ... SELECT whose source is pinned to one shard, also without a column list.
            long account = accountOf(10);
            String copy = "INSERT INTO t_entry SELECT entry_id + 100000, account_id, amount, 'copied' FROM t_entry"
                    + " WHERE account_id = ?";
            try (PreparedStatement s = c.prepareStatement(copy); PreparedStatement r = reference.prepareStatement(copy)) {
                s.setLong(1, account);
                r.setLong(1, account);
                assertThat(s.executeUpdate()).isEqualTo(r.executeUpdate()).isPositive();
            }
            assertThat(sharded.explain("INSERT INTO t_entry VALUES (?, ?, ?, ?)", 1, 2, 3, "x").routeKind())
                    .isEqualTo(RouteKind.SINGLE_SHARD);
        }
        assertSameRowsAndPlacement();
    }

    @Test
    void ddlThroughShardChangesTheColumnOrderInsertsAreRoutedBy() throws SQLException {
        insertBoth("INSERT INTO t_entry VALUES (1, 11, 1, 'before')");
        // The sharding column moves to the front: the next INSERT gives it first.
        both("ALTER TABLE t_entry MODIFY account_id BIGINT NOT NULL FIRST");
        for (long id = 2; id <= 40; id++) {
            insertBoth("INSERT INTO t_entry VALUES (" + (id * 3) + ", " + id + ", " + id + ", 'moved')");
        }
        // A column added in the middle, and an invisible one, which INSERT without a column list leaves out.
        both("ALTER TABLE t_entry ADD COLUMN tag VARCHAR(5) AFTER account_id");
        both("ALTER TABLE t_entry ADD COLUMN secret INT INVISIBLE");
        for (long id = 41; id <= 80; id++) {
            insertBoth("INSERT INTO t_entry VALUES (" + (id * 3) + ", 't', " + id + ", " + id + ", 'added')");
        }
        assertSameRowsAndPlacement();
    }

    @Test
    void ddlOutsideShardIsNoticedWhenTheValuesNoLongerFitTheColumns() throws SQLException {
        insertBoth("INSERT INTO t_entry VALUES (1, 11, 1, 'known')");
        // Another application instance's migration: Shard does not see it run.
        for (Connection direct : shards) {
            try (Statement s = direct.createStatement()) {
                s.execute("ALTER TABLE t_entry ADD COLUMN region INT FIRST");
            }
        }
        try (Statement r = reference.createStatement()) {
            r.execute("ALTER TABLE t_entry ADD COLUMN region INT FIRST");
        }
        for (long id = 2; id <= 40; id++) {
            insertBoth("INSERT INTO t_entry VALUES (7, " + id + ", " + (id * 5) + ", 1, 'after')");
        }
        assertSameRowsAndPlacement();
    }

    @Test
    void valuesThatDoNotFitTheTableAreRefusedByName() throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t_entry VALUES (1, 2, 3)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("gives 3 values per row, but t_entry has 4 columns"
                            + " [entry_id, account_id, amount, memo]");
            // Without a column list the key generator's column is one of the values; left out, it is refused.
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO t_event VALUES ('no key')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("the key generator fills event_id only when the column list leaves it out");
            // Given, it is kept, and routes the row.
            assertThat(s.executeUpdate("INSERT INTO t_event VALUES (12345, 'kept')")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT kind FROM t_event WHERE event_id = 12345")) {
                assertThat(ResultSets.rows(rs)).containsExactly(List.of("kept"));
            }
            assertThat(rowsOn(slots.shardIndexOf(12345L), "SELECT COUNT(*) FROM t_event")).isEqualTo(1);
        }
    }

    private long accountOf(long entry) {
        return 1 + entry % 60;
    }

    private void both(String sql) throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            s.execute(sql);
            r.execute(sql);
        }
    }

    private void insertBoth(String sql) throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            assertThat(s.executeUpdate(sql)).as(sql).isEqualTo(r.executeUpdate(sql));
        }
    }

    /** The same rows through Shard as on the reference, and each shard's rows belong there. */
    private void assertSameRowsAndPlacement() throws SQLException {
        String all = "SELECT * FROM t_entry ORDER BY entry_id";
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            assertThat(ResultSets.rows(s.executeQuery(all))).isEqualTo(ResultSets.rows(r.executeQuery(all)));
        }
        int placed = 0;
        for (int shard = 0; shard < SHARDS; shard++) {
            try (Statement s = shards.get(shard).createStatement();
                 ResultSet rs = s.executeQuery("SELECT account_id FROM t_entry")) {
                while (rs.next()) {
                    long account = rs.getLong(1);
                    assertThat(slots.shardIndexOf(account)).as("account %d found on shard %d", account, shard)
                            .isEqualTo(shard);
                    placed++;
                }
            }
        }
        assertThat(placed).isPositive();
    }

    private long rowsOn(int shard, String countQuery) throws SQLException {
        try (Statement s = shards.get(shard).createStatement(); ResultSet rs = s.executeQuery(countQuery)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
