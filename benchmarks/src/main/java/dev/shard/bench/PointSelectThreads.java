package dev.shard.bench;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** 8. Point selects (as in {@link Workloads#pointSelect()}) from 1, 2 and 4 threads sharing the data source. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PointSelectThreads {

    @Param({"h2", "mariadb"})
    public String engine;

    @Param({"direct", "shard", "shardingsphere"})
    public String target;

    Fixture fixture;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new Fixture(engine, target);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fixture.close();
    }

    @Benchmark
    @Threads(1)
    public long threads1() throws SQLException {
        return Workloads.pointSelect(fixture, Workloads.randomUser());
    }

    @Benchmark
    @Threads(2)
    public long threads2() throws SQLException {
        return Workloads.pointSelect(fixture, Workloads.randomUser());
    }

    @Benchmark
    @Threads(4)
    public long threads4() throws SQLException {
        return Workloads.pointSelect(fixture, Workloads.randomUser());
    }
}
