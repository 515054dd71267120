package io.github.reactorasyncio.bench;

import java.util.concurrent.TimeUnit;

import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.Semaphore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Issue #6: what deadlock detection costs. {@code OFF} tracks nothing; {@code REPORT} (the default) and
 * {@code DETECT} put the scope into the work's Context and keep the blocked-holder accounting in the drain loop.
 * <ul>
 *   <li>{@link #uncontended}: {@code withPermit(Mono.just(x))}, work that never asks for its Context;</li>
 *   <li>{@link #uncontendedContextual}: work that reads its Context, as nearly every real operator chain does
 *       (so the scope's Context is built);</li>
 *   <li>{@link #nested}: {@code withPermit} inside {@code withPermit} of a second semaphore, both free;</li>
 *   <li>{@link #contended}: the contention grid's 8 permits × 1000 subscribers × 2 threads cell
 *       ({@value ContentionBenchmark#ITEMS} items, ns per item).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DeadlockPolicyBenchmark {

    @Param({"OFF", "REPORT", "DETECT"})
    DeadlockPolicy policy;

    private Semaphore semaphore;
    private Semaphore contendedSemaphore;
    /** The inner level of {@link #nested}: a second semaphore of the same policy. */
    private Semaphore innerSemaphore;
    private Scheduler scheduler;
    private Sink sink;
    private Integer value;

    @Setup
    public void setUp(Blackhole blackhole) {
        semaphore = Semaphore.create("policy", 8, policy);
        contendedSemaphore = Semaphore.create("policy-contended", 8, policy);
        innerSemaphore = Semaphore.create("policy-inner", 8, policy);
        scheduler = Schedulers.newParallel("policy", 2);
        sink = new Sink(blackhole);
        value = 42;
    }

    @TearDown
    public void tearDown() {
        scheduler.dispose();
    }

    @Benchmark
    public void uncontended() {
        semaphore.withPermit(Mono.just(value)).subscribe(sink);
    }

    @Benchmark
    public void uncontendedContextual() {
        semaphore.withPermit(Mono.deferContextual(context -> Mono.just(context.size()))).subscribe(sink);
    }

    /**
     * The nested fast path: a {@code withPermit} inside another's work, both permits free. Under a tracking policy
     * the inner scope looks up its enclosing scope in the Context, which makes the outer one build its Context.
     */
    @Benchmark
    public void nested() {
        semaphore.withPermit(innerSemaphore.withPermit(Mono.just(value))).subscribe(sink);
    }

    @Benchmark
    @OperationsPerInvocation(ContentionBenchmark.ITEMS)
    public long contended() {
        return Flux.range(0, ContentionBenchmark.ITEMS)
                .flatMap(i -> contendedSemaphore.withPermit(
                        Mono.fromCallable(() -> Work.inside(i)).subscribeOn(scheduler)), 1000)
                .map(Work::outside)
                .count()
                .block();
    }
}
