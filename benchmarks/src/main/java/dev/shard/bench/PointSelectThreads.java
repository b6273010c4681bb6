package dev.shard.bench;

import java.sql.SQLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Threads;

/** 8. Point selects (as in {@link Workloads#pointSelect()}) from 1, 2 and 4 threads sharing the data source. */
public class PointSelectThreads extends FixtureBenchmark {

    @Param({"h2", "mariadb"})
    public String engine;

    @Param({"direct", "shard", "shardingsphere"})
    public String target;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new Fixture(engine, target);
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
