package io.github.reactorasyncio.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.reactorasyncio.sync.Semaphore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 * Issue #3: strict hand-off of one permit between two actors. Each actor's work holds the permit across a hop to
 * its own event loop, so the other actor is always queued when the permit is released: every operation is one
 * release handing the permit to a waiter. Same thread: both actors on one loop. Across threads: one loop each, so
 * every hand-off crosses threads. Peers: the same two actors as platform threads on a fair JDK Semaphore (park /
 * unpark per hand-off), and {@code concatMap} with the same hop and no lock (the cost of the hops alone).
 * Score: ns per hand-off.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(PingPongBenchmark.HANDOFFS)
@State(Scope.Benchmark)
public class PingPongBenchmark {

    static final int HANDOFFS = 10_000;

    private Scheduler loopA;
    private Scheduler loopB;

    @Setup
    public void setUp() {
        loopA = Schedulers.newSingle("ping");
        loopB = Schedulers.newSingle("pong");
    }

    @TearDown
    public void tearDown() {
        loopA.dispose();
        loopB.dispose();
    }

    private static Flux<Integer> actor(Semaphore semaphore, Scheduler loop) {
        return Mono.defer(() -> semaphore.withPermit(Mono.fromCallable(() -> Work.inside(1)).subscribeOn(loop)))
                .repeat(HANDOFFS / 2 - 1);
    }

    @Benchmark
    public Integer withPermitSameThread() {
        Semaphore semaphore = Semaphore.create("ping-pong", 1);
        return Flux.merge(actor(semaphore, loopA), actor(semaphore, loopA)).blockLast();
    }

    @Benchmark
    public Integer withPermitAcrossThreads() {
        Semaphore semaphore = Semaphore.create("ping-pong", 1);
        return Flux.merge(actor(semaphore, loopA), actor(semaphore, loopB)).blockLast();
    }

    @Benchmark
    public Integer concatMapBaseline() {
        return Flux.range(0, HANDOFFS)
                .concatMap(i -> Mono.fromCallable(() -> Work.inside(i)).subscribeOn(loopA))
                .blockLast();
    }

    @Benchmark
    public void jdkFairSemaphoreAcrossThreads(Blackhole blackhole) throws InterruptedException {
        java.util.concurrent.Semaphore fair = new java.util.concurrent.Semaphore(1, true);
        CountDownLatch done = new CountDownLatch(2);
        Runnable actor = () -> {
            for (int i = 0; i < HANDOFFS / 2; i++) {
                fair.acquireUninterruptibly();
                try {
                    blackhole.consume(Work.inside(i));
                } finally {
                    fair.release();
                }
            }
            done.countDown();
        };
        new Thread(actor, "ping").start();
        new Thread(actor, "pong").start();
        done.await();
    }
}
