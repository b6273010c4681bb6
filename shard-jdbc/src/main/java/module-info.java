/**
 * Shard's JDBC layer: {@link dev.shard.jdbc.ShardingDataSource}, the {@code jdbc:shard:} driver, explain, statement
 * events and shard health. Applications may use {@code dev.shard.jdbc} (and, through this module, shard-core's
 * public packages); {@code dev.shard.jdbc.internal} is not API.
 */
module dev.shard.jdbc {
    // ShardingDataSource is built from a ShardConfig and is a javax.sql.DataSource.
    requires transitive dev.shard.core;
    requires transitive java.sql;
    requires java.sql.rowset;
    requires com.zaxxer.hikari;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports dev.shard.jdbc;

    provides java.sql.Driver with dev.shard.jdbc.ShardDriver;
}
