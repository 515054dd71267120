package io.github.reactorasyncio.bench;

import java.util.concurrent.TimeUnit;

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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.pool.InstrumentedPool;

/**
 * Issue #2, the non-blocking half of the contention grid: {@value #ITEMS} items, each doing a little CPU work
 * inside the permit on a parallel scheduler of {@code threads} threads (so holders really overlap and waiters
 * really queue) and a little outside it. {@code subscribers} items are subscribed at once (flatMap concurrency):
 * {@code same} = as many as permits (nobody waits), {@code 10x} = ten times the permits, {@code 1000} = a
 * thousand. The baseline is the one-pipeline way to bound concurrency, {@code flatMap(f, permits)}, which has no
 * waiters at all; the control runs {@code subscribers} inners with no limiter (it does not bound anything).
 * Score: ns per item.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ContentionBenchmark.ITEMS)
@State(Scope.Benchmark)
public class ContentionBenchmark {

    static final int ITEMS = 2560;

    @Param({"1", "8", "128"})
    int permits;

    @Param({"same", "10x", "1000"})
    String subscribers;

    @Param({"1", "2"})
    int threads;

    private Scheduler scheduler;
    private Semaphore semaphore;
    private InstrumentedPool<Object> pool;
    private int concurrency;

    static int concurrency(String subscribers, int permits) {
        return switch (subscribers) {
            case "same" -> permits;
            case "10x" -> 10 * permits;
            case "1000" -> 1000;
            default -> throw new IllegalArgumentException("subscribers: " + subscribers);
        };
    }

    @Setup
    public void setUp() {
        scheduler = Schedulers.newParallel("contention", threads);
        semaphore = Semaphore.create("contention", permits);
        pool = PlaceholderPool.of(permits);
        concurrency = concurrency(subscribers, permits);
    }

    @TearDown
    public void tearDown() {
        pool.dispose();
        scheduler.dispose();
    }

    private Mono<Integer> work(int item) {
        return Mono.fromCallable(() -> Work.inside(item)).subscribeOn(scheduler);
    }

    @Benchmark
    public long withPermit() {
        return Flux.range(0, ITEMS)
                .flatMap(i -> semaphore.withPermit(work(i)), concurrency)
                .map(Work::outside)
                .count()
                .block();
    }

    /** The same items through reactor-core issue 2678's workaround, a pool of placeholders ({@link PlaceholderPool}). */
    @Benchmark
    public long reactorPool() {
        return Flux.range(0, ITEMS)
                .flatMap(i -> pool.withPoolable(p -> work(i)), concurrency)
                .map(Work::outside)
                .count()
                .block();
    }

    /**
     * The control: as many live inners as {@link #withPermit()} has ({@code subscribers}), and no limiter at all.
     * {@code withPermit} minus this is what the semaphore costs; this minus {@link #flatMapBaseline()} is what
     * flatMap itself pays for the extra inners.
     */
    @Benchmark
    public long flatMapUnlimitedControl() {
        return flatMapOnly(concurrency);
    }

    @Benchmark
    public long flatMapBaseline() {
        return flatMapOnly(permits);
    }

    private long flatMapOnly(int inners) {
        return Flux.range(0, ITEMS)
                .flatMap(this::work, inners)
                .map(Work::outside)
                .count()
                .block();
    }
}
