package io.github.reactorasyncio.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.github.reactorasyncio.sync.Condition;
import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.Diagnostics;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.Loggers;

/**
 * How long after a deadlock's cycle closes its report arrives (issue 14): for each shape, the time from just before
 * the action that closes the cycle (a gate opened, so the closing waiter subscribes and queues) to the
 * {@link Diagnostics#addDeadlockListener deadlock listener}'s call, over many trials, under {@code DETECT}.
 * <ul>
 *   <li><b>single</b>: everything on the measuring thread; the closer's drain loop reports on it.</li>
 *   <li><b>parallel</b>: the holders take their permits on {@link Schedulers#parallel()} workers, and the gate is
 *       opened from another parallel worker, which starts the clock; the report comes from whichever thread runs
 *       the drain loop.</li>
 * </ul>
 * A trial whose report does not come within 1 s counts as a miss. Prints p50, p99 and max in microseconds. The
 * report's WARN log line is switched off (JDK logging at OFF): it is the logging backend's cost, not detection's.
 *
 * <p>Run: {@code mvn -q -Pbench test-compile exec:exec -Dbench.main=io.github.reactorasyncio.bench.DeadlockLatency
 * -Dbench.args="1000"} (trials per shape and mode; 200 warm-up trials first).
 */
public final class DeadlockLatency {

    private DeadlockLatency() {
    }

    /** One trial: sets the holders up (on {@code on}) and returns the gate that closes the cycle, plus cleanup. */
    private record Setup(Sinks.Empty<Void> closer, Disposable cleanup, BooleanSupplier ready) {
    }

    private static final AtomicLong REPORTED_AT = new AtomicLong();

    /**
     * Prints the table.
     *
     * @param args the trials per shape and mode (default 1,000)
     * @throws InterruptedException never in practice (the trials spin, they do not sleep)
     */
    public static void main(String[] args) throws InterruptedException {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        // The WARN line of each report is not timed: its cost is the logging backend's (console here, thousands of
        // lines). Set before Diagnostics creates its logger.
        Loggers.useJdkLoggers();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
        int missed = measureAll(trials, 200);
        System.out.println(missed + " trials missed");
    }

    /**
     * Runs every shape in both modes and prints one table row each.
     *
     * @return the trials, over all rows, whose report did not come within 1 s
     */
    static int measureAll(int trials, int warmUp) throws InterruptedException {
        int missedInAll = 0;
        Disposable listener = Diagnostics.addDeadlockListener(r -> REPORTED_AT.compareAndSet(0, System.nanoTime()));
        Map<String, Function<Boolean, Setup>> shapes = new LinkedHashMap<>();
        shapes.put("nested semaphore (seed 000), 4 parents", DeadlockLatency::nestedSemaphore);
        shapes.put("lock taken twice", DeadlockLatency::lockTwice);
        shapes.put("two locks, opposite orders", p -> twoInOppositeOrders(p, false));
        shapes.put("Semaphore(1) + Lock, opposite orders", p -> twoInOppositeOrders(p, true));
        shapes.put("raw-acquire holder, child on the same semaphore", DeadlockLatency::rawHolder);
        shapes.put("Condition await holding the lock its signaller needs", DeadlockLatency::conditionCycle);
        System.out.println("| Shape | Mode | Trials | Missed | p50 (µs) | p99 (µs) | max (µs) |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Map.Entry<String, Function<Boolean, Setup>> shape : shapes.entrySet()) {
            for (boolean parallel : new boolean[] {false, true}) {
                measure(shape.getValue(), parallel, warmUp);
                long[] result = measure(shape.getValue(), parallel, trials);
                int missed = (int) result[result.length - 1];
                missedInAll += missed;
                long[] times = Arrays.copyOf(result, result.length - 1 - missed);
                Arrays.sort(times);
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.1f | %.1f |%n", shape.getKey(),
                        parallel ? "parallel" : "single", trials, missed, us(times, 0.50), us(times, 0.99),
                        times.length == 0 ? Double.NaN : times[times.length - 1] / 1000.0);
            }
        }
        listener.dispose();
        return missedInAll;
    }

    private static double us(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1000.0;
    }

    /** Latencies in ns of the reported trials, then the number missed in the last slot. */
    private static long[] measure(Function<Boolean, Setup> shape, boolean parallel, int trials)
            throws InterruptedException {
        long[] out = new long[trials + 1];
        int n = 0;
        int missed = 0;
        for (int t = 0; t < trials; t++) {
            Setup setup = shape.apply(parallel);
            long setupDeadline = System.nanoTime() + 1_000_000_000L;
            while (!setup.ready().getAsBoolean() && System.nanoTime() < setupDeadline) {
                Thread.onSpinWait();
            }
            REPORTED_AT.set(0);
            AtomicLong start = new AtomicLong();
            if (parallel) {
                Schedulers.parallel().schedule(() -> {
                    start.set(System.nanoTime());
                    setup.closer().tryEmitEmpty();
                });
            } else {
                start.set(System.nanoTime());
                setup.closer().tryEmitEmpty();
            }
            long deadline = System.nanoTime() + 1_000_000_000L;
            while ((REPORTED_AT.get() == 0 || start.get() == 0) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long reported = REPORTED_AT.get();
            if (reported == 0) {
                missed++;
            } else {
                out[n++] = Math.max(0, reported - start.get());
            }
            setup.cleanup().dispose();
        }
        long[] result = Arrays.copyOf(out, n + missed + 1);
        result[result.length - 1] = missed;
        return result;
    }

    private static <T> Mono<T> on(boolean parallel, Mono<T> work) {
        return parallel ? work.subscribeOn(Schedulers.parallel()) : work;
    }

    private static Setup nestedSemaphore(boolean parallel) {
        int parents = 4;
        Semaphore sem = Semaphore.create("fetch", parents, DeadlockPolicy.DETECT);
        List<Sinks.Empty<Void>> gates = new ArrayList<>();
        Disposable.Composite all = Disposables.composite();
        for (int p = 0; p < parents; p++) {
            Sinks.Empty<Void> gate = Sinks.empty();
            gates.add(gate);
            all.add(on(parallel, sem.withPermit(gate.asMono().then(sem.withPermit(Mono.just(1))))).subscribe(v -> { },
                    e -> { }));
        }
        // Every parent but the last has its child queued already; the last one's child closes the starvation.
        return new Setup(gates.get(parents - 1), all, () -> {
            if (sem.availablePermits() != 0) {
                return false;
            }
            for (int p = 0; p < parents - 1; p++) {
                gates.get(p).tryEmitEmpty();
            }
            return sem.waiting() == parents - 1;
        });
    }

    private static Setup lockTwice(boolean parallel) {
        Lock lock = Lock.create("db", DeadlockPolicy.DETECT);
        Sinks.Empty<Void> gate = Sinks.empty();
        Disposable d = on(parallel, lock.withLock(gate.asMono().then(lock.withLock(Mono.just(1)))))
                .subscribe(v -> { }, e -> { });
        return new Setup(gate, d, lock::locked);
    }

    private static Setup twoInOppositeOrders(boolean parallel, boolean firstIsSemaphore) {
        Semaphore sem = firstIsSemaphore ? Semaphore.create("S", 1, DeadlockPolicy.DETECT) : null;
        Lock l1 = firstIsSemaphore ? null : Lock.create("L1", DeadlockPolicy.DETECT);
        Lock l2 = Lock.create("L2", DeadlockPolicy.DETECT);
        Function<Mono<Integer>, Mono<Integer>> first = w -> sem != null ? sem.withPermit(w) : l1.withLock(w);
        Sinks.Empty<Void> gateA = Sinks.empty();
        Sinks.Empty<Void> gateB = Sinks.empty();
        Disposable a = on(parallel, first.apply(gateA.asMono().then(l2.withLock(Mono.just(1)))))
                .subscribe(v -> { }, e -> { });
        Disposable b = on(parallel, l2.withLock(gateB.asMono().then(first.apply(Mono.just(2)))))
                .subscribe(v -> { }, e -> { });
        BooleanSupplier firstHeld = () -> sem != null ? sem.availablePermits() == 0 : l1.locked();
        return new Setup(gateB, Disposables.composite(a, b), () -> {
            if (!firstHeld.getAsBoolean() || !l2.locked()) {
                return false;
            }
            gateA.tryEmitEmpty();
            return l2.waiting() == 1;
        });
    }

    private static Setup rawHolder(boolean parallel) {
        Semaphore sem = Semaphore.create("S", 1, DeadlockPolicy.DETECT);
        Lock outer = Lock.create("outer", DeadlockPolicy.DETECT);
        Sinks.Empty<Void> gate = Sinks.empty();
        Disposable d = on(parallel, outer.withLock(sem.acquire()
                        .flatMap(p -> gate.asMono().then(sem.withPermit(Mono.just(1))).doFinally(s -> p.release()))))
                .subscribe(v -> { }, e -> { });
        return new Setup(gate, d, () -> sem.availablePermits() == 0);
    }

    private static Setup conditionCycle(boolean parallel) {
        Lock a = Lock.create("A", DeadlockPolicy.DETECT);
        Lock b = Lock.create("B", DeadlockPolicy.DETECT);
        Condition ready = Condition.create(a);
        Sinks.Empty<Void> gate = Sinks.empty();
        Disposable awaiter = on(parallel, b.withLock(a.withLock(ready.await()))).subscribe(v -> { }, e -> { });
        // The awaiter must hold B and await (lending A) before the signaller asks for A; otherwise the signaller
        // may take A first and the awaiter queue for it: a plain lock cycle, another shape.
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (ready.waiting() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        Disposable signaller = on(parallel, a.withLock(gate.asMono()
                        .then(b.withLock(Mono.fromRunnable(ready::signal)))))
                .subscribe(v -> { }, e -> { });
        // Ready once the awaiter lent A and the signaller holds it.
        return new Setup(gate, Disposables.composite(signaller, awaiter), () -> ready.waiting() == 1 && a.locked()
                && a.waiting() == 0);
    }
}
