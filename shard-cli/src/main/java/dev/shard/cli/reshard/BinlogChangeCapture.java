package dev.shard.cli.reshard;

import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@link ChangeCapture} over {@link BinlogCatchUp}: one binlog client per source, applying the changes of rows in
 * slots that leave that source to their new owners ({@link JdbcChangeApplier}). A row's new owner is decided by
 * the slot of its sharding column, computed as the copy computes it ({@link TableShape#slotOf}). The follower of
 * the plan's {@link ReshardPlan#broadcastSource()} also applies every change of the broadcast tables to each data
 * source the target adds, which no instance writes before the switch.
 */
final class BinlogChangeCapture implements ChangeCapture {

    private final ShardConfig config;
    private final Databases databases;
    private final JdbcMovement movement;
    private final long firstServerId;

    /**
     * @param firstServerId the binlog client server id of the first source; each other source takes the next one,
     *                      since two clients with one id on the same server cut each other's stream
     */
    BinlogChangeCapture(ShardConfig config, Databases databases, JdbcMovement movement, long firstServerId) {
        this.config = config;
        this.databases = databases;
        this.movement = movement;
        this.firstServerId = firstServerId;
    }

    @Override
    public List<String> prerequisites(String dataSource) throws SQLException {
        try (Connection c = databases.get(dataSource).getConnection()) {
            return BinlogCatchUp.prerequisites(c);
        }
    }

    @Override
    public LogPosition position(String dataSource) throws SQLException {
        try (Connection c = databases.get(dataSource).getConnection()) {
            BinlogPosition position = BinlogCatchUp.currentPosition(c);
            return new LogPosition(position.file(), position.position(), position.gtidSet());
        }
    }

    @Override
    public Follower follow(String dataSource, LogPosition start, ReshardPlan plan) throws SQLException {
        DataSourceConfig source = config.dataSource(dataSource);
        Map<String, String> properties = source.poolProperties();
        String user = properties.getOrDefault("username", properties.getOrDefault("dataSource.user", "root"));
        String password = properties.getOrDefault("password", properties.get("dataSource.password"));
        BinlogSource binlog = BinlogSource.fromJdbcUrl(dataSource, source.jdbcUrl(), user, password);
        Map<String, DataSource> targets = new LinkedHashMap<>();
        for (String target : plan.targetsOf(dataSource)) {
            targets.put(target, databases.get(target));
        }
        if (dataSource.equals(plan.broadcastSource())) {
            for (String added : plan.addedDataSources()) {
                targets.put(added, databases.get(added));
            }
        }
        long serverId = firstServerId + Math.max(0, plan.sources().indexOf(dataSource));
        BinlogCatchUp catchUp = new BinlogCatchUp(binlog, new BinlogPosition(start.file(), start.position(),
                start.gtidSet()), moving(dataSource, plan), new JdbcChangeApplier(targets), serverId);
        try {
            catchUp.start();
        } catch (IOException e) {
            catchUp.close();
            throw new SQLException("catch-up: cannot read the binary log of " + dataSource + " (" + binlog + "): "
                    + e.getMessage(), "08001", e);
        }
        return new Follower() {
            @Override
            public boolean awaitApplied(LogPosition upTo, Duration bound) throws InterruptedException {
                return catchUp.awaitApplied(new BinlogPosition(upTo.file(), upTo.position(), upTo.gtidSet()), bound);
            }

            @Override
            public LogPosition applied() {
                BinlogPosition applied = catchUp.applied();
                return new LogPosition(applied.file(), applied.position(), applied.gtidSet());
            }

            @Override
            public Optional<Throwable> failure() {
                return catchUp.failure();
            }

            @Override
            public void close() {
                catchUp.close();
            }
        };
    }

    /**
     * The rows of {@code dataSource} whose slot leaves it, by their new owner; on the plan's broadcast source, also
     * every row of the broadcast tables, to each data source the target adds.
     */
    private MovingRows moving(String dataSource, ReshardPlan plan) throws SQLException {
        Map<String, TableShape> shapes = new LinkedHashMap<>();
        for (String table : movement.tables()) {
            TableShape shape = movement.shape(dataSource, table);
            if (shape != null) {
                shapes.put(shape.name().toLowerCase(Locale.ROOT), shape);
            }
        }
        Set<String> tables = new LinkedHashSet<>();
        shapes.values().forEach(shape -> tables.add(shape.name()));
        Set<String> broadcast = new LinkedHashSet<>();
        if (dataSource.equals(plan.broadcastSource())) {
            for (String table : movement.broadcastTables()) {
                TableShape shape = movement.shape(dataSource, table);
                if (shape != null) {
                    broadcast.add(shape.name().toLowerCase(Locale.ROOT));
                    tables.add(shape.name());
                }
            }
        }
        return new MovingRows() {
            @Override
            public List<String> everyRowTo(String table) {
                return broadcast.contains(table.toLowerCase(Locale.ROOT)) ? plan.addedDataSources() : List.of();
            }

            @Override
            public Optional<String> newOwner(String table, Map<String, Object> row) {
                TableShape shape = shapes.get(table.toLowerCase(Locale.ROOT));
                if (shape == null) {
                    return Optional.empty();
                }
                Object key = row.get(shape.shardingColumn());
                if (key == null) {
                    for (Map.Entry<String, Object> column : row.entrySet()) {
                        if (column.getKey().equalsIgnoreCase(shape.shardingColumn())) {
                            key = column.getValue();
                        }
                    }
                }
                if (key == null) {
                    return Optional.empty();
                }
                int slot = shape.slotOf(key);
                return plan.moves(slot) && plan.ownerBefore(slot).equals(dataSource)
                        ? Optional.of(plan.ownerAfter(slot)) : Optional.empty();
            }

            @Override
            public Set<String> tables() {
                return tables;
            }
        };
    }
}
