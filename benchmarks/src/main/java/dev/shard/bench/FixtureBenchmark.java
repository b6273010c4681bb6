package dev.shard.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the benchmarks over a {@link Fixture} share, so that they measure alike: operations per second in one fork
 * with a 1 GB heap, after 2 warm-up iterations of 2 s, over 3 of 3 s; and the fixture, which each benchmark's set-up
 * builds and which is closed after the trial with what was handed to {@link Fixture#closeLater} (JMH reads these
 * annotations, fields and methods from the superclass too). Each benchmark declares its own parameters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public abstract class FixtureBenchmark {

    Fixture fixture;

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fixture.close();
    }
}
