package dev.shard.cli.reshard;

import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.ChangeEvent;
import io.debezium.embedded.Connect;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * {@link ChangeCapture} over PostgreSQL logical decoding: the changes are read from a replication slot with the
 * built-in {@code pgoutput} plugin through Debezium's embedded engine and its PostgreSQL connector, which speak the
 * replication protocol and decode pgoutput; nothing here reads WAL or decoder output.
 *
 * <p><b>Position.</b> On each source the tool creates a publication of the sharded tables ({@value #PUBLICATION})
 * and then a logical replication slot ({@link #slotName}) before the copy reads a row; the slot keeps every change
 * committed after its consistent point until the tool drops it (at the end of the cleanup, or on abort), so a killed
 * tool's {@code --resume} replays from where the slot was last confirmed. A position is an LSN; the catch-up's
 * "applied up to here" is a marker: {@link #position} writes a transactional logical decoding message
 * ({@code pg_logical_emit_message}) and returns its LSN, and a follower has applied everything up to it once it has
 * applied the changes the stream delivered before that message (the stream delivers transactions in commit order,
 * so every transaction committed before the marker comes first). The markers need no table of ours on the sources.
 *
 * <p><b>Applying.</b> A change says which row (table and primary key) changed; the follower then reconciles that
 * row: it reads the row's current version on the source, upserts it on its new owner when its slot moves there, and
 * deletes the row with that key from the new owners where it is not (any more) a moving row of this source. Reading
 * the row instead of replaying the decoded image keeps every column exact whatever its type, and needs no
 * {@code REPLICA IDENTITY FULL}: unchanged TOASTed values are not in pgoutput's update images, and a delete carries
 * only the key. Reconciling is idempotent, and its result is the source's state at the read, never older than the
 * change; so replaying a change twice, or one the copy saw already, is harmless, and once the source stops changing
 * (the switch holds the writes) the last reconcile of each row leaves it equal to the source.
 *
 * <p><b>Broadcast tables.</b> When the target adds data sources, the follower of the plan's
 * {@link ReshardPlan#broadcastSource()} also reconciles every changed row of the broadcast tables on each added data
 * source, which no instance writes before the switch. The publication therefore names the broadcast tables that have
 * a primary key too (on every source: it is made before the plan's source matters); a table without one is left
 * out, since PostgreSQL refuses updates and deletes of a published table without a replica identity.
 */
final class PostgresChangeCapture implements ChangeCapture {

    static final String PUBLICATION = "shard_reshard";
    private static final String MARKER_PREFIX = "shard_reshard";
    private static final Duration SLOT_RELEASE_BOUND = Duration.ofSeconds(30);

    private final ShardConfig config;
    private final Databases databases;
    private final JdbcMovement movement;
    /** The markers this run wrote, by LSN: a follower that sees one has applied everything before it. */
    private final Map<String, Long> markers = new ConcurrentHashMap<>();

    PostgresChangeCapture(ShardConfig config, Databases databases, JdbcMovement movement) {
        this.config = config;
        this.databases = databases;
        this.movement = movement;
    }

    @Override
    public List<String> prerequisites(String dataSource) throws SQLException {
        try (Connection c = databases.get(dataSource).getConnection()) {
            return PostgresPrerequisites.problems(c, shapes(dataSource).keySet(), slotName(c));
        }
    }

    /** Creates the publication and the slot if they are missing, then writes a marker and returns its LSN. */
    @Override
    public LogPosition position(String dataSource) throws SQLException {
        try (Connection c = databases.get(dataSource).getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            String slot = slotName(c);
            if (!exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)) {
                // The publication first: pgoutput reads it as of each change's time, so it must predate the slot.
                s.execute("DROP PUBLICATION IF EXISTS " + PUBLICATION);
                List<String> tables = new ArrayList<>(shapes(dataSource).values().stream()
                        .map(TableShape::quotedName).toList());
                for (TableShape shape : broadcastShapes(dataSource).values()) {
                    if (!shape.key().isEmpty()) {
                        tables.add(shape.quotedName());
                    }
                }
                s.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + String.join(", ", tables));
                try (PreparedStatement create = c.prepareStatement(
                        "SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
                    create.setString(1, slot);
                    create.executeQuery().close();
                }
            }
            String token = UUID.randomUUID().toString();
            try (PreparedStatement marker = c.prepareStatement("SELECT l::text, (l - '0/0'::pg_lsn)::bigint FROM"
                    + " pg_logical_emit_message(true, ?, ?) l")) {
                marker.setString(1, MARKER_PREFIX);
                marker.setString(2, token);
                try (ResultSet rs = marker.executeQuery()) {
                    rs.next();
                    markers.put(token, rs.getLong(2));
                    return new LogPosition(rs.getString(1), rs.getLong(2), "");
                }
            }
        }
    }

    /** Drops the slot and the publication: the end of the cleanup, or an abort. */
    @Override
    public void release(String dataSource) throws SQLException, InterruptedException {
        try (Connection c = databases.get(dataSource).getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            String slot = slotName(c);
            if (exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)) {
                awaitSlotInactive(c, slot);
                try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    drop.setString(1, slot);
                    drop.executeQuery().close();
                }
            }
            s.execute("DROP PUBLICATION IF EXISTS " + PUBLICATION);
        }
    }

    @Override
    public Follower follow(String dataSource, LogPosition start, ReshardPlan plan) throws SQLException {
        String slot;
        try (Connection c = databases.get(dataSource).getConnection()) {
            slot = slotName(c);
            if (!exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)) {
                throw new SQLException("catch-up: the replication slot " + slot + " of data source " + dataSource
                        + " is gone, so the changes made since the copy started cannot be replayed; run --abort and"
                        + " start again", "55000");
            }
            try {
                awaitSlotInactive(c, slot);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for replication slot " + slot, "57014", e);
            }
        }
        Map<String, TableShape> broadcast = dataSource.equals(plan.broadcastSource()) ? broadcastShapes(dataSource)
                : Map.of();
        PostgresFollower follower = new PostgresFollower(dataSource, plan, shapes(dataSource), broadcast, start);
        follower.start(engineProperties(dataSource, slot));
        return follower;
    }

    /**
     * A killed tool's walsender may hold the slot until the server notices the dead socket; only this tool uses the
     * slot (one run at a time), so that session is ended rather than waited for.
     */
    private static void awaitSlotInactive(Connection c, String slot) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + SLOT_RELEASE_BOUND.toNanos();
        try (PreparedStatement active = c.prepareStatement("SELECT active_pid, pg_terminate_backend(active_pid)"
                + " FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL")) {
            active.setString(1, slot);
            while (true) {
                Integer pid = null;
                try (ResultSet rs = active.executeQuery()) {
                    if (rs.next()) {
                        pid = rs.getInt(1);
                    }
                }
                if (pid == null) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new SQLException("The replication slot " + slot + " is still in use by server process "
                            + pid + " after " + SLOT_RELEASE_BOUND.toSeconds() + " s", "55006");
                }
                // The terminated walsender needs a moment to exit; the next query sees whether it did.
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /** The slot's name: one per database of the server, so data sources on one server keep theirs apart. */
    static String slotName(Connection c) throws SQLException {
        String database = c.getCatalog() == null ? "" : c.getCatalog().toLowerCase(Locale.ROOT);
        String name = "shard_reshard_" + database.replaceAll("[^a-z0-9_]", "_");
        if (name.length() <= 63) {
            return name;
        }
        return "shard_reshard_" + com.google.common.hash.Hashing.sha256()
                .hashString(database, java.nio.charset.StandardCharsets.UTF_8).toString().substring(0, 40);
    }

    private static boolean exists(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The sharded tables on the source, by lower-case name. */
    private Map<String, TableShape> shapes(String dataSource) throws SQLException {
        return shapes(dataSource, movement.tables());
    }

    /** The broadcast tables on the source, by lower-case name. */
    private Map<String, TableShape> broadcastShapes(String dataSource) throws SQLException {
        return shapes(dataSource, movement.broadcastTables());
    }

    private Map<String, TableShape> shapes(String dataSource, List<String> names) throws SQLException {
        Map<String, TableShape> shapes = new LinkedHashMap<>();
        for (String table : names) {
            TableShape shape = movement.shape(dataSource, table);
            if (shape != null) {
                shapes.put(shape.name().toLowerCase(Locale.ROOT), shape);
            }
        }
        return shapes;
    }

    /** The connector's settings: streaming only (the copy is ours), from our slot and publication. */
    private Properties engineProperties(String dataSource, String slot) throws SQLException {
        DataSourceConfig source = config.dataSource(dataSource);
        Properties url = org.postgresql.Driver.parseURL(source.jdbcUrl(), new Properties());
        if (url == null) {
            throw new SQLException("Data source " + dataSource + ": cannot read jdbcUrl " + source.jdbcUrl()
                    + " as a PostgreSQL URL", "08001");
        }
        Map<String, String> pool = source.poolProperties();
        String user = pool.getOrDefault("username", pool.getOrDefault("dataSource.user", url.getProperty("user")));
        String password = pool.getOrDefault("password", pool.getOrDefault("dataSource.password",
                url.getProperty("password")));
        Properties p = new Properties();
        p.setProperty("name", "shard-reshard-" + dataSource);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        // Per source: the engine registers its metrics under this name, and one run follows several sources.
        p.setProperty("topic.prefix", "shard_reshard_" + dataSource.replaceAll("[^A-Za-z0-9_]", "_"));
        // The engine's wait for more changes when its queue is empty: the switch waits on it for the last ones.
        p.setProperty("poll.interval.ms", "50");
        // One host: the source's primary (a multi-host URL's first).
        p.setProperty("database.hostname", url.getProperty("PGHOST").split(",")[0]);
        p.setProperty("database.port", url.getProperty("PGPORT", "5432").split(",")[0]);
        p.setProperty("database.dbname", url.getProperty("PGDBNAME"));
        p.setProperty("database.user", user == null ? "" : user);
        if (password != null) {
            p.setProperty("database.password", password);
        }
        if (url.getProperty("sslmode") != null) {
            p.setProperty("database.sslmode", url.getProperty("sslmode"));
        }
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("publication.name", PUBLICATION);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("include.unknown.datatypes", "true");
        p.setProperty("tombstones.on.delete", "false");
        // A failure stops the follower with its reason; the workflow reports it, and --resume starts a new one.
        p.setProperty("errors.max.retries", "0");
        return p;
    }

    /** One source's follower: a Debezium engine on its own thread, reconciling each changed row. */
    private final class PostgresFollower implements Follower {

        private final String source;
        private final ReshardPlan plan;
        private final Map<String, TableShape> shapes;
        /** The broadcast tables whose every row this follower keeps on the added data sources; empty if none. */
        private final Map<String, TableShape> broadcast;
        private final ExecutorService thread;
        private final Object progress = new Object();
        private volatile LogPosition applied;
        private volatile Throwable failure;
        private volatile boolean stopped;
        private DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;

        PostgresFollower(String source, ReshardPlan plan, Map<String, TableShape> shapes,
                         Map<String, TableShape> broadcast, LogPosition start) {
            this.source = source;
            this.plan = plan;
            this.shapes = shapes;
            this.broadcast = broadcast;
            this.applied = start;
            this.thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "shard-reshard-catch-up-" + source);
                t.setDaemon(true);
                return t;
            });
        }

        void start(Properties properties) {
            engine = DebeziumEngine.create(Connect.class)
                    .using(properties)
                    .using((success, message, error) -> {
                        if (!success || !stopped) {
                            fail(error != null ? error : new SQLException("the change stream of " + source
                                    + " ended: " + message));
                        }
                    })
                    .notifying(this::handle)
                    .build();
            thread.execute(engine);
        }

        private void handle(List<ChangeEvent<SourceRecord, SourceRecord>> events,
                            DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
                throws InterruptedException {
            try {
                Map<String, Map<String, List<Object>>> changed = new LinkedHashMap<>();
                long reached = -1;
                for (ChangeEvent<SourceRecord, SourceRecord> event : events) {
                    SourceRecord record = event.value();
                    if (!(record.value() instanceof Struct value)) {
                        continue;
                    }
                    Struct message = value.schema().field("message") == null ? null : value.getStruct("message");
                    if (message != null) {
                        Long lsn = MARKER_PREFIX.equals(message.getString("prefix")) ? markers.get(
                                new String(bytes(message.get("content")), java.nio.charset.StandardCharsets.UTF_8))
                                : null;
                        if (lsn != null) {
                            reached = Math.max(reached, lsn);
                        }
                        continue;
                    }
                    Struct sourceInfo = value.getStruct("source");
                    String name = sourceInfo.getString("table").toLowerCase(Locale.ROOT);
                    TableShape shape = shapes.containsKey(name) ? shapes.get(name) : broadcast.get(name);
                    if (shape != null && record.key() instanceof Struct key) {
                        List<Object> values = keyValues(shape, key);
                        changed.computeIfAbsent(shape.name().toLowerCase(Locale.ROOT), t -> new LinkedHashMap<>())
                                .put(String.valueOf(values), values);
                    }
                }
                for (Map.Entry<String, Map<String, List<Object>>> table : changed.entrySet()) {
                    List<List<Object>> keys = List.copyOf(table.getValue().values());
                    if (shapes.containsKey(table.getKey())) {
                        reconcile(shapes.get(table.getKey()), keys);
                    } else {
                        reconcileBroadcast(broadcast.get(table.getKey()), keys);
                    }
                }
                for (ChangeEvent<SourceRecord, SourceRecord> event : events) {
                    committer.markProcessed(event);
                }
                committer.markBatchFinished();
                if (reached >= 0) {
                    synchronized (progress) {
                        if (reached > applied.position()) {
                            applied = new LogPosition(lsnText(reached), reached, "");
                        }
                        progress.notifyAll();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                fail(e);
                throw new IllegalStateException("catch-up of " + source + " stopped: " + e.getMessage(), e);
            }
        }

        /** The changed rows of one table, by key: each made on its new owner as it is on the source now. */
        private void reconcile(TableShape shape, List<List<Object>> keys) throws SQLException {
            Map<String, RowChunks.Row> current = new LinkedHashMap<>();
            try (Connection c = databases.get(source).getConnection()) {
                for (RowChunks.Row row : RowChunks.readKeys(c, shape, keys)) {
                    current.put(String.valueOf(row.key()), row);
                }
            }
            Map<String, List<RowChunks.Row>> upserts = new LinkedHashMap<>();
            for (RowChunks.Row row : current.values()) {
                if (movesFromSource(row.slot())) {
                    upserts.computeIfAbsent(plan.ownerAfter(row.slot()), t -> new ArrayList<>()).add(row);
                }
            }
            for (String target : plan.targetsOf(source)) {
                try (Connection c = databases.get(target).getConnection()) {
                    RowChunks.upsert(c, shape, upserts.getOrDefault(target, List.of()));
                    // Rows there with a changed key that are not (or no longer) this source's rows moving there.
                    List<List<Object>> stale = new ArrayList<>();
                    for (RowChunks.Row there : RowChunks.readKeys(c, shape, keys)) {
                        RowChunks.Row here = current.get(String.valueOf(there.key()));
                        boolean copiedHere = there.slot() >= 0 && movesFromSource(there.slot())
                                && plan.ownerAfter(there.slot()).equals(target);
                        boolean belongs = here != null && movesFromSource(here.slot())
                                && plan.ownerAfter(here.slot()).equals(target);
                        if (copiedHere && !belongs) {
                            stale.add(there.key());
                        }
                    }
                    RowChunks.delete(c, shape, stale);
                }
            }
        }

        /** Changed rows of a broadcast table: on each added data source as on the source now, or gone. */
        private void reconcileBroadcast(TableShape shape, List<List<Object>> keys) throws SQLException {
            List<RowChunks.Row> current;
            try (Connection c = databases.get(source).getConnection()) {
                current = RowChunks.readKeys(c, shape, keys);
            }
            java.util.Set<String> present = new java.util.HashSet<>();
            current.forEach(row -> present.add(String.valueOf(row.key())));
            for (String target : plan.addedDataSources()) {
                try (Connection c = databases.get(target).getConnection()) {
                    RowChunks.upsert(c, shape, current);
                    List<List<Object>> gone = new ArrayList<>();
                    for (RowChunks.Row there : RowChunks.readKeys(c, shape, keys)) {
                        if (!present.contains(String.valueOf(there.key()))) {
                            gone.add(there.key());
                        }
                    }
                    RowChunks.delete(c, shape, gone);
                }
            }
        }

        private boolean movesFromSource(int slot) {
            return slot >= 0 && plan.moves(slot) && plan.ownerBefore(slot).equals(source);
        }

        /** The key's values in the shape's key order, as the connector gives them. */
        private List<Object> keyValues(TableShape shape, Struct key) {
            List<Object> values = new ArrayList<>();
            for (String column : shape.key()) {
                Field field = key.schema().fields().stream().filter(f -> f.name().equalsIgnoreCase(column))
                        .findFirst().orElseThrow(() -> new IllegalStateException("the change of " + shape.name()
                                + " on " + source + " carries no key column " + column));
                String semantic = field.schema().name();
                if (semantic != null && (semantic.startsWith("io.debezium.time")
                        || semantic.startsWith("org.apache.kafka.connect.data"))) {
                    throw new IllegalStateException("table " + shape.name() + " has primary key column " + column
                            + " of a date or time type (" + semantic + "), which the PostgreSQL catch-up does not"
                            + " look up; abort the reshard");
                }
                Object value = key.get(field);
                values.add(value instanceof ByteBuffer || value instanceof byte[] ? bytes(value) : value);
            }
            return values;
        }

        private void fail(Throwable e) {
            synchronized (progress) {
                if (failure == null) {
                    failure = e;
                }
                progress.notifyAll();
            }
        }

        @Override
        public boolean awaitApplied(LogPosition upTo, Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            synchronized (progress) {
                while (applied.position() < upTo.position() && failure == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                }
                return failure == null;
            }
        }

        @Override
        public LogPosition applied() {
            return applied;
        }

        @Override
        public Optional<Throwable> failure() {
            return Optional.ofNullable(failure);
        }

        @Override
        public void close() {
            stopped = true;
            try {
                if (engine != null) {
                    engine.close();
                }
            } catch (java.io.IOException e) {
                fail(e);
            }
            thread.shutdown();
            try {
                thread.awaitTermination(SLOT_RELEASE_BOUND.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }

    /** An LSN as PostgreSQL prints it: the high and low 32 bits in hexadecimal. */
    private static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
    }
}
