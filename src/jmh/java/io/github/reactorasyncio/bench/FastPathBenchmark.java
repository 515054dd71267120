package io.github.reactorasyncio.bench;

import java.util.concurrent.TimeUnit;

import io.github.reactorasyncio.sync.Semaphore;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Mono;
import reactor.pool.InstrumentedPool;

/**
 * Issue #1: the uncontended fast path, one thread, a permit always free. Every variant builds and subscribes the
 * same {@code Mono.just(x)} per operation, as an application's {@code flatMap(x -> limiter(Mono.just(x)))} does;
 * the difference to {@link #bare} is the limiter's cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class FastPathBenchmark {

    private Semaphore semaphore;
    private BulkheadOperator<Integer> bulkhead;
    private java.util.concurrent.Semaphore jdkSemaphore;
    private InstrumentedPool<Object> pool;
    private Sink sink;
    private Integer value;

    @Setup
    public void setUp(Blackhole blackhole) {
        semaphore = Semaphore.create("fast-path", 8);
        // Resilience4j's default: no waiting (maxWaitDuration 0), which is the non-blocking mode a Reactor user picks.
        bulkhead = BulkheadOperator.of(Bulkhead.of("fast-path", BulkheadConfig.custom()
                .maxConcurrentCalls(8).maxWaitDuration(java.time.Duration.ZERO).build()));
        jdkSemaphore = new java.util.concurrent.Semaphore(8, true);
        pool = PlaceholderPool.of(8);
        sink = new Sink(blackhole);
        value = 42;
    }

    @TearDown
    public void tearDown() {
        pool.dispose();
    }

    @Benchmark
    public void bare() {
        Mono.just(value).subscribe(sink);
    }

    @Benchmark
    public void withPermit() {
        semaphore.withPermit(Mono.just(value)).subscribe(sink);
    }

    @Benchmark
    public void resilience4jBulkhead() {
        bulkhead.apply(Mono.just(value)).subscribe(sink);
    }

    /**
     * reactor-core issue 2678's workaround: a reactor-pool of placeholders ({@link PlaceholderPool}). Its
     * {@code withPoolable} returns a Flux; it is subscribed as it is (a caller that needs a Mono adds
     * {@code Mono.from} or {@code next()}, which would only add to the pool's cost).
     */
    @Benchmark
    public void reactorPool() {
        pool.withPoolable(p -> Mono.just(value)).subscribe(sink);
    }

    @Benchmark
    public void jdkSemaphore() {
        if (!jdkSemaphore.tryAcquire()) {
            throw new IllegalStateException("uncontended benchmark found no permit");
        }
        try {
            Mono.just(value).subscribe(sink);
        } finally {
            jdkSemaphore.release();
        }
    }
}
