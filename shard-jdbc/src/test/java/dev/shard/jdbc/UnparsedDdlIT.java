package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.RouteKind;
import dev.shard.jdbc.testing.DifferentialDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * DDL the SQL parser cannot read still reaches every shard of its table. Hibernate's and Flyway's DDL for
 * MySQL/MariaDB runs through Shard over three shards and straight on one plain reference database; after each
 * statement, every shard's definition of the tables it changed ({@code SHOW CREATE TABLE}) must equal the
 * reference's, and the foreign keys on each shard are read from information_schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnparsedDdlIT {

    static final int SHARDS = 3;

    private DifferentialDatabases databases;
    private ShardingDataSource sharded;
    private Connection reference;
    private List<Connection> shards;

    @BeforeAll
    void start() throws SQLException {
        databases = DifferentialDatabases.create("shard_it_ddl", SHARDS);
        reference = databases.reference();
        shards = databases.shards();
        // customer and orders are sharded on the same key, so each order's customer is on its shard and the
        // foreign key holds shard by shard.
        sharded = databases.open(databases.config(2)
                .shardedTable("customer", "id")
                .shardedTable("orders", "customer_id")
                .shardedTable("event_log", "id")
                .broadcastTables("country", "country_history")
                .build());
    }

    @AfterAll
    void stop() throws SQLException {
        if (databases != null) {
            databases.close();
        }
    }

    /** Each test starts from empty databases. */
    @BeforeEach
    void dropTables() throws SQLException {
        List<Connection> all = new ArrayList<>(shards);
        all.add(reference);
        for (Connection c : all) {
            try (Statement s = c.createStatement()) {
                s.execute("SET FOREIGN_KEY_CHECKS = 0");
                s.execute("DROP TABLE IF EXISTS orders, customer, event_log, country_history, flyway_schema_history");
                s.execute("SET FOREIGN_KEY_CHECKS = 1");
            }
        }
    }

    /** Hibernate's schema creation (ddl-auto=create) for a {@code @ManyToOne} from orders to customer. */
    static final List<String> HIBERNATE_CREATE = List.of(
            "alter table orders drop foreign key FKcustomer",
            "drop table if exists customer",
            "drop table if exists orders",
            "create table customer (id bigint not null, name varchar(255), primary key (id)) engine=InnoDB",
            "create table orders (id bigint not null, amount decimal(12,2), customer_id bigint not null,"
                    + " primary key (id)) engine=InnoDB",
            "alter table orders add constraint FKcustomer foreign key (customer_id) references customer (id)");

    @Test
    void hibernateRecreatesItsSchemaOnEveryShardSoOldRowsDoNotSurviveARestart() throws SQLException {
        // First start: the tables do not exist yet; MariaDB's dialect guards the ALTER with IF EXISTS.
        runBoth("alter table if exists orders drop foreign key if exists FKcustomer", "orders");
        for (String ddl : HIBERNATE_CREATE.subList(1, HIBERNATE_CREATE.size())) {
            runBoth(ddl, "customer", "orders");
        }
        assertThat(foreignKeys("orders")).as("FKcustomer on every shard").allMatch(keys -> keys.equals(
                List.of("FKcustomer")));
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            for (long id = 1; id <= 20; id++) {
                for (Statement target : List.of(s, r)) {
                    target.executeUpdate("INSERT INTO customer (id, name) VALUES (" + id + ", 'c" + id + "')");
                    target.executeUpdate("INSERT INTO orders (id, amount, customer_id) VALUES (" + (100 + id)
                            + ", 1.5, " + id + ")");
                }
            }
        }
        assertThat(rowsOnShards("orders")).as("rows before the restart").isEqualTo(20);

        // The restart: the foreign key is dropped first (the statement JSqlParser cannot read), then the tables.
        RouteExplanation drop = sharded.explain(HIBERNATE_CREATE.get(0));
        assertThat(drop.routeKind()).isEqualTo(RouteKind.ALL_SHARDS);
        assertThat(drop.shards()).containsExactly("ds0", "ds1", "ds2");
        for (String ddl : HIBERNATE_CREATE) {
            runBoth(ddl, "customer", "orders");
            if (ddl.contains("drop foreign key")) {
                assertThat(foreignKeys("orders")).as("no foreign key left after " + ddl).allMatch(List::isEmpty);
            }
        }
        assertThat(rowsOnShards("orders")).as("rows after the restart").isZero();
        assertThat(rowsOnShards("customer")).isZero();
        try (Statement r = reference.createStatement(); ResultSet rs = r.executeQuery("SELECT COUNT(*) FROM orders")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the reference database after the same statements").isZero();
        }
    }

    /** Migration scripts: the forms JSqlParser refuses among others it reads, each checked on every shard. */
    @Test
    void migrationDdlChangesEveryShardAsItChangesOneDatabase() throws SQLException {
        runBoth("create table if not exists customer (id bigint not null, name varchar(255), primary key (id))",
                "customer");
        runBoth("create table orders (id bigint not null, amount decimal(12,2), customer_id bigint not null,"
                + " primary key (id)) engine=InnoDB", "orders");
        String[][] steps = {
            {"ALTER TABLE orders ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'new', ALGORITHM=INPLACE, LOCK=NONE",
                "orders"},
            {"ALTER TABLE orders ADD INDEX idx_status (status), ALGORITHM=INPLACE, LOCK=NONE", "orders"},
            {"ALTER TABLE `orders` ADD CONSTRAINT `FK_orders_customer` FOREIGN KEY (`customer_id`) REFERENCES"
                + " `customer` (`id`) ON DELETE CASCADE", "orders"},
            {"ALTER TABLE orders DROP FOREIGN KEY `FK_orders_customer`", "orders"},
            {"ALTER TABLE orders ADD CONSTRAINT fk_again FOREIGN KEY IF NOT EXISTS (customer_id) REFERENCES"
                + " customer (id)", "orders"},
            {"ALTER TABLE orders ADD CONSTRAINT fk_again FOREIGN KEY IF NOT EXISTS (customer_id) REFERENCES"
                + " customer (id)", "orders"},
            {"alter table if exists orders drop foreign key if exists fk_again", "orders"},
            {"ALTER TABLE orders ADD CONSTRAINT chk_amount CHECK (amount >= 0)", "orders"},
            {"ALTER TABLE orders DROP CONSTRAINT chk_amount", "orders"},
            {"ALTER ONLINE TABLE orders ADD COLUMN note VARCHAR(50)", "orders"},
            {"ALTER IGNORE TABLE orders ADD UNIQUE KEY uk_note (note)", "orders"},
            {"ALTER TABLE orders DROP INDEX uk_note, ALGORITHM=INPLACE", "orders"},
            {"CREATE INDEX idx_amount ON orders (amount) ALGORITHM=INPLACE LOCK=NONE", "orders"},
            {"DROP INDEX idx_amount ON orders", "orders"},
            {"/*!40000 ALTER TABLE orders DISABLE KEYS */", "orders"},
            {"/*!40000 ALTER TABLE orders ENABLE KEYS */", "orders"},
            {"create table event_log (id bigint not null, kind varchar(20), primary key (id)) engine=InnoDB",
                "event_log"},
            {"ALTER TABLE event_log PARTITION BY HASH(id) PARTITIONS 4", "event_log"},
            {"ALTER TABLE event_log COALESCE PARTITION 2", "event_log"},
            {"ALTER TABLE event_log REMOVE PARTITIONING", "event_log"},
            {"CREATE TABLE IF NOT EXISTS country_history (id BIGINT NOT NULL, name VARCHAR(20))"
                + " WITH SYSTEM VERSIONING", "country_history"},
            {"ALTER TABLE country_history DROP SYSTEM VERSIONING;", "country_history"},
            {"DROP TABLE IF EXISTS country_history", "country_history"},
        };
        for (String[] step : steps) {
            runBoth(step[0], step[1]);
        }
        // Flyway's history table has no rule: it lives on the default data source alone.
        String flyway = "CREATE TABLE `flyway_schema_history` (`installed_rank` INT NOT NULL, `version` VARCHAR(50),"
                + " `description` VARCHAR(200) NOT NULL, `script` VARCHAR(1000) NOT NULL, `success` BOOL NOT NULL,"
                + " CONSTRAINT `flyway_schema_history_pk` PRIMARY KEY (`installed_rank`)) ENGINE=InnoDB";
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            s.execute(flyway);
            s.execute("ALTER TABLE flyway_schema_history DROP FOREIGN KEY IF EXISTS no_such_key");
        }
        assertThat(definitions("flyway_schema_history")).extracting(d -> d != null)
                .containsExactly(true, false, false);
    }

    @Test
    void ddlWhoseTableCannotBeFoundIsRefusedAndTheConnectionStaysUsable() throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("ALTER TABLE"))
                    .isInstanceOf(SQLSyntaxErrorException.class)
                    .hasMessageContaining("cannot tell which table");
            assertThatThrownBy(() -> s.execute("ALTER TABLE orders DROP FOREIGN KEY fk1; DROP TABLE customer"))
                    .isInstanceOf(SQLSyntaxErrorException.class);
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    /** Runs one DDL statement through Shard and on the reference, then compares each table's definitions. */
    private void runBoth(String ddl, String... tables) throws SQLException {
        try (Connection c = sharded.getConnection(); Statement s = c.createStatement();
             Statement r = reference.createStatement()) {
            r.execute(ddl);
            s.execute(ddl);
        }
        for (String table : tables) {
            String expected = definition(reference, table);
            assertThat(definitions(table)).as("%s on every shard after %s", table, ddl)
                    .containsOnly(expected);
        }
    }

    /** Each shard's SHOW CREATE TABLE of a table, null where it does not exist. */
    private List<String> definitions(String table) throws SQLException {
        List<String> definitions = new ArrayList<>();
        for (Connection shard : shards) {
            definitions.add(definition(shard, table));
        }
        return definitions;
    }

    private static String definition(Connection c, String table) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT COUNT(*) FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            exists.setString(1, table);
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (rs.getInt(1) == 0) {
                    return null;
                }
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + table)) {
            rs.next();
            return rs.getString(2);
        }
    }

    /** Each shard's foreign keys on a table, by name, from information_schema. */
    private List<List<String>> foreignKeys(String table) throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        for (Connection shard : shards) {
            try (PreparedStatement ps = shard.prepareStatement("SELECT CONSTRAINT_NAME FROM"
                    + " information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"
                    + " AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME")) {
                ps.setString(1, table);
                List<String> names = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
                keys.add(names);
            }
        }
        return keys;
    }

    private long rowsOnShards(String table) throws SQLException {
        long total = 0;
        for (Connection shard : shards) {
            try (Statement s = shard.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                total += rs.getLong(1);
            }
        }
        return total;
    }
}
