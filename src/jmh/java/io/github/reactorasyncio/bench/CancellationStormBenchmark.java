package io.github.reactorasyncio.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.github.reactorasyncio.sync.Semaphore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Mono;

/**
 * Issue #5: {@code queued} waiters on a semaphore with no permits; a random half of them is cancelled, in
 * random order, {@value #BATCH} per measured invocation (the queue is rebuilt, untimed, when the half is used up).
 * A cancel is O(1) if the score stays flat as the queue grows. {@link #touchBaseline} walks the same random
 * waiters and only reads each one's header: it shows what cache misses alone cost at that size, since a
 * million waiters do not fit in any cache. Score: ns per cancel. Memory per waiter: {@link WaiterFootprint}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(CancellationStormBenchmark.BATCH)
@State(Scope.Thread)
public class CancellationStormBenchmark {

    static final int BATCH = 500;

    @Param({"1000", "100000", "1000000"})
    int queued;

    private final Mono<Integer> work = Mono.just(1);
    private final SplittableRandom random = new SplittableRandom(42);
    private Holder[] waiters;
    /** The random half to cancel, in random order. */
    private int[] victims;
    private int cursor;

    @Setup(Level.Invocation)
    public void refill() {
        if (waiters == null || cursor == victims.length) {
            waiters = null;
            Semaphore semaphore = Semaphore.create("storm", 0);
            Holder[] fresh = new Holder[queued];
            for (int i = 0; i < queued; i++) {
                fresh[i] = new Holder();
                semaphore.withPermit(work).subscribe(fresh[i]);
            }
            if (semaphore.waiting() != queued) {
                throw new IllegalStateException(semaphore + " should have " + queued + " waiting");
            }
            int[] order = Shuffle.indices(queued, random);
            victims = java.util.Arrays.copyOf(order, queued / 2);
            waiters = fresh;
            cursor = 0;
        }
    }

    @Benchmark
    public void cancel() {
        for (int k = 0; k < BATCH; k++) {
            waiters[victims[cursor++]].subscription.cancel();
        }
    }

    @Benchmark
    public void touchBaseline(Blackhole blackhole) {
        for (int k = 0; k < BATCH; k++) {
            blackhole.consume(waiters[victims[cursor++]].subscription.getClass());
        }
    }
}
