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
 * in random order; the queue is rebuilt untimed between rounds. Also the cache-miss floor: reading the header of the
 * same random waiters, and of each one with its two queue neighbours (the three objects an O(1) unlink must touch;
 * the neighbours in arrival order, which they are until cancellations begin). Prints medians over rounds, ns per
 * cancel or per touch.
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
        System.out.printf(Locale.ROOT, "%-10s %18s %18s %22s%n", "queued", "cancel ns (CPU)", "touch ns (CPU)",
                "touch+neighbours ns");
        for (int queued : sizes) {
            int rounds = Math.max(5, 2_000_000 / queued);
            double[] cancel = new double[rounds];
            double[] touch = new double[rounds];
            double[] touch3 = new double[rounds];
            for (int round = -2; round < rounds; round++) {
                Semaphore semaphore = Semaphore.create("storm", 0);
                Holder[] waiters = new Holder[queued];
                for (int i = 0; i < queued; i++) {
                    waiters[i] = new Holder();
                    semaphore.withPermit(work).subscribe(waiters[i]);
                }
                int[] order = Shuffle.indices(queued, random);
                int half = queued / 2;
                long sum = 0;
                long t0 = threads.getCurrentThreadCpuTime();
                for (int k = 0; k < half; k++) {
                    sum += waiters[order[k]].subscription.getClass().hashCode();
                }
                long t1 = threads.getCurrentThreadCpuTime();
                for (int k = 0; k < half; k++) {
                    int i = order[k];
                    sum += waiters[i].subscription.getClass().hashCode()
                            + waiters[Math.max(0, i - 1)].subscription.getClass().hashCode()
                            + waiters[Math.min(queued - 1, i + 1)].subscription.getClass().hashCode();
                }
                long t1b = threads.getCurrentThreadCpuTime();
                for (int k = 0; k < half; k++) {
                    waiters[order[k]].subscription.cancel();
                }
                long t2 = threads.getCurrentThreadCpuTime();
                if (semaphore.waiting() != queued - half || sum == 42) {
                    throw new IllegalStateException(semaphore + " should have " + (queued - half) + " waiting");
                }
                if (round >= 0) {
                    touch[round] = (t1 - t0) / (double) half;
                    touch3[round] = (t1b - t1) / (double) half;
                    cancel[round] = (t2 - t1b) / (double) half;
                }
            }
            Arrays.sort(cancel);
            Arrays.sort(touch);
            Arrays.sort(touch3);
            System.out.printf(Locale.ROOT, "%-10d %18.1f %18.1f %22.1f%n", queued, cancel[rounds / 2],
                    touch[rounds / 2], touch3[rounds / 2]);
        }
    }
}
