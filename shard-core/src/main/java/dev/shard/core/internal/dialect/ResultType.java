package dev.shard.core.internal.dialect;

/**
 * How a merged result column describes itself in {@code ResultSetMetaData}, where the merge computes a value of
 * another type than the shards' column holds.
 *
 * @param sqlType   a {@link java.sql.Types} constant
 * @param typeName  the database's name for the type
 * @param className the Java class of the values
 */
public record ResultType(int sqlType, String typeName, String className, int precision, int scale) {
}
