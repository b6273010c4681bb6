/**
 * Shard's core: the configuration model, hashing, SQL analysis, routing, rewriting and the merge plan. No JDBC
 * driver, no Spring.
 *
 * <p>Applications may use {@code dev.shard.core} and {@code dev.shard.core.config}. The {@code internal} packages
 * are open to shard-jdbc alone, which executes what they plan; they change without notice.
 */
@SuppressWarnings("module") // the qualified exports name dev.shard.jdbc, which javac cannot see when it builds this one
module dev.shard.core {
    // SQLException is part of the contracts shard-jdbc builds on, and of SnowflakeIds.
    requires transitive java.sql;
    requires com.google.common;
    requires com.github.benmanes.caffeine;
    requires net.sf.jsqlparser;
    requires org.yaml.snakeyaml;
    // A statement's analysis is bounded by its thread's processor time (CpuBudget).
    requires java.management;

    exports dev.shard.core;
    exports dev.shard.core.config;

    exports dev.shard.core.internal.dialect to dev.shard.jdbc;
    exports dev.shard.core.internal.hash to dev.shard.jdbc;
    exports dev.shard.core.internal.keygen to dev.shard.jdbc;
    exports dev.shard.core.internal.merge to dev.shard.jdbc;
    exports dev.shard.core.internal.route to dev.shard.jdbc;
    exports dev.shard.core.internal.sql to dev.shard.jdbc;
}
