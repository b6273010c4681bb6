package dev.shard.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time the benchmark JVM used per operation, over all its threads (the caller, scatter workers, GC, JIT):
 * {@code -prof dev.shard.bench.CpuTimeProfiler}.
 *
 * <p>Why: on a shared machine, throughput moves with whatever else runs, because the benchmark waits for a core.
 * CPU time per operation counts only the work the JVM itself did, so two builds compared on it disagree far less
 * from run to run. With engine=mariadb the server is another process and is not counted: what remains is Shard's
 * and the driver's client-side cost, which is what a change in Shard can change. It is still a measurement on a
 * shared machine (caches and frequency are shared too), so compare ratios measured in the same session.
 */
public final class CpuTimeProfiler implements InternalProfiler {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long cpuAtStart;

    @Override
    public String getDescription() {
        return "process CPU time per operation (all JVM threads)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuAtStart = OS.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        long cpu = OS.getProcessCpuTime() - cpuAtStart;
        long ops = result.getMetadata().getAllOps();
        if (ops <= 0 || cpu < 0) {
            return List.of();
        }
        return List.of(new ScalarResult("cpu.time.norm", cpu / 1000.0 / ops, "us/op", AggregationPolicy.AVG));
    }
}
