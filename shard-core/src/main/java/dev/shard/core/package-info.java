/**
 * Shard's public core types that an application may use directly, next to the configuration model in
 * {@link dev.shard.core.config}. Everything under {@code dev.shard.core.internal} is not API.
 */
package dev.shard.core;
