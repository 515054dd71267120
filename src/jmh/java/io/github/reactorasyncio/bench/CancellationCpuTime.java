package io.github.reactorasyncio.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Mono;

/**
 * Issue #5 timed by thread CPU time (see {@link FastPathCpuTime} for why): Q waiters queued, a random half cancelled
 * in random order, then the rest (which includes the sweeps of withdrawn waiters: a half-cancel alone never makes
 * them outnumber the live ones). The queue is rebuilt untimed between rounds. Two floors for scale, on a second
 * queue built the same way: reading the header of half the waiters (independent loads, which the CPU overlaps), and
 * the least any cancel must do on the other half: reach the waiter through the subscriber that cancels it and CAS its
 * state word (here from QUEUED to QUEUED, which changes nothing). Prints medians over rounds, ns per cancel, per read
 * or per CAS.
 *
 * <p>Run: {@code mvn -q -Pbench exec:exec -Dbench.main=io.github.reactorasyncio.bench.CancellationCpuTime -Dbench.args=}
 */
public final class CancellationCpuTime {

    private CancellationCpuTime() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {1_000, 100_000, 1_000_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SplittableRandom random = new SplittableRandom(42);
        Mono<Integer> work = Mono.just(1);
        System.out.printf(Locale.ROOT, "%-10s %18s %24s %16s %20s%n", "queued", "cancel half ns", "cancel the rest ns",
                "touch ns", "reach+CAS floor ns");
        for (int queued : sizes) {
            int rounds = Math.max(5, Math.min(2_000, 2_000_000 / queued));
            double[] cancelHalf = new double[rounds];
            double[] cancelRest = new double[rounds];
            double[] touch = new double[rounds];
            double[] casFloor = new double[rounds];
            // Each round builds two queues: one whose waiters are cancelled, one for the floors, so no loop finds
            // cache lines another loop warmed.
            for (int round = -2; round < rounds; round++) {
                Semaphore semaphore = Semaphore.create("storm", 0);
                Holder[] waiters = queue(semaphore, work, queued);
                int[] order = Shuffle.indices(queued, random);
                int half = queued / 2;
                long t0 = threads.getCurrentThreadCpuTime();
                for (int k = 0; k < half; k++) {
                    waiters[order[k]].subscription.cancel();
                }
                long t1 = threads.getCurrentThreadCpuTime();
                if (semaphore.waiting() != queued - half) {
                    throw new IllegalStateException(semaphore + " should have " + (queued - half) + " waiting");
                }
                for (int k = half; k < queued; k++) {
                    waiters[order[k]].subscription.cancel();
                }
                long t2 = threads.getCurrentThreadCpuTime();
                if (semaphore.waiting() != 0) {
                    throw new IllegalStateException(semaphore + " should have nobody waiting");
                }

                Holder[] untouched = queue(Semaphore.create("floor", 0), work, queued);
                long sum = 0;
                long t3 = threads.getCurrentThreadCpuTime();
                for (int k = 0; k < half; k++) {
                    sum += untouched[order[k]].subscription.getClass().hashCode();
                }
                long t4 = threads.getCurrentThreadCpuTime();
                for (int k = half; k < 2 * half; k++) {
                    if (!WaiterState.casQueuedToQueued(untouched[order[k]].subscription)) {
                        throw new IllegalStateException("waiter " + order[k] + " is not queued");
                    }
                }
                long t5 = threads.getCurrentThreadCpuTime();
                if (sum == 42) {
                    throw new AssertionError();
                }
                if (round >= 0) {
                    cancelHalf[round] = (t1 - t0) / (double) half;
                    cancelRest[round] = (t2 - t1) / (double) (queued - half);
                    touch[round] = (t4 - t3) / (double) half;
                    casFloor[round] = (t5 - t4) / (double) half;
                }
            }
            System.out.printf(Locale.ROOT, "%-10d %18.1f %24.1f %16.1f %20.1f%n", queued, median(cancelHalf),
                    median(cancelRest), median(touch), median(casFloor));
        }
    }

    private static Holder[] queue(Semaphore semaphore, Mono<Integer> work, int queued) {
        Holder[] waiters = new Holder[queued];
        for (int i = 0; i < queued; i++) {
            waiters[i] = new Holder();
            semaphore.withPermit(work).subscribe(waiters[i]);
        }
        return waiters;
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        return values[values.length / 2];
    }
}
