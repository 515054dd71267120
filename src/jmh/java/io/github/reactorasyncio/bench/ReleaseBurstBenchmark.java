package io.github.reactorasyncio.bench;

import java.util.concurrent.TimeUnit;

import io.github.reactorasyncio.sync.Permit;
import io.github.reactorasyncio.sync.Semaphore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Mono;

/**
 * Issue #4: {@value #WAITERS} waiters queued behind one held permit; one release lets all of them run, each
 * releasing to the next inside the drain loop (no wake-up per event-loop turn, no stack growth). The baseline runs
 * the same {@value #WAITERS} {@code withPermit} subscriptions on a free semaphore (fast path each). Score: ns per
 * waiter.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ReleaseBurstBenchmark.WAITERS)
@State(Scope.Thread)
public class ReleaseBurstBenchmark {

    static final int WAITERS = 10_000;

    private final Mono<Integer> work = Mono.just(7);
    private Sink sink;
    private Semaphore semaphore;
    private Permit held;

    @Setup
    public void createSink(Blackhole blackhole) {
        sink = new Sink(blackhole);
    }

    @Setup(Level.Invocation)
    public void queueWaiters() {
        semaphore = Semaphore.create("burst", 1);
        held = semaphore.tryAcquire().orElseThrow();
        for (int i = 0; i < WAITERS; i++) {
            semaphore.withPermit(work).subscribe(sink);
        }
        sink.completed = 0;
    }

    @Benchmark
    public void releaseBurst() {
        held.release();
        if (sink.completed != WAITERS) {
            throw new IllegalStateException("burst ran " + sink.completed + " of " + WAITERS);
        }
    }

    @Benchmark
    public void uncontendedBaseline() {
        Semaphore free = Semaphore.create("burst-baseline", 1);
        for (int i = 0; i < WAITERS; i++) {
            free.withPermit(work).subscribe(sink);
        }
    }
}
