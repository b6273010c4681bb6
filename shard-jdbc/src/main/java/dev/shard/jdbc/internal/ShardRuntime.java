package dev.shard.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.ProxyConnection;
import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import dev.shard.core.config.ShardConfigException;
import dev.shard.core.internal.keygen.KeyGenerator;
import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.route.Bindings;
import dev.shard.core.internal.route.InsertRows;
import dev.shard.core.internal.route.MergePlanner;
import dev.shard.core.internal.route.Route;
import dev.shard.core.internal.route.StatementPlan;
import dev.shard.core.internal.sql.MergeSpec;
import dev.shard.core.internal.sql.ScatterSelect;
import dev.shard.core.internal.sql.StatementKind;
import dev.shard.core.internal.route.RoutedStatement;
import dev.shard.core.internal.route.SqlRouter;
import dev.shard.core.internal.sql.ParamSource;
import dev.shard.jdbc.RouteExplanation;
import dev.shard.jdbc.StatementListener;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Everything one ShardingDataSource owns: a pool per shard and the router. Shared by its connections. */
public final class ShardRuntime implements AutoCloseable {

    private final ShardConfig config;
    private final List<String> shardNames;
    private final HikariDataSource[] pools;
    private final ConfigRules rules;
    private final SqlRouter router;
    private final ExecutorService executor;
    private final ScatterPacing scatterPacing;
    private volatile StatementListener listener = StatementListener.NONE;
    private final java.util.Map<String, KeyGenerator> keyGenerators = new java.util.HashMap<>();

    private ShardRuntime(ShardConfig config, ConfigRules rules, HikariDataSource[] pools) {
        this.config = config;
        this.rules = rules;
        this.shardNames = rules.shardNames();
        this.pools = pools;
        this.router = new SqlRouter(rules, new JSqlParserAnalyzer(config.settings().parseTimeoutMillis()),
                config.settings().parseCacheSize());
        this.executor = newExecutor(pools.length);
        this.scatterPacing = new ScatterPacing(config.settings().sequentialScatterBelowMicros(),
                config.settings().parseCacheSize());
        config.tables().forEach((table, rule) -> {
            if (rule.keyGenerator() != null) {
                keyGenerators.put(table, KeyGenerator.of(rule.keyGenerator(), config.settings()));
            }
        });
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
     * queueing without limit or deadlocking on a full pool.
     */
    private static ExecutorService newExecutor(int shards) {
        int threads = Math.max(2, Math.min(64, 4 * shards));
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "shard-scatter-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        return pool;
    }

    public void setListener(StatementListener listener) {
        this.listener = listener;
    }

    /** Tells the listener; a listener's failure must not fail the statement. */
    void notifyRouted(Route route) {
        StatementListener current = listener;
        if (current == StatementListener.NONE) {
            return;
        }
        int shards;
        if (route instanceof Route.Scatter scatter) {
            shards = scatter.shards().length;
        } else if (route instanceof Route.InsertSplit split) {
            shards = split.shards().length;
        } else if (route instanceof Route.All) {
            shards = shardNames.size();
        } else {
            shards = 1;
        }
        try {
            current.routed(route.kind(), shards);
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

    ScatterPacing scatterPacing() {
        return scatterPacing;
    }

    /**
     * Starts one pool per data source. If any pool cannot start, the ones already started are closed again, so a
     * failed start leaks nothing.
     */
    public static ShardRuntime start(ShardConfig config) {
        ConfigRules rules = new ConfigRules(config);
        warmUpRouting(config, rules);
        List<String> names = rules.shardNames();
        HikariDataSource[] pools = new HikariDataSource[names.size()];
        try {
            for (int i = 0; i < names.size(); i++) {
                pools[i] = startPool(config.dataSource(names.get(i)));
            }
        } catch (RuntimeException e) {
            for (HikariDataSource pool : pools) {
                if (pool != null) {
                    pool.close();
                }
            }
            throw e;
        }
        return new ShardRuntime(config, rules, pools);
    }

    /**
     * The first statement JSqlParser parses, and the first our analysis and rewrite see, cost about 150 ms of class
     * loading and interpretation. Routing two statements of the configuration's own tables on a throwaway router
     * (no cache: nothing it does is kept) moves that cost beside the pools' start, which mostly waits on the
     * network, instead of into the application's first request.
     */
    private static void warmUpRouting(ShardConfig config, ConfigRules rules) {
        Thread warmUp = new Thread(() -> {
            SqlRouter router = new SqlRouter(rules, new JSqlParserAnalyzer(config.settings().parseTimeoutMillis()), 0);
            List<String> statements = new ArrayList<>();
            config.tables().entrySet().stream().findFirst().ifPresentOrElse(table -> {
                String name = table.getKey();
                String column = table.getValue().shardingColumn();
                statements.add("SELECT " + column + " FROM " + name + " WHERE " + column + " = ?");
                statements.add("SELECT " + column + ", COUNT(*) FROM " + name + " GROUP BY " + column
                        + " ORDER BY " + column + " LIMIT 10");
            }, () -> statements.add("SELECT 1"));
            for (String sql : statements) {
                try {
                    router.prepare(sql);
                } catch (SQLException | RuntimeException ignored) {
                    // Only a warm-up: the application's own statements report their own problems.
                }
            }
        }, "shard-routing-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private static HikariDataSource startPool(DataSourceConfig source) {
        Properties properties = new Properties();
        properties.putAll(source.poolProperties());
        properties.putIfAbsent("poolName", "shard-" + source.name());
        Redaction redaction = Redaction.of(source);
        HikariConfig hikari;
        try {
            hikari = new HikariConfig(properties);
        } catch (RuntimeException e) {
            throw invalidSetting(source, properties, redaction, e);
        }
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new ShardConfigException("Data source " + source.name() + " (" + source.maskedJdbcUrl()
                    + "): cannot start its connection pool: " + redaction.apply(rootMessage(e)),
                    redaction.apply(e));
        }
    }

    /**
     * HikariCP names an unknown property, but for a value it cannot convert it only says "For input string: ..."
     * without the property; setting the properties one at a time finds the one to name.
     */
    private static ShardConfigException invalidSetting(DataSourceConfig source, Properties properties,
                                                       Redaction redaction, RuntimeException e) {
        for (String key : properties.stringPropertyNames()) {
            Properties single = new Properties();
            single.setProperty(key, properties.getProperty(key));
            try {
                new HikariConfig(single);
            } catch (RuntimeException culprit) {
                String reason = Redaction.isSecretKey(key) ? "value refused" : redaction.apply(rootMessage(culprit));
                return new ShardConfigException("Data source " + source.name() + ": invalid pool setting '" + key
                        + "': " + reason + " (see HikariCP's configuration properties)", redaction.apply(e));
            }
        }
        return new ShardConfigException("Data source " + source.name() + ": invalid pool setting: "
                + redaction.apply(rootMessage(e)) + " (see HikariCP's configuration properties)", redaction.apply(e));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public RouteExplanation explain(String sql, Object... params) throws SQLException {
        RoutedStatement routed = router.prepare(sql);
        List<ParamSource> sources = routed.normalized().params();
        Bindings bindings = index -> {
            ParamSource source = sources.get(index);
            if (source instanceof ParamSource.UserParameter user) {
                if (user.userIndex() > params.length) {
                    throw new SQLException("Parameter " + user.userIndex() + " is not given: " + sql, "07001");
                }
                return params[user.userIndex() - 1];
            }
            return ((ParamSource.Literal) source).value();
        };
        Route route = routed.plan().route(bindings, sql);
        List<Integer> targets = new ArrayList<>();
        if (route instanceof Route.Single single) {
            targets.add(single.shard());
        } else if (route instanceof Route.Default byDefault) {
            targets.add(byDefault.shard());
        } else if (route instanceof Route.Scatter scatter) {
            for (int shard : scatter.shards()) {
                targets.add(shard);
            }
        } else if (route instanceof Route.InsertSplit split) {
            for (int shard : split.shards()) {
                targets.add(shard);
            }
        } else {
            for (int i = 0; i < shardNames.size(); i++) {
                targets.add(i);
            }
        }
        List<RouteExplanation.ShardQuery> queries = new ArrayList<>();
        String merge = "";
        if (route instanceof Route.InsertSplit split) {
            InsertRows rows = ((StatementPlan.ByKey) routed.plan()).insertRows();
            for (int shard : targets) {
                List<Object> values = new ArrayList<>();
                for (int param : rows.paramsFor(split.rowsOf(shard))) {
                    values.add(bindings.value(param));
                }
                queries.add(new RouteExplanation.ShardQuery(shardName(shard), rows.sqlFor(split.rowsOf(shard)),
                        values));
            }
        } else if (route instanceof Route.Scatter scatter) {
            ScatterSelect select = routed.plan() instanceof StatementPlan.ByKey byKey ? byKey.scatter() : null;
            for (int shard : targets) {
                List<Object> values = new ArrayList<>();
                if (select != null && routed.plan().kind() == StatementKind.SELECT) {
                    for (ScatterSelect.ShardParam param : select.shardParams()) {
                        if (param instanceof ScatterSelect.ShardParam.FromTemplate template) {
                            values.add(scatter.prunes(shard, template.index()) ? null
                                    : bindings.value(template.index()));
                        } else {
                            ScatterSelect.ShardParam.LimitSum sum = (ScatterSelect.ShardParam.LimitSum) param;
                            values.add((sum.offset() == null ? 0 : MergePlanner.number(sum.offset(), bindings, "offset"))
                                    + MergePlanner.number(sum.count(), bindings, "row count"));
                        }
                    }
                    queries.add(new RouteExplanation.ShardQuery(shardName(shard), select.shardSql(), values));
                } else {
                    for (int i = 0; i < sources.size(); i++) {
                        values.add(scatter.prunes(shard, i) ? null : bindings.value(i));
                    }
                    queries.add(new RouteExplanation.ShardQuery(shardName(shard), routed.normalized().template(),
                            values));
                }
            }
            if (select != null && routed.plan().kind() == StatementKind.SELECT) {
                merge = describeMerge(select.merge(), bindings, targets.size());
            }
        } else {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                if (sources.get(i) instanceof ParamSource.UserParameter) {
                    // Through the bindings, which check the index: a value not given (routing may not have needed
                    // it) is an SQLException naming it, not an ArrayIndexOutOfBoundsException.
                    values.add(bindings.value(i));
                }
            }
            for (int shard : targets) {
                queries.add(new RouteExplanation.ShardQuery(shardName(shard), sql, values));
            }
        }
        List<String> names = targets.stream().map(this::shardName).toList();
        return new RouteExplanation(route.kind(), names, routed.normalized().template(), queries, merge);
    }

    /**
     * The merge plan as it would run. Collations are only known from the shards' result metadata, so explain
     * shows every column as binary; with SELECT *, the column count is a placeholder too.
     */
    private static String describeMerge(MergeSpec spec, Bindings bindings, int shards) throws SQLException {
        int user = spec.userColumns() >= 0 ? spec.userColumns() : 1;
        List<ColumnInfo> columns = new ArrayList<>();
        for (int i = 0; i < user + spec.derivedColumns(); i++) {
            columns.add(ColumnInfo.PLAIN);
        }
        return MergePlanner.plan(spec, columns, bindings, 0).describe(shards).stripTrailing();
    }

    public ShardConfig config() {
        return config;
    }

    SqlRouter router() {
        return router;
    }

    ConfigRules rules() {
        return rules;
    }

    int shardCount() {
        return pools.length;
    }

    String shardName(int shard) {
        return shardNames.get(shard);
    }

    int defaultShard() {
        return rules.defaultShard();
    }

    Connection borrow(int shard) throws SQLException {
        try {
            return pools[shard].getConnection();
        } catch (SQLException e) {
            // Same kind (HikariCP's pool timeout is an SQLTransientConnectionException, which callers may retry).
            throw SqlExceptions.withMessage(e, "Cannot get a connection to shard " + shardName(shard) + ": "
                    + e.getMessage());
        }
    }

    /**
     * Takes a physical connection out of its pool for good: it is broken, or a commit or rollback on it failed and
     * its transaction state is unknown, so it must not be handed out again. Evicting closes the driver's
     * connection, which makes the server roll back whatever it had not committed.
     */
    void discard(int shard, Connection connection) {
        HikariDataSource pool = pools[shard];
        if (connection instanceof ProxyConnection && !pool.isClosed()) {
            // Not close(): that would roll back on a possibly dead link and return the connection to the pool.
            pool.evictConnection(connection);
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing is all that is left to do with it; the failure that led here is what gets reported.
        }
    }

    /** A new logical connection over this runtime's pools; the caller checks that the runtime is open. */
    public Connection openConnection() {
        return new LogicalConnection(this);
    }

    /** The pool of a shard, for tests and health checks. */
    public HikariDataSource pool(String name) {
        int index = shardNames.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("No data source named " + name + "; known: " + shardNames);
        }
        return pools[index];
    }

    public List<String> shardNames() {
        return shardNames;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        for (HikariDataSource pool : pools) {
            pool.close();
        }
    }

    public boolean isClosed() {
        return pools.length > 0 && pools[0].isClosed();
    }
}
