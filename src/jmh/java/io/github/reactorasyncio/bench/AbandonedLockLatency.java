package io.github.reactorasyncio.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.DeadlockReport;
import io.github.reactorasyncio.sync.Diagnostics;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Semaphore;
import io.github.reactorasyncio.task.Asyncio;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Issue 14, item 1: how long after its holder ends is a Lock kept by a raw {@code acquire()} reported? Each trial
 * takes a fresh lock inside a holder (a task made by {@code Asyncio.createTask}, or a {@code withPermit} scope),
 * then fails the holder's work from a sink; the time runs from just before that {@code tryEmitError} to the
 * listener's call with the {@code ABANDONED_LOCK} report ({@link System#nanoTime()} both). Parallel: the holder
 * runs on {@code Schedulers.parallel()} and is failed from another parallel worker; single-threaded: all on one
 * single-thread scheduler. Prints p50, p99 and the maximum in microseconds, and any trial that was not reported.
 *
 * <p>Run: {@code mvn -q -Pbench exec:exec -Dbench.main=io.github.reactorasyncio.bench.AbandonedLockLatency
 * -Dbench.args="2000"}
 */
public final class AbandonedLockLatency {

    private AbandonedLockLatency() {
    }

    public static void main(String[] args) throws InterruptedException {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Scheduler single = Schedulers.newSingle("abandoned-single");
        try {
            System.out.printf(Locale.ROOT, "%-36s %8s %10s %10s %10s %8s%n", "holder, threads (µs from end)",
                    "trials", "p50", "p99", "max", "missed");
            for (String holder : new String[] {"task", "scope"}) {
                run(holder + ", parallel", holder, trials, Schedulers.parallel(), Schedulers.parallel());
                run(holder + ", single-threaded", holder, trials, single, single);
            }
        } finally {
            single.dispose();
        }
    }

    private static void run(String label, String holder, int trials, Scheduler holderOn, Scheduler failFrom)
            throws InterruptedException {
        // Warm-up: the same trials, not counted.
        trials(holder, trials / 2, holderOn, failFrom);
        long[] micros = trials(holder, trials, holderOn, failFrom);
        long missed = Arrays.stream(micros).filter(m -> m < 0).count();
        long[] seen = Arrays.stream(micros).filter(m -> m >= 0).sorted().toArray();
        if (missed > 0) {
            throw new IllegalStateException(label + ": " + missed + " of " + trials + " holders ended unreported");
        }
        System.out.printf(Locale.ROOT, "%-36s %8d %10.1f %10.1f %10.1f %8d%n", label, trials,
                seen[seen.length / 2] / 1000.0, seen[(int) Math.ceil(seen.length * 0.99) - 1] / 1000.0,
                seen[seen.length - 1] / 1000.0, missed);
    }

    /** Nanoseconds from each holder's end to its report; -1 for a trial not reported within a second. */
    private static long[] trials(String holder, int trials, Scheduler holderOn, Scheduler failFrom)
            throws InterruptedException {
        long[] nanos = new long[trials];
        for (int i = 0; i < trials; i++) {
            Lock lock = Lock.create("latency-" + i, DeadlockPolicy.REPORT);
            String label = "Lock 'latency-" + i + "'";
            AtomicLong reportedAt = new AtomicLong();
            CountDownLatch reported = new CountDownLatch(1);
            Disposable listener = Diagnostics.addDeadlockListener(r -> {
                if (r.kind() == DeadlockReport.Kind.ABANDONED_LOCK && r.primitive().equals(label)) {
                    reportedAt.set(System.nanoTime());
                    reported.countDown();
                }
            });
            Sinks.Empty<Void> fail = Sinks.empty();
            CountDownLatch held = new CountDownLatch(1);
            Mono<Void> work = lock.acquire()
                    .doOnNext(p -> held.countDown())
                    .flatMap(p -> fail.asMono().then(Mono.fromRunnable(p::release)));
            if (holder.equals("task")) {
                holderOn.schedule(() -> Asyncio.createTask(work, "holder"));
            } else {
                Semaphore scope = Semaphore.create("scope-" + i, 1);
                holderOn.schedule(() -> scope.withPermit(work).subscribe(v -> { }, e -> { }));
            }
            held.await(1, TimeUnit.SECONDS);
            AtomicLong endedAt = new AtomicLong();
            CountDownLatch failed = new CountDownLatch(1);
            failFrom.schedule(() -> {
                endedAt.set(System.nanoTime());
                fail.tryEmitError(new IllegalStateException("trial " + holder));
                failed.countDown();
            });
            failed.await(1, TimeUnit.SECONDS);
            boolean seen = reported.await(1, TimeUnit.SECONDS);
            listener.dispose();
            nanos[i] = seen ? Math.max(0, reportedAt.get() - endedAt.get()) : -1;
        }
        return nanos;
    }
}
