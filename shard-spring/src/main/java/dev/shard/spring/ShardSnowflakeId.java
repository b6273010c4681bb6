package dev.shard.spring;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.hibernate.annotations.IdGeneratorType;

/**
 * Marks a JPA {@code @Id} of type {@code Long}/{@code long} whose value Hibernate draws from Shard's Snowflake
 * generator, in place of {@code @GeneratedValue}:
 *
 * <pre>{@code
 * @Id @ShardSnowflakeId
 * private Long id;
 * }</pre>
 *
 * <p>Why not {@code @GeneratedValue(strategy = IDENTITY)}: AUTO_INCREMENT counts per shard, so ids repeat across
 * shards, and an identity id is only known after the INSERT, which disables Hibernate's JDBC batching. Snowflake
 * ids are unique across shards and known before the row is routed. The generator draws from the same per-worker-id
 * sequence as Shard's {@code keyGenerator: snowflake} tables, with {@code spring.shard.settings.worker-id}, so ids
 * from both never collide in one process.
 */
@IdGeneratorType(SnowflakeIdGenerator.class)
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface ShardSnowflakeId {
}
