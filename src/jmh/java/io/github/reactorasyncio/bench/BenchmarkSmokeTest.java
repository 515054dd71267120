package io.github.reactorasyncio.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reactorasyncio.http.MonoMergeCpuTime;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Keeps the benchmarks from rotting inside {@code mvn verify}: one short measured iteration of every benchmark and
 * every parameter combination, in this JVM (forks 0, no warm-up), the largest cancellation-storm queues left out.
 * It checks that each benchmark ran and produced a score; the numbers themselves mean nothing here (see
 * docs/performance.md for the real run).
 */
class BenchmarkSmokeTest {

    @Test
    @Timeout(120)
    void everyBenchmarkRunsOnce() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(getClass().getPackageName() + "\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .param("queued", "1000")
                .verbosity(VerboseMode.SILENT)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        Set<String> ran = new TreeSet<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            assertThat(result.getPrimaryResult().getScore()).as(benchmark).isPositive().isFinite();
            ran.add(benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1));
        }
        assertThat(ran).containsExactlyInAnyOrder(
                "FastPathBenchmark.bare", "FastPathBenchmark.withPermit", "FastPathBenchmark.resilience4jBulkhead",
                "FastPathBenchmark.jdkSemaphore", "FastPathBenchmark.reactorPool",
                "ContentionBenchmark.withPermit", "ContentionBenchmark.reactorPool", "ContentionBenchmark.flatMapBaseline",
                "ContentionBenchmark.flatMapUnlimitedControl",
                "BlockingPeersBenchmark.resilience4jBulkhead", "BlockingPeersBenchmark.jdkFairSemaphore",
                "PingPongBenchmark.withPermitSameThread", "PingPongBenchmark.withPermitAcrossThreads",
                "PingPongBenchmark.concatMapBaseline", "PingPongBenchmark.jdkFairSemaphoreAcrossThreads",
                "ReleaseBurstBenchmark.releaseBurst", "ReleaseBurstBenchmark.uncontendedBaseline",
                "CancellationStormBenchmark.cancel", "CancellationStormBenchmark.touchBaseline",
                "DeadlockPolicyBenchmark.uncontended", "DeadlockPolicyBenchmark.uncontendedContextual",
                "DeadlockPolicyBenchmark.nested", "DeadlockPolicyBenchmark.contended");
        // The contention grid ran every cell: 3 permits x 3 subscriber counts x 2 thread counts, four variants.
        assertThat(results).filteredOn(r -> r.getParams().getBenchmark().contains(".ContentionBenchmark."))
                .hasSize(72);
    }

    @Test
    void cpuTimeHarnessesRun() throws InterruptedException {
        FastPathCpuTime.main(new String[] {"1", "1000"});
        // Throws if a cancel leaves a waiter queued or the floor's CAS finds a waiter that is not queued.
        CancellationCpuTime.main(new String[] {"16"});
        RawAcquireCpuTime.main(new String[] {"1", "1000"});
        // Throws if a trial's holder was never reported (an empty sample) or hangs a latch for a second.
        AbandonedLockLatency.main(new String[] {"20"});
        MonoMergeCpuTime.main(new String[] {"2", "2000"});
    }

    @Test
    void deadlockLatencyHarnessReportsEveryTrial() throws InterruptedException {
        assertThat(DeadlockLatency.measureAll(5, 1)).as("trials whose report never came").isZero();
    }

    @Test
    void waiterFootprintIsMeasurable() {
        WaiterFootprint.Footprint footprint = WaiterFootprint.measure(100_000);

        assertThat(footprint.libraryBytesPerWaiter()).isPositive().isFinite();
        assertThat(footprint.queued()).isEqualTo(100_000);
    }
}
