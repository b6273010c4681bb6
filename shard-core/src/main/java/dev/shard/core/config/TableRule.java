package dev.shard.core.config;

import java.util.Objects;

/**
 * How one sharded table is split. Every sharded table hashes its sharding column into the same slot space, so rows
 * with equal shard-key values land on the same data source whatever table they are in.
 *
 * @param table          lower-case table name, without quotes
 * @param shardingColumn lower-case column name, without quotes
 * @param algorithm      always {@value #CONSISTENT_HASH} for now
 * @param keyGenerator   how the table's key column is generated, or null when the application supplies its keys
 */
public record TableRule(String table, String shardingColumn, String algorithm, KeyGeneratorRule keyGenerator) {

    public static final String CONSISTENT_HASH = "consistent-hash";

    public TableRule {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(shardingColumn, "shardingColumn");
        Objects.requireNonNull(algorithm, "algorithm");
    }

    /** A rule without a key generator. */
    public TableRule(String table, String shardingColumn, String algorithm) {
        this(table, shardingColumn, algorithm, null);
    }
}
