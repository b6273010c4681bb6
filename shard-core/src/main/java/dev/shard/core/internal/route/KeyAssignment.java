package dev.shard.core.internal.route;

import dev.shard.core.internal.sql.ValueRef;

/** A statement that assigns a sharding column (UPDATE ... SET user_id = ?): allowed only if the row stays put. */
record KeyAssignment(String table, String column, ValueRef value) {
}
