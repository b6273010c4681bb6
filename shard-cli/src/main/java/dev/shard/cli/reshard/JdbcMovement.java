package dev.shard.cli.reshard;

import dev.shard.cli.reshard.ReshardState.Checkpoint;
import dev.shard.cli.reshard.RowChunks.Row;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.TableRule;
import dev.shard.jdbc.internal.ServerFamily;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * The reshard's row work on the physical data sources: each table read in primary-key chunks, rows kept or left by
 * the slot of their sharding column (computed in Java, never in SQL), written with upserts so that any step may run
 * again after a kill. A broadcast table is copied and verified whole, from the plan's
 * {@link ReshardPlan#broadcastSource()} to each data source the target adds.
 */
final class JdbcMovement implements Movement {

    private final ShardConfig config;
    private final Databases databases;
    private final ReshardOptions options;
    private final SchemaPreparation schema;
    private final Map<String, TableShape> shapes = new ConcurrentHashMap<>();
    /** PostgreSQL data sources: their catalog gives the row estimates. */
    private final boolean postgres;

    /** The tables of the current schema with their row estimates (reltuples is -1 until the first ANALYZE). */
    private static final String POSTGRES_ESTIMATES = "SELECT c.relname, CASE WHEN c.reltuples >= 0"
            + " THEN c.reltuples::bigint ELSE COALESCE(s.n_live_tup, 0) END FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid"
            + " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')";

    JdbcMovement(ShardConfig config, Databases databases, ReshardOptions options) {
        this.config = config;
        this.postgres = ServerFamily.isPostgres(config);
        this.databases = databases;
        this.options = options;
        this.schema = new SchemaPreparation(config, databases, options.locations());
    }

    @Override
    public List<String> tables() {
        return config.tables().values().stream().map(TableRule::table).toList();
    }

    @Override
    public List<String> broadcastTables() {
        return List.copyOf(config.broadcastTables());
    }

    /** The table's shape on the data source, read once; null when the table is not there (yet: asked again). */
    TableShape shape(String dataSource, String table) throws SQLException {
        String item = dataSource + "/" + table.toLowerCase(Locale.ROOT);
        TableShape known = shapes.get(item);
        if (known == null) {
            try (Connection c = databases.get(dataSource).getConnection()) {
                known = TableShape.read(c, table, config.isBroadcast(table) ? null
                        : config.tableRule(table).shardingColumn());
            }
            if (known != null) {
                shapes.put(item, known);
            }
        }
        return known;
    }

    @Override
    public List<String> problems(ReshardPlan plan) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (String source : plan.sources()) {
            List<String> copied = new ArrayList<>(tables());
            if (source.equals(plan.broadcastSource())) {
                copied.addAll(broadcastTables());
            }
            for (String table : copied) {
                TableShape shape = shape(source, table);
                if (shape != null && shape.key().isEmpty()) {
                    problems.add("table " + shape.name() + " on data source " + source + " has no primary key: the"
                            + " reshard copies, verifies and applies captured changes by primary key"
                            + (config.isBroadcast(table) ? " (a broadcast table, when the reshard adds a data"
                            + " source)" : "") + "; add one (ALTER TABLE " + shape.name()
                            + " ADD PRIMARY KEY (...)) on every data source");
                }
            }
        }
        for (String target : plan.targets()) {
            try (Connection c = databases.get(target).getConnection()) {
                Objects.requireNonNull(c);
            } catch (SQLException e) {
                problems.add("data source " + target + " receives slots but cannot be reached: " + e.getMessage());
            }
        }
        return problems;
    }

    @Override
    public List<Estimate> estimate(ReshardPlan plan) throws SQLException {
        List<Estimate> estimates = new ArrayList<>();
        for (String source : plan.sources()) {
            double leaving = (double) plan.slotsLeaving(source) / Math.max(1, plan.slotsBefore(source));
            Map<String, Long> rows = tableRows(source);
            for (String table : tables()) {
                long count = rows.getOrDefault(table.toLowerCase(Locale.ROOT), 0L);
                estimates.add(new Estimate(source, table, count, Math.round(count * leaving)));
            }
            if (source.equals(plan.broadcastSource())) {
                for (String table : broadcastTables()) {
                    long count = rows.getOrDefault(table.toLowerCase(Locale.ROOT), 0L);
                    estimates.add(new Estimate(source, table, count, count));
                }
            }
        }
        return estimates;
    }

    /**
     * The catalog's row estimates, by lower-case table name: information_schema's on MySQL (InnoDB samples: they may
     * be off by tens of percent), on PostgreSQL {@code pg_class.reltuples} (as of the last VACUUM or ANALYZE), or
     * the statistics' live rows for a table never analysed.
     */
    Map<String, Long> tableRows(String dataSource) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Connection c = databases.get(dataSource).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(postgres ? POSTGRES_ESTIMATES : "SELECT TABLE_NAME, TABLE_ROWS FROM"
                     + " information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")) {
            while (rs.next()) {
                rows.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getLong(2));
            }
        }
        return rows;
    }

    @Override
    public void prepare(ReshardPlan plan) throws SQLException {
        schema.prepare(plan, tables());
    }

    @Override
    public Checkpoint copy(ReshardPlan plan, Checkpoint from, ChunkListener listener)
            throws SQLException, InterruptedException {
        String source = from.dataSource();
        TableShape shape = shape(source, from.table());
        if (shape == null) {
            return new Checkpoint(source, from.table(), null, 0, true);
        }
        Throttle throttle = new Throttle(options.maxRowsPerSecond());
        List<Object> after = from.lastKey() == null ? null : KeyBounds.decode(from.lastKey());
        long copied = from.rows();
        Map<String, Connection> targets = new LinkedHashMap<>();
        if (after == null && config.isBroadcast(shape.name())) {
            // A copy from the start: rows an earlier, aborted reshard left on an added data source go first.
            for (String target : plan.addedDataSources()) {
                deleteWhere(target, shape.name(), null);
            }
        }
        try (Connection read = databases.get(source).getConnection()) {
            while (true) {
                List<Row> chunk = RowChunks.read(read, shape, after, null, options.chunkRows());
                if (chunk.isEmpty()) {
                    return new Checkpoint(source, from.table(), after == null ? null : KeyBounds.encode(after),
                            copied, true);
                }
                Map<String, List<Row>> byTarget = destinations(plan, source, shape, chunk);
                int moved = 0;
                for (Map.Entry<String, List<Row>> entry : byTarget.entrySet()) {
                    Connection target = targets.get(entry.getKey());
                    if (target == null) {
                        target = writer(entry.getKey());
                        targets.put(entry.getKey(), target);
                    }
                    RowChunks.upsert(target, shape, entry.getValue());
                    moved += entry.getValue().size();
                }
                after = chunk.get(chunk.size() - 1).key();
                copied += moved;
                Checkpoint reached = new Checkpoint(source, from.table(), KeyBounds.encode(after), copied, false);
                listener.copied(reached, chunk.size(), moved);
                throttle.acquire(chunk.size());
            }
        } finally {
            for (Connection target : targets.values()) {
                target.close();
            }
        }
    }

    /** A connection for writing copies: rows arrive in key order, not in foreign-key order. */
    private Connection writer(String dataSource) throws SQLException {
        Connection c = databases.get(dataSource).getConnection();
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            SqlDialect.of(c).skipForeignKeyChecks(s);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * The rows of the chunk that leave {@code source}, by their new owner; for a broadcast table, every row, to every
     * data source the target adds.
     */
    private Map<String, List<Row>> destinations(ReshardPlan plan, String source, TableShape shape, List<Row> chunk) {
        Map<String, List<Row>> byTarget = new LinkedHashMap<>();
        if (config.isBroadcast(shape.name())) {
            plan.addedDataSources().forEach(target -> byTarget.put(target, chunk));
            return byTarget;
        }
        for (Row row : chunk) {
            if (row.slot() >= 0 && plan.moves(row.slot()) && plan.ownerBefore(row.slot()).equals(source)) {
                byTarget.computeIfAbsent(plan.ownerAfter(row.slot()), t -> new ArrayList<>()).add(row);
            }
        }
        return byTarget;
    }

    @Override
    public List<DifferingChunk> verify(ReshardPlan plan, List<DifferingChunk> recheck)
            throws SQLException, InterruptedException {
        List<DifferingChunk> differing = new ArrayList<>();
        if (recheck != null) {
            for (DifferingChunk chunk : recheck) {
                TableShape shape = shape(chunk.source(), chunk.table());
                List<Row> rows;
                try (Connection read = databases.get(chunk.source()).getConnection()) {
                    rows = RowChunks.read(read, shape, chunk.after(), chunk.upTo(), 0);
                }
                compare(plan, chunk.source(), chunk.table(), shape, chunk.after(), chunk.upTo(), rows)
                        .ifPresent(differing::add);
            }
            return differing;
        }
        // The full pass reads every row of the sources, as the copy does: the same throttle spares them.
        Throttle throttle = new Throttle(options.maxRowsPerSecond());
        for (String source : plan.sources()) {
            List<String> compared = new ArrayList<>(tables());
            if (source.equals(plan.broadcastSource())) {
                compared.addAll(broadcastTables());
            }
            for (String table : compared) {
                TableShape shape = shape(source, table);
                if (shape == null) {
                    continue;
                }
                List<Object> after = null;
                while (true) {
                    List<Row> chunk;
                    try (Connection read = databases.get(source).getConnection()) {
                        chunk = RowChunks.read(read, shape, after, null, options.chunkRows());
                    }
                    boolean last = chunk.size() < options.chunkRows();
                    // The last range is open above, so that rows on a target past the source's last key count too.
                    List<Object> upTo = last ? null : chunk.get(chunk.size() - 1).key();
                    compare(plan, source, table, shape, after, upTo, chunk).ifPresent(differing::add);
                    throttle.acquire(chunk.size());
                    if (last) {
                        break;
                    }
                    after = upTo;
                }
            }
        }
        return differing;
    }

    /**
     * The moving rows of one key range on the source against the same range on each of its targets (a broadcast
     * table's rows against the same range on each added data source).
     */
    private Optional<DifferingChunk> compare(ReshardPlan plan, String source, String table, TableShape shape,
                                             List<Object> after, List<Object> upTo, List<Row> sourceRows)
            throws SQLException {
        boolean broadcast = config.isBroadcast(table);
        Map<String, List<Row>> expected = destinations(plan, source, shape, sourceRows);
        List<Difference> differences = new ArrayList<>();
        for (String target : broadcast ? plan.addedDataSources() : plan.targetsOf(source)) {
            List<Row> actual;
            try (Connection read = databases.get(target).getConnection()) {
                actual = RowChunks.read(read, shape, after, upTo, 0);
            }
            Map<String, Row> want = byKey(expected.getOrDefault(target, List.of()));
            Map<String, Row> have = new LinkedHashMap<>();
            for (Row row : actual) {
                if (broadcast || row.slot() >= 0 && plan.ownerBefore(row.slot()).equals(source)
                        && plan.ownerAfter(row.slot()).equals(target)) {
                    have.put(row.keyText(), row);
                }
            }
            // The checksum of the chunk first: equal is the common case, and the row diff only explains.
            if (checksum(want).equals(checksum(have))) {
                continue;
            }
            want.forEach((key, row) -> {
                Row there = have.get(key);
                if (there == null) {
                    differences.add(new Difference(source, target, table, key, "missing on " + target));
                } else if (!there.encoding().equals(row.encoding())) {
                    differences.add(new Difference(source, target, table, key, "differs on " + target + " ("
                            + firstDifference(shape, row, there) + ")"));
                }
            });
            have.keySet().stream().filter(key -> !want.containsKey(key)).forEach(key -> differences.add(
                    new Difference(source, target, table, key, "on " + target + " but not on " + source)));
        }
        return differences.isEmpty() ? Optional.empty()
                : Optional.of(new DifferingChunk(source, table, after, upTo, List.copyOf(differences)));
    }

    private static Map<String, Row> byKey(List<Row> rows) {
        Map<String, Row> result = new LinkedHashMap<>();
        rows.forEach(row -> result.put(row.keyText(), row));
        return result;
    }

    /** A digest of the rows' canonical encodings in key order. */
    private static String checksum(Map<String, Row> rows) {
        java.security.MessageDigest digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (Row row : rows.values()) {
            digest.update(row.encoding().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    private static String firstDifference(TableShape shape, Row expected, Row actual) {
        for (int i = 0; i < expected.values().length; i++) {
            String want = expected.values()[i] == null ? "NULL" : RowChunks.text(expected.values()[i]);
            String have = actual.values()[i] == null ? "NULL" : RowChunks.text(actual.values()[i]);
            if (!want.equals(have)) {
                return shape.columns().get(i) + " is " + have + ", expected " + want;
            }
        }
        return "same values";
    }

    @Override
    public long deleteMoved(ReshardPlan plan, String source, String table)
            throws SQLException, InterruptedException {
        return deleteWhere(source, table, slot -> plan.ownerBefore(slot).equals(source)
                && !plan.ownerAfter(slot).equals(source));
    }

    @Override
    public long deleteCopies(ReshardPlan plan, String target, String table)
            throws SQLException, InterruptedException {
        return deleteWhere(target, table, slot -> plan.ownerAfter(slot).equals(target)
                && !plan.ownerBefore(slot).equals(target));
    }

    /** Deletes, in key chunks, the table's rows whose slot matches (every row when null); a rescan is safe. */
    private long deleteWhere(String dataSource, String table, IntPredicate slots)
            throws SQLException, InterruptedException {
        TableShape shape = shape(dataSource, table);
        if (shape == null) {
            return 0;
        }
        Throttle throttle = new Throttle(options.maxRowsPerSecond());
        long deleted = 0;
        List<Object> after = null;
        try (Connection c = writer(dataSource)) {
            while (true) {
                List<Row> chunk = RowChunks.read(c, shape, after, null, options.chunkRows());
                if (chunk.isEmpty()) {
                    return deleted;
                }
                List<List<Object>> keys = chunk.stream().filter(row -> slots == null
                        || row.slot() >= 0 && slots.test(row.slot()))
                        .map(Row::key).toList();
                deleted += RowChunks.delete(c, shape, keys);
                after = chunk.get(chunk.size() - 1).key();
                throttle.acquire(chunk.size());
            }
        }
    }

    /** Exact row counts of the sharded tables on one data source, for status. */
    Map<String, Long> countRows(String dataSource) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = databases.get(dataSource).getConnection(); Statement s = c.createStatement()) {
            for (String table : tables()) {
                TableShape shape = shape(dataSource, table);
                if (shape != null) {
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + shape.quotedName())) {
                        rs.next();
                        counts.put(table, rs.getLong(1));
                    }
                }
            }
        }
        return counts;
    }

    static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = " + SqlDialect.of(c).currentSchema() + " AND LOWER(TABLE_NAME) = ?")) {
            s.setString(1, table.toLowerCase(Locale.ROOT));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
