package io.github.reactorasyncio.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
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
import reactor.core.scheduler.Schedulers;

/**
 * Issue #2, the blocking half of the contention grid: the same {@value ContentionBenchmark#ITEMS} items and work
 * as {@link ContentionBenchmark}, through limiters whose waiting parks a thread, so they run where parking is
 * allowed and the {@code threads} axis does not apply (the OS schedules as many threads as are parked):
 * <ul>
 *   <li>Resilience4j's reactor bulkhead in its waiting mode ({@code maxWaitDuration} > 0 blocks the subscribing
 *       thread), each item subscribed on {@code Schedulers.boundedElastic()} (at most 10 × cores threads), the
 *       Reactor scheduler meant for blocking calls;</li>
 *   <li>a fair {@link java.util.concurrent.Semaphore} on one platform thread per concurrent subscriber.</li>
 * </ul>
 * Score: ns per item.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ContentionBenchmark.ITEMS)
@State(Scope.Benchmark)
public class BlockingPeersBenchmark {

    @Param({"1", "8", "128"})
    int permits;

    @Param({"same", "10x", "1000"})
    String subscribers;

    private int concurrency;
    private BulkheadOperator<Integer> bulkhead;
    private java.util.concurrent.Semaphore fair;
    private ExecutorService platformThreads;

    @Setup
    public void setUp() {
        concurrency = ContentionBenchmark.concurrency(subscribers, permits);
        bulkhead = BulkheadOperator.of(Bulkhead.of("contention", BulkheadConfig.custom()
                .maxConcurrentCalls(permits).maxWaitDuration(Duration.ofMinutes(1)).build()));
        fair = new java.util.concurrent.Semaphore(permits, true);
        platformThreads = Executors.newFixedThreadPool(concurrency);
    }

    @TearDown
    public void tearDown() {
        platformThreads.shutdownNow();
    }

    @Benchmark
    public long resilience4jBulkhead() {
        return Flux.range(0, ContentionBenchmark.ITEMS)
                .flatMap(i -> Mono.fromCallable(() -> Work.inside(i))
                        .transformDeferred(bulkhead)
                        .subscribeOn(Schedulers.boundedElastic()), concurrency)
                .map(Work::outside)
                .count()
                .block();
    }

    @Benchmark
    public long jdkFairSemaphore() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(ContentionBenchmark.ITEMS);
        for (int i = 0; i < ContentionBenchmark.ITEMS; i++) {
            int item = i;
            platformThreads.execute(() -> {
                try {
                    fair.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    Work.inside(item);
                } finally {
                    fair.release();
                }
                Work.outside(item);
                done.countDown();
            });
        }
        done.await();
        return ContentionBenchmark.ITEMS;
    }
}
