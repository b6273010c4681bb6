package dev.shard.cli.reshard;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.CompatibilityMode;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Replays the changes of one source data source's binary log to the rows that move away from it, from a recorded
 * position onwards: the catch-up phase of a reshard. Changes of a table that {@link MovingRows#everyRowTo} names
 * data sources for (a broadcast table copied to the data sources a reshard adds) are replayed on each of them,
 * whatever the rows' slots.
 *
 * <p><b>What is replayed.</b> Row events (binlog_format=ROW, binlog_row_image=FULL) of the source's database and of
 * {@link MovingRows#tables()} only. Each image becomes a row (column names from information_schema, values as
 * {@link BinlogValues} describes) and is replayed idempotently, so that replaying a change twice, or a change the
 * copy already saw, leaves the same rows:
 * <ul>
 *   <li>insert: the row, if it moves, is upserted into its new owner;
 *   <li>update: the after-image, if it moves, is upserted into its new owner; the before-image, if it moved, is
 *       deleted by primary key from its new owner when the after-image does not move there under the same primary
 *       key (it moved elsewhere, stays behind, or its key changed). The delete comes first, so that a key changed
 *       only in case, under a case-insensitive collation, ends as the upserted row;
 *   <li>delete: the row, if it moved, is deleted by primary key from its new owner.
 * </ul>
 * Other statements are skipped; DDL on a moving table during a reshard is not supported (a changed column count
 * fails the catch-up, see {@link BinlogSchema}).
 *
 * <p><b>Position.</b> {@link #applied()} is the end of the last transaction whose every change has been handed to
 * the {@link ChangeApplier} (its XID or COMMIT event; a statement outside any transaction counts as one): resuming
 * from it never skips a transaction and never starts inside one. Events between transactions (rotations, format
 * descriptions, checkpoints) advance it too, so that a catch-up with nothing to replay still reaches the source's
 * current position. A transaction interrupted by {@link #close()} or a failure is partly applied; a resume
 * replays it whole, which the idempotent replay allows.
 *
 * <p><b>Threads.</b> {@link #start()} connects and returns; events are read and applied on the binlog client's own
 * thread ({@code blc-host:port}), one at a time, so the {@link ChangeApplier} and {@link MovingRows} are called from
 * that one thread. {@link #awaitApplied}, {@link #applied()}, {@link #failure()} and {@link #close()} may be called
 * from any thread. A failure (the connection lost, an event that cannot be decoded, an applier error) stops the
 * replay: {@link #failure()} tells it, {@link #awaitApplied} returns false at once, and a new instance started from
 * {@link #applied()} carries on. There is no automatic reconnection: the caller decides.
 */
public final class BinlogCatchUp implements AutoCloseable {

    /**
     * How the client decodes values, chosen so that nothing is guessed: dates and times as exact microseconds with
     * no time zone applied (the default makes java.util.Date objects in the JVM's zone and drops microseconds), a
     * zero date as Long.MIN_VALUE rather than null (so it is not confused with NULL), CHAR and VARCHAR as bytes (the
     * binlog has no charset; {@link BinlogValues} decodes them with the column's own).
     */
    static final CompatibilityMode[] DESERIALIZER_MODES = {
        CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
        CompatibilityMode.INVALID_DATE_AND_TIME_AS_MIN_VALUE,
        CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY,
    };
    private static final long CONNECT_TIMEOUT_MILLIS = 30_000;
    private static final long LOWEST_CLIENT_SERVER_ID = 1L << 30;
    private static final long HIGHEST_CLIENT_SERVER_ID = (1L << 31) - 1;

    private final BinlogSource source;
    private final BinlogPosition start;
    private final MovingRows moving;
    private final ChangeApplier applier;
    private final long clientServerId;
    private final Map<String, String> movingTablesByLowerName = new HashMap<>();
    private final BinlogSchema schema;
    private final BinlogTransactions transactions;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progressed = lock.newCondition();
    private BinlogPosition applied;
    private Throwable failure;
    private boolean closed;

    // Read and written only on the client's thread.
    private final Map<Long, TableMapEventData> tableMaps = new HashMap<>();
    private BinaryLogClient client;

    public BinlogCatchUp(BinlogSource source, BinlogPosition start, MovingRows moving, ChangeApplier applier,
                         long clientServerId) {
        this.source = Objects.requireNonNull(source, "source");
        this.start = Objects.requireNonNull(start, "start");
        this.moving = Objects.requireNonNull(moving, "moving");
        this.applier = Objects.requireNonNull(applier, "applier");
        if (clientServerId <= 0 || clientServerId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("The binlog client's server id must be in [1, 2^32): "
                    + clientServerId);
        }
        this.clientServerId = clientServerId;
        for (String table : moving.tables()) {
            movingTablesByLowerName.put(table.toLowerCase(Locale.ROOT), table);
        }
        this.schema = new BinlogSchema(this::connectToSource, source.database());
        this.transactions = new BinlogTransactions(start);
        this.applied = start;
    }

    /**
     * A server id for the binlog client, at random in [2^30, 2^31): servers are usually numbered from 1, and a
     * replica whose id equals another replica's (or the source's own) would cut the other's stream.
     */
    public static long randomClientServerId() {
        return ThreadLocalRandom.current().nextLong(LOWEST_CLIENT_SERVER_ID, HIGHEST_CLIENT_SERVER_ID + 1);
    }

    /** SHOW MASTER STATUS (+ @@gtid_binlog_pos on MariaDB) of the source. */
    public static BinlogPosition currentPosition(Connection source) throws SQLException {
        return BinlogPrerequisites.currentPosition(source);
    }

    /**
     * Checks log_bin=ON, binlog_format=ROW, binlog_row_image=FULL and the privileges; returns human-readable problems
     * with the exact setting to change (empty = ok).
     */
    public static List<String> prerequisites(Connection source) throws SQLException {
        return BinlogPrerequisites.problems(source);
    }

    /**
     * Connects to the source and starts replaying from the start position on the client's thread.
     *
     * @throws IOException when the connection or the binlog request fails (a wrong password, a purged binlog file,
     *                     a missing privilege: the server's message is in it), or does not succeed within 30 s
     */
    public void start() throws IOException {
        lock.lock();
        try {
            if (client != null || closed) {
                throw new IllegalStateException("This catch-up of " + source.dataSourceName() + " was already "
                        + (closed ? "closed" : "started"));
            }
            client = newClient();
        } finally {
            lock.unlock();
        }
        try {
            client.connect(CONNECT_TIMEOUT_MILLIS);
        } catch (TimeoutException e) {
            throw new IOException("Cannot read the binary log of data source " + source.dataSourceName() + " ("
                    + source.host() + ":" + source.port() + "): not connected within " + CONNECT_TIMEOUT_MILLIS
                    + " ms", e);
        } catch (IOException e) {
            throw new IOException("Cannot read the binary log of data source " + source.dataSourceName() + " ("
                    + source.host() + ":" + source.port() + ") from " + start + ": " + e.getMessage(), e);
        }
    }

    private BinaryLogClient newClient() {
        BinaryLogClient c = new BinaryLogClient(source.host(), source.port(), source.user(),
                source.password() == null ? "" : source.password());
        c.setServerId(clientServerId);
        c.setBinlogFilename(start.file());
        c.setBinlogPosition(start.position());
        // A lost connection is reported, not silently resumed by the library from its own per-event position,
        // which may lie inside a transaction whose table map it would then lack.
        c.setKeepAlive(false);
        EventDeserializer deserializer = new EventDeserializer();
        deserializer.setCompatibilityMode(DESERIALIZER_MODES[0],
                java.util.Arrays.copyOfRange(DESERIALIZER_MODES, 1, DESERIALIZER_MODES.length));
        c.setEventDeserializer(deserializer);
        c.registerEventListener(this::onEvent);
        c.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient failed, Exception e) {
                fail(new IOException("The binary log connection to " + source.host() + ":" + source.port()
                        + " failed: " + e.getMessage(), e));
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient failed, Exception e) {
                // The library would skip the event and carry on: a lost change. Stop instead.
                fail(new IOException("An event of the binary log of " + source.dataSourceName()
                        + " cannot be decoded after " + applied() + ": " + e.getMessage(), e));
                disconnectQuietly(failed);
            }

            @Override
            public void onDisconnect(BinaryLogClient disconnected) {
                fail(new IOException("The binary log connection to " + source.host() + ":" + source.port()
                        + " ended"));
            }
        });
        return c;
    }

    private void onEvent(Event event) {
        if (stopped()) {
            return;
        }
        try {
            handle(event);
        } catch (Throwable e) { // the library would log and continue past a listener's exception: a lost change
            fail(e);
            disconnectQuietly(client);
        }
    }

    private void handle(Event event) throws SQLException {
        EventHeaderV4 header = event.getHeader();
        EventType type = header.getEventType();
        switch (type) {
            case TABLE_MAP -> {
                TableMapEventData map = event.getData();
                tableMaps.put(map.getTableId(), map);
            }
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData data = event.getData();
                ReplayedTable table = replayed(data.getTableId());
                for (int i = 0; table != null && i < data.getRows().size(); i++) {
                    insertedOrDeleted(table, data.getIncludedColumns(), data.getRows().get(i), false);
                }
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData data = event.getData();
                ReplayedTable table = replayed(data.getTableId());
                for (int i = 0; table != null && i < data.getRows().size(); i++) {
                    Map.Entry<Serializable[], Serializable[]> images = data.getRows().get(i);
                    updated(table, data.getIncludedColumnsBeforeUpdate(), images.getKey(), data.getIncludedColumns(),
                            images.getValue());
                }
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData data = event.getData();
                ReplayedTable table = replayed(data.getTableId());
                for (int i = 0; table != null && i < data.getRows().size(); i++) {
                    insertedOrDeleted(table, data.getIncludedColumns(), data.getRows().get(i), true);
                }
            }
            case PRE_GA_WRITE_ROWS, PRE_GA_UPDATE_ROWS, PRE_GA_DELETE_ROWS, PARTIAL_UPDATE_ROWS_EVENT, UNKNOWN ->
                    throw new SQLException("The binary log of " + source.dataSourceName() + " holds a " + type
                            + " event at " + header.getPosition() + ", which the catch-up cannot replay (compressed "
                            + "or partial row events: set log_bin_compress=OFF / binlog_row_value_options='')");
            default -> {
                // Transaction boundaries and positions are BinlogTransactions' business.
            }
        }
        BinlogPosition reached = transactions.after(event);
        if (reached != null) {
            advance(reached);
        }
    }

    /** A table whose changes are replayed: its latest table map and its name as MovingRows spells it. */
    private record ReplayedTable(String name, List<BinlogColumn> columns) {
    }

    /** The table of a rows event when it is one of the source database's moving tables, else null. */
    private ReplayedTable replayed(long tableId) throws SQLException {
        TableMapEventData map = tableMaps.get(tableId);
        if (map == null || !source.database().equals(map.getDatabase())) {
            return null;
        }
        String name = movingTablesByLowerName.get(map.getTable().toLowerCase(Locale.ROOT));
        return name == null ? null : new ReplayedTable(name, schema.columns(map.getTable(),
                map.getColumnTypes().length));
    }

    private Map<String, Object> row(ReplayedTable table, BitSet included, Serializable[] image) throws SQLException {
        List<BinlogColumn> columns = table.columns();
        if (included.cardinality() != columns.size()) {
            throw new SQLException("A row image of " + source.database() + "." + table.name() + " in the binary log "
                    + "of " + source.dataSourceName() + " has " + included.cardinality() + " of its " + columns.size()
                    + " columns: set binlog_row_image=FULL on the source (SET GLOBAL binlog_row_image='FULL') and "
                    + "start the reshard's catch-up again");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            BinlogColumn column = columns.get(i);
            row.put(column.name(), BinlogValues.convert(table.name(), column, image[i]));
        }
        return row;
    }

    /** The data sources a row image of the table goes to: its new owner if it moves, or every copy's. */
    private List<String> owners(ReplayedTable table, Map<String, Object> row) {
        List<String> everyRow = moving.everyRowTo(table.name());
        return everyRow.isEmpty() ? moving.newOwner(table.name(), row).map(List::of).orElse(List.of()) : everyRow;
    }

    private void insertedOrDeleted(ReplayedTable table, BitSet included, Serializable[] image, boolean deleted)
            throws SQLException {
        Map<String, Object> row = row(table, included, image);
        for (String owner : owners(table, row)) {
            if (deleted) {
                applier.delete(owner, table.name(), row);
            } else {
                applier.upsert(owner, table.name(), row);
            }
        }
    }

    private void updated(ReplayedTable table, BitSet includedBefore, Serializable[] before, BitSet includedAfter,
                         Serializable[] after) throws SQLException {
        Map<String, Object> beforeRow = row(table, includedBefore, before);
        Map<String, Object> afterRow = row(table, includedAfter, after);
        List<String> beforeOwners = owners(table, beforeRow);
        List<String> afterOwners = owners(table, afterRow);
        boolean sameKey = samePrimaryKey(table.columns(), beforeRow, afterRow);
        for (String owner : beforeOwners) {
            if (!afterOwners.contains(owner) || !sameKey) {
                applier.delete(owner, table.name(), beforeRow);
            }
        }
        for (String owner : afterOwners) {
            applier.upsert(owner, table.name(), afterRow);
        }
    }

    private static boolean samePrimaryKey(List<BinlogColumn> columns, Map<String, Object> a, Map<String, Object> b) {
        for (BinlogColumn column : columns) {
            if (column.primaryKey() && !Objects.deepEquals(a.get(column.name()), b.get(column.name()))) {
                return false;
            }
        }
        return true;
    }

    private Connection connectToSource() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", source.user());
        properties.setProperty("password", source.password() == null ? "" : source.password());
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_MILLIS));
        return DriverManager.getConnection("jdbc:mysql://" + hostForUrl() + ":" + source.port() + "/"
                + source.database(), properties);
    }

    private String hostForUrl() {
        return source.host().contains(":") ? "[" + source.host() + "]" : source.host();
    }

    private void advance(BinlogPosition reached) {
        lock.lock();
        try {
            if (!closed && failure == null && reached.compareTo(applied) >= 0) {
                applied = reached;
                progressed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void fail(Throwable e) {
        lock.lock();
        try {
            if (failure == null && !closed) {
                failure = e;
            }
            progressed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean stopped() {
        lock.lock();
        try {
            return closed || failure != null;
        } finally {
            lock.unlock();
        }
    }

    private static void disconnectQuietly(BinaryLogClient c) {
        if (c == null) {
            return;
        }
        try {
            c.disconnect();
        } catch (IOException ignored) {
            // Already failed; the failure recorded says why.
        }
    }

    /**
     * Waits until every transaction up to {@code upTo} has been applied (true), or until the bound, a failure or
     * {@link #close()} (false; see {@link #failure()}).
     */
    public boolean awaitApplied(BinlogPosition upTo, Duration bound) throws InterruptedException {
        long remaining = bound.toNanos();
        lock.lock();
        try {
            while (applied.compareTo(upTo) < 0) {
                if (failure != null || closed || remaining <= 0) {
                    return false;
                }
                remaining = progressed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The end of the last transaction applied: where a resumed catch-up starts. */
    public BinlogPosition applied() {
        lock.lock();
        try {
            return applied;
        } finally {
            lock.unlock();
        }
    }

    /** Why the replay stopped before {@link #close()}, if it did. */
    public Optional<Throwable> failure() {
        lock.lock();
        try {
            return Optional.ofNullable(failure);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the replay and disconnects; returns once the client's thread has finished the event it was applying.
     * {@link #applied()} no longer moves afterwards.
     */
    @Override
    public void close() {
        BinaryLogClient c;
        lock.lock();
        try {
            closed = true;
            c = client;
            progressed.signalAll();
        } finally {
            lock.unlock();
        }
        disconnectQuietly(c);
    }

    @Override
    public String toString() {
        return "BinlogCatchUp[" + source + " from " + start + ", applied " + applied() + "]";
    }
}
