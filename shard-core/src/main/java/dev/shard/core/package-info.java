/**
 * Shard's public core vocabulary: small value types an application may use directly, next to the configuration
 * model in {@link dev.shard.core.config}. Everything under {@code dev.shard.core.internal} is not API.
 */
package dev.shard.core;
