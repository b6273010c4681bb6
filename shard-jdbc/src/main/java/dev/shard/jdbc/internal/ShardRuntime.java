package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.dialect.PostgresDialect;
import dev.shard.core.internal.hash.SlotMap;
import dev.shard.core.internal.keygen.KeyGenerator;
import dev.shard.core.internal.route.Bindings;
import dev.shard.core.internal.route.Execution;
import dev.shard.core.internal.route.ExecutionBuilder;
import dev.shard.core.internal.route.KeyGeneration;
import dev.shard.core.internal.route.Route;
import dev.shard.core.internal.route.ShardMap;
import dev.shard.core.internal.route.StatementPlan;
import dev.shard.core.internal.route.RoutedStatement;
import dev.shard.core.internal.route.SqlRouter;
import dev.shard.jdbc.RouteExplanation;
import dev.shard.jdbc.StatementListener;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Everything one ShardingDataSource owns: a pool per shard and the router. Shared by its connections. */
public final class ShardRuntime implements AutoCloseable {

    private final ShardConfig config;
    /** The database kind's rules for text and values, handed to everything that needs them. */
    private final Dialect dialect;
    /** Every pool this runtime started, by data source (or replica) name; a topology uses some of them. */
    private final java.util.Map<String, HikariDataSource> pools;
    /** The replica names of each data source that has replicas ({@code ds0-replica0}, ...), in pool order. */
    private final java.util.Map<String, List<String>> replicaNames = new java.util.concurrent.ConcurrentHashMap<>();
    private final ReplicaConnections replicaConnections = new ReplicaConnections();
    /** The replicas' background health checks (made before the first topology, which needs them). */
    private final ReplicaChecks replicaChecks;
    /** The current shard set. Read once per statement (once per transaction inside one); swapped whole. */
    private final java.util.concurrent.atomic.AtomicReference<Topology> topology;
    private final ConfigRules rules;
    private final SqlRouter router;
    /** Columns of tables that INSERTs without a column list were routed by; forgotten when DDL runs. */
    private final TableColumnCache tableColumns;
    private final KeyCatalog keyCatalog;
    private final KeyCollations keyCollations;
    private final ExecutorService executor;
    /** Query deadlines and circuit-breaker probes: one daemon thread that only schedules, never waits. */
    private final java.util.concurrent.ScheduledThreadPoolExecutor timers;
    /** Cancels and aborts at a query deadline. */
    private final ShardCancels cancels;
    /** The circuit breaker of every pool, by data source name; probes run on {@link #probes}. */
    private final java.util.Map<String, ShardBreaker> breakers = new java.util.concurrent.ConcurrentHashMap<>();
    /** One probe at most per shard at a time, so as many threads as shards that are down. */
    private final ExecutorService probes = java.util.concurrent.Executors.newCachedThreadPool(daemon("shard-probe"));
    private final ScatterPacing scatterPacing;
    private volatile StatementListener listener = StatementListener.NONE;
    /** Set first thing by {@link #close()}. */
    private volatile boolean closed;
    /**
     * The logical connections that hold physical connections: closing the runtime aborts them, so that a statement
     * running on one fails at once and its pool slots are free, rather than wait on a pool that is closing.
     */
    private final java.util.Set<LogicalConnection> holding = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, KeyGenerator> keyGenerators = new java.util.HashMap<>();

    /** Keeps the topology on the stored slot map; null when the configuration stores none. */
    private final SlotMapFollower follower;
    /** This instance's side of a reshard's switch; null when the configuration stores no slot map. */
    private final ReshardSwitch reshard;

    private ShardRuntime(ShardConfig config, Dialect dialect, ConfigRules rules, StartingTopology starting) {
        this.config = config;
        this.dialect = dialect;
        this.rules = rules;
        this.pools = new java.util.concurrent.ConcurrentHashMap<>(starting.pools());
        this.topology = new java.util.concurrent.atomic.AtomicReference<>();
        TableColumnCache.ConnectionSource defaultShard = () -> {
            Topology current = topology();
            return current.borrow(current.defaultShard(), Topology.Intent.READ, QueryDeadline.NONE);
        };
        this.tableColumns = new TableColumnCache(defaultShard, dialect);
        this.keyCatalog = new KeyCatalog(defaultShard);
        this.keyCollations = new KeyCollations(keyCatalog, dialect.weightStrings());
        this.router = new SqlRouter(rules, new JSqlParserAnalyzer(dialect, config.settings().parseTimeoutMillis()),
                dialect, config.settings().parseCacheSize(), tableColumns);
        this.executor = newExecutor();
        this.replicaChecks = new ReplicaChecks(config.settings().replicas());
        config.dataSources().forEach(this::rememberReplicas);
        this.topology.set(topologyOf(starting.version(), starting.slotMap(), pools));
        this.timers = new java.util.concurrent.ScheduledThreadPoolExecutor(1, daemon("shard-timer"));
        this.timers.setRemoveOnCancelPolicy(true);
        this.cancels = new ShardCancels(daemon("shard-cancel"));
        this.scatterPacing = new ScatterPacing(config.settings().sequentialScatterBelowMicros(),
                config.settings().parseCacheSize());
        config.tables().forEach((table, rule) -> {
            if (rule.keyGenerator() != null) {
                keyGenerators.put(table, KeyGenerator.of(rule.keyGenerator(), config.settings()));
            }
        });
        this.reshard = starting.store() == null ? null
                : new ReshardSwitch(this, keyCollations, starting.store().location());
        this.follower = starting.store() == null ? null
                : SlotMapFollower.start(starting.store(), this, starting.version());
        if (reshard != null) {
            // On the timer thread, which never waits on a server: a poll stuck on a dead link cannot delay it.
            long poll = config.settings().slotMapPollMillis();
            timers.scheduleWithFixedDelay(reshard::checkLease, poll, poll, TimeUnit.MILLISECONDS);
        }
    }

    /** The key generator of a table; the planner only asks for tables that have one. */
    KeyGenerator keyGenerator(String table) throws SQLException {
        KeyGenerator generator = keyGenerators.get(table);
        if (generator == null) {
            throw new SQLException("Table " + table + " has no key generator", "HY000");
        }
        return generator;
    }

    /**
     * Threads for running one statement on several shards at once. Bounded, with no queue: when every thread is
     * busy the caller runs the shard's statement itself, so a burst of scatter queries slows down rather than
     * queueing without limit or deadlocking on a full pool. Once the runtime is closed the caller runs it too
     * (ThreadPoolExecutor.CallerRunsPolicy would drop it, and whoever waits for its result would wait forever);
     * its connection is closed by then, so it fails at once.
     */
    private static ExecutorService newExecutor() {
        // Not sized by the shard count, which can change: threads are made on demand, up to this bound.
        int threads = 64;
        return new ThreadPoolExecutor(0, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("shard-scatter"), (task, executor) -> task.run());
    }

    public void setListener(StatementListener listener) {
        this.listener = listener;
    }

    /** Tells the listener; a listener's failure must not fail the statement. */
    void notifyRouted(Execution execution) {
        StatementListener current = listener;
        if (current == StatementListener.NONE) {
            return;
        }
        try {
            current.routed(execution.routeKind(), execution.calls().size());
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ShardRuntime.class).warn("StatementListener failed", e);
        }
    }

    void notifyMerged(long rows) {
        try {
            listener.merged(rows);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ShardRuntime.class).warn("StatementListener failed", e);
        }
    }

    void notifyRefused(SQLException e) {
        try {
            listener.refused(e.getClass().getSimpleName());
        } catch (RuntimeException failure) {
            org.slf4j.LoggerFactory.getLogger(ShardRuntime.class).warn("StatementListener failed", failure);
        }
    }

    ExecutorService executor() {
        return executor;
    }

    ShardCancels cancels() {
        return cancels;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private void rememberReplicas(DataSourceConfig source) {
        if (!source.replicas().isEmpty()) {
            replicaNames.put(source.name(), source.replicas().stream().map(DataSourceConfig::name).toList());
        }
    }

    /** A version of the shard set over these pools (by name), with each shard's replicas and every breaker. */
    private Topology topologyOf(long version, SlotMap slotMap, java.util.Map<String, HikariDataSource> byName) {
        List<HikariDataSource> inOrder = slotMap.shards().stream().map(byName::get).toList();
        List<ReplicaSet> replicas = new ArrayList<>();
        for (String name : slotMap.shards()) {
            List<String> names = replicaNames.getOrDefault(name, List.of());
            List<HikariDataSource> replicaPools = names.stream().map(byName::get).toList();
            List<ShardBreaker> replicaBreakers = breakersOf(names, replicaPools);
            List<ReplicaSet.Replica> set = new ArrayList<>();
            java.util.function.BooleanSupplier primaryDown = () -> breakers.containsKey(name)
                    && breakers.get(name).isOpen();
            for (int i = 0; i < names.size(); i++) {
                set.add(new ReplicaSet.Replica(names.get(i), replicaPools.get(i), replicaBreakers.get(i),
                        replicaChecks.of(names.get(i), replicaPools.get(i), primaryDown)));
            }
            replicas.add(names.isEmpty() ? ReplicaSet.NONE
                    : new ReplicaSet(set, config.settings().replicas().readsFallBackToPrimary()));
        }
        return new Topology(version, slotMap, inOrder, breakersOf(slotMap.shards(), inOrder),
                config.defaultDataSource(), replicas, replicaConnections);
    }

    /** Starts the pool of a data source and those of its replicas, adding them to {@code started} by name. */
    static void startPools(DataSourceConfig source, java.util.Map<String, HikariDataSource> started) {
        started.put(source.name(), PoolStarter.start(source));
        for (DataSourceConfig replica : source.replicas()) {
            started.put(replica.name(), PoolStarter.start(replica));
        }
    }

    /** The breakers of these pools (one per data source name, kept across topologies). */
    private List<ShardBreaker> breakersOf(List<String> names, List<HikariDataSource> inOrder) {
        List<ShardBreaker> result = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            HikariDataSource pool = inOrder.get(i);
            result.add(breakers.computeIfAbsent(names.get(i), name -> new ShardBreaker(name, pool, this, probes)));
        }
        return result;
    }

    /** Runs {@code task} once after {@code millis}; null (and it never runs) once the runtime is closed. */
    java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long millis) {
        try {
            return timers.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            return null; // the runtime is closed: its pools abort their connections themselves
        }
    }

    ScatterPacing scatterPacing() {
        return scatterPacing;
    }

    /** Starts from the stored slot map (see {@link StartingTopology}), with a pool per data source it names. */
    public static ShardRuntime start(ShardConfig config) {
        ServerFamily.Engine engine = ServerFamily.engine(config);
        ConfigRules rules = new ConfigRules(config);
        if (engine == ServerFamily.Engine.POSTGRES) {
            RoutingWarmUp.start(config, new PostgresDialect(), rules);
            StartingTopology starting = StartingTopology.open(config);
            return new ShardRuntime(config, PostgresCollations.dialect(starting.pools()), rules, starting);
        }
        Dialect dialect = new MySqlDialect(engine == ServerFamily.Engine.MYSQL && !config.dataSources().isEmpty());
        RoutingWarmUp.start(config, dialect, rules);
        return new ShardRuntime(config, dialect, rules, StartingTopology.open(config));
    }

    /**
     * The execution for one set of values: the route against the shards, then the calls each shard receives.
     * Keys a key generator fills are made first (the generated key may be the shard key), and only when
     * {@code generateKeys}; without it a statement that needs keys routes to null (a batch asks whether an entry
     * can join a shard's batch, and entries with generated keys run on their own).
     *
     * @param anyShard the shard a read of broadcast tables runs on
     */
    Execution route(RoutedStatement routed, StatementParameters parameters, boolean generateKeys, Topology shards,
                    int anyShard) throws SQLException {
        return route(routed, parameters, generateKeys, shards, anyShard, keyCollations.over(shards));
    }

    /**
     * The execution of a statement on {@code connection}, by its topology. While nothing is announced and the
     * transaction is on the current topology, the reshard switch costs one volatile read here.
     */
    Execution route(LogicalConnection connection, RoutedStatement routed, StatementParameters parameters,
                    boolean generateKeys) throws SQLException {
        if (reshard != null && (reshard.gate() != null || connection.pin().older())
                && routed.plan().kind().isWrite()) {
            return reshard.route(connection, routed, parameters, generateKeys);
        }
        return route(routed, parameters, generateKeys, connection.topology(), connection.preferredShardForAnyOne());
    }

    /** As above, looking keys up in {@code keyMap} (the topology's slots, as {@link KeyCollations} hashes them). */
    Execution route(RoutedStatement routed, StatementParameters parameters, boolean generateKeys, Topology shards,
                    int anyShard, ShardMap keyMap) throws SQLException {
        try {
            return routeChecked(routed, parameters, generateKeys, shards, anyShard, keyMap);
        } catch (RuntimeException | StackOverflowError e) {
            throw SqlExceptions.unexpected(e, routed.sql());
        }
    }

    private Execution routeChecked(RoutedStatement routed, StatementParameters parameters, boolean generateKeys,
                                   Topology shards, int anyShard, ShardMap keyMap) throws SQLException {
        Bindings bindings = Bindings.of(routed, parameters);
        KeyGeneration generation = routed.plan() instanceof StatementPlan.ByKey byKey ? byKey.keyGeneration() : null;
        Execution.GeneratedValues keys = Execution.GeneratedValues.NONE;
        if (generation != null) {
            if (!generateKeys) {
                return null;
            }
            KeyGenerator generator = keyGenerator(generation.table());
            Object[] values = new Object[generation.rowCount()];
            for (int row = 0; row < values.length; row++) {
                values[row] = generator.next();
            }
            keys = new Execution.GeneratedValues(generation.column(), java.util.Arrays.asList(values));
            Bindings userBindings = bindings;
            int first = generation.firstParam();
            bindings = index -> index >= first ? values[index - first] : userBindings.value(index);
        }
        Route route = routed.plan().route(bindings, keyMap, routed.sql());
        return ExecutionBuilder.build(routed, route, bindings, keys, parameters.count(), anyShard,
                shards.shardCount());
    }

    /** What a statement would do with these parameter values (see {@link Explanations}). */
    public RouteExplanation explain(String sql, Object... params) throws SQLException {
        return Explanations.explain(this, sql, params);
    }

    public ShardConfig config() {
        return config;
    }

    SqlRouter router() {
        return router;
    }

    /** DDL ran through Shard: table columns read before may be wrong now. */
    void schemaChanged() {
        tableColumns.schemaChanged();
        keyCatalog.schemaChanged();
    }

    /** The types of the columns scatter queries are merged by. */
    KeyCatalog keyCatalog() {
        return keyCatalog;
    }

    Dialect dialect() {
        return dialect;
    }

    ConfigRules rules() {
        return rules;
    }

    /** The current topology: a statement reads it once and uses that one throughout. */
    Topology topology() {
        return topology.get();
    }

    /**
     * Makes a new shard set current: pools are started for data sources not seen before, and statements (and
     * transactions) that start from now on route by the new slot map. Work already running keeps the topology it
     * started with. Pools of data sources the new slot map no longer names stay open until the runtime closes,
     * since connections of running transactions may still use them.
     *
     * @param added configurations of data sources the slot map names that this runtime has no pool for yet
     */
    synchronized Topology install(SlotMap slotMap, List<DataSourceConfig> added) {
        return install(slotMap, added, topology.get().version() + 1);
    }

    /** As {@link #install(SlotMap, List)}, as version {@code version} (the stored map's). */
    synchronized Topology install(SlotMap slotMap, List<DataSourceConfig> added, long version) {
        java.util.Map<String, HikariDataSource> started = new java.util.LinkedHashMap<>();
        try {
            for (DataSourceConfig source : added) {
                if (pools.containsKey(source.name()) || started.containsKey(source.name())) {
                    throw new ShardConfigException("Data source " + source.name() + " already has a pool");
                }
                startPools(source, started);
            }
            if (!slotMap.shards().contains(config.defaultDataSource())) {
                throw new ShardConfigException("The new slot map leaves out the default data source "
                        + config.defaultDataSource() + ", where tables with no rule live");
            }
            java.util.Map<String, HikariDataSource> byName = new java.util.HashMap<>(pools);
            byName.putAll(started);
            for (String name : slotMap.shards()) {
                if (!byName.containsKey(name)) {
                    throw new ShardConfigException("The new slot map names data source " + name
                            + ", which has no configuration; pass it among the added data sources");
                }
            }
            keyCollations.checkJoining(started, config.tables()); // before any statement can route there
            added.forEach(this::rememberReplicas);
            Topology next = topologyOf(version, slotMap, byName);
            pools.putAll(started);
            topology.set(next);
            return next;
        } catch (RuntimeException e) {
            started.values().forEach(HikariDataSource::close);
            throw e;
        }
    }

    /**
     * A logical connection borrowed its first physical connection: it is aborted if the runtime closes before it
     * does. If the runtime is closing already, it is aborted now.
     */
    void track(LogicalConnection connection) {
        holding.add(connection);
        if (closed) {
            connection.dataSourceClosed();
        }
    }

    void untrack(LogicalConnection connection) {
        holding.remove(connection);
    }

    /** A new logical connection over this runtime's pools; the caller checks that the runtime is open. */
    public Connection openConnection() {
        return new LogicalConnection(this);
    }

    boolean hasPool(String name) {
        return pools.containsKey(name);
    }

    /** Where the slot map in force is stored; null with {@code settings.storeSlotMap: false}. */
    SlotMapStore slotMapStore() {
        return follower == null ? null : follower.store();
    }

    SlotMapFollower follower() {
        return follower;
    }

    /** Null when the configuration stores no slot map. */
    ReshardSwitch reshard() {
        return reshard;
    }

    /** The pool of a shard, for tests and health checks. */
    public HikariDataSource pool(String name) {
        HikariDataSource pool = pools.get(name);
        if (pool == null) {
            throw new IllegalArgumentException("No data source named " + name + "; known: " + shardNames());
        }
        return pool;
    }

    /** The replica names of a data source, in the order configured; empty when it has none. */
    public List<String> replicaNames(String dataSource) {
        return replicaNames.getOrDefault(dataSource, List.of());
    }

    /** A replica's breaker and health by name, for status reports; null parts if it has none yet. */
    ReplicaSet.Replica replica(String name) {
        return new ReplicaSet.Replica(name, pool(name), breakers.get(name), replicaChecks.get(name));
    }

    /** The data sources of the current topology, in slot-map order. */
    public List<String> shardNames() {
        return topology().names();
    }

    /**
     * Closes everything: logical connections that hold physical connections are aborted first (a statement running
     * on one fails with an SQLException saying that the data source was closed, and the pool slots are freed),
     * then the threads stop and the pools close.
     */
    @Override
    public void close() {
        closed = true;
        if (follower != null) {
            follower.close();
        }
        for (LogicalConnection connection : holding) {
            connection.dataSourceClosed();
        }
        timers.shutdownNow();
        replicaChecks.close();
        cancels.close();
        probes.shutdownNow();
        executor.shutdownNow();
        pools.values().forEach(HikariDataSource::close);
    }

    /** Read on every getConnection: a flag, not a look at each pool, so that the check allocates nothing. */
    public boolean isClosed() {
        return closed;
    }
}
