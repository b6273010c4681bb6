package dev.shard.jdbc.internal;

import dev.shard.jdbc.testing.PostgresServer;
import dev.shard.jdbc.testing.TestServer;

/** {@link SlotMapStoreIT} with the stored slot map and the instance rows on PostgreSQL. */
class PostgresSlotMapStoreIT extends SlotMapStoreIT {

    @Override
    TestServer server() {
        return PostgresServer.require();
    }
}
