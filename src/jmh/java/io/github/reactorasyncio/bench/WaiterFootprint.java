package io.github.reactorasyncio.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Mono;

/**
 * Issue #5's memory per queued waiter, measured as the retained heap delta: live heap after full GCs before and
 * after queuing {@code Q} waiters on a semaphore with no permits, divided by {@code Q}. The callers' own
 * subscribers are allocated and measured first and not counted as the library's. The work Mono is shared, as a
 * retried or repeated call shares it; a fresh {@code Mono.just} per waiter would add 16 B that belong to the
 * caller.
 *
 * <p>Run: {@code mvn -q test-compile exec:exec -Pbench -Dbench.main=io.github.reactorasyncio.bench.WaiterFootprint}
 */
public final class WaiterFootprint {

    private WaiterFootprint() {
    }

    /** Bytes retained per queued waiter, subscriber excluded, and for the record the subscriber's own. */
    record Footprint(int queued, double libraryBytesPerWaiter, double subscriberBytes) {
    }

    static Footprint measure(int queued) {
        Mono<Integer> work = Mono.just(1);
        long start = liveHeap();
        Holder[] holders = new Holder[queued];
        for (int i = 0; i < queued; i++) {
            holders[i] = new Holder();
        }
        long withSubscribers = liveHeap();
        Semaphore semaphore = Semaphore.create("footprint", 0);
        for (Holder holder : holders) {
            semaphore.withPermit(work).subscribe(holder);
        }
        long withWaiters = liveHeap();
        if (semaphore.waiting() != queued) {
            throw new IllegalStateException(semaphore + " should have " + queued + " waiting");
        }
        Footprint footprint = new Footprint(queued, (withWaiters - withSubscribers) / (double) queued,
                (withSubscribers - start - 16.0 - 4.0 * queued) / queued);
        // Keep everything reachable until the last measurement.
        java.lang.ref.Reference.reachabilityFence(holders);
        java.lang.ref.Reference.reachabilityFence(semaphore);
        return footprint;
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {1_000, 100_000, 1_000_000}
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int queued : sizes) {
            Footprint f = measure(queued);
            System.out.printf("queued=%d library_bytes_per_waiter=%.1f subscriber_bytes=%.1f%n",
                    f.queued(), f.libraryBytesPerWaiter(), f.subscriberBytes());
        }
    }
}
