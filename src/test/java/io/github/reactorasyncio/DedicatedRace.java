package io.github.reactorasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Runs racers at the same instant, <b>each on a thread of its own</b>: the replacement for
 * {@code reactor.test.util.RaceTestUtils.race} in every race and stress test (issue 12, defect 8).
 *
 * <p>Why: {@code RaceTestUtils.race(a, b)} hands both racers to {@code Schedulers.boundedElastic()} (or the given
 * scheduler) with {@code schedule()}. Each racer decrements a shared counter and spins ({@code Thread.yield()})
 * until it reaches zero. When the pool is at its thread cap (busy: 10 threads per core, shared with every other
 * test) both racers can land on one worker; the first then spins in the start barrier forever and the second,
 * queued behind it on the same thread, never runs. The race did not happen, so a test can neither see a loss
 * that the race would have caused nor trust one it reports (it also leaves a worker spinning for the rest of the
 * JVM). Here every racer slot has a dedicated platform thread (reused from race to race, never shared between two
 * racers of one race), so the racers always start together.
 *
 * <p>The racers meet at a spinning start barrier (the same shape as {@code RaceTestUtils}, which maximises the
 * overlap); {@link #race} returns once all of them returned, rethrowing the first failure (others suppressed),
 * and fails with an {@link AssertionError} if a racer has not finished within {@link #TIMEOUT_SECONDS} (a hang
 * of the code under test, reported instead of hidden).
 */
public final class DedicatedRace {

    public static final long TIMEOUT_SECONDS = 30;

    private static final List<Racer> RACERS = new ArrayList<>();

    private DedicatedRace() {
    }

    /** Runs every racer at once, each on its own thread, and waits until all returned. */
    public static synchronized void race(Runnable... racers) {
        if (racers.length < 2) {
            throw new IllegalArgumentException("a race needs at least two racers, got " + racers.length);
        }
        while (RACERS.size() < racers.length) {
            RACERS.add(new Racer(RACERS.size()));
        }
        AtomicInteger start = new AtomicInteger(racers.length);
        AtomicInteger done = new AtomicInteger(racers.length);
        AtomicReferenceArray<Throwable> failures = new AtomicReferenceArray<>(racers.length);
        Thread caller = Thread.currentThread();
        for (int i = 0; i < racers.length; i++) {
            int index = i;
            Runnable racer = racers[i];
            RACERS.get(i).hand(() -> {
                start.decrementAndGet();
                while (start.get() != 0) {
                    Thread.onSpinWait();
                }
                try {
                    racer.run();
                } catch (Throwable t) {
                    failures.set(index, t);
                } finally {
                    if (done.decrementAndGet() == 0) {
                        java.util.concurrent.locks.LockSupport.unpark(caller);
                    }
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (done.get() != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                RACERS.clear(); // a racer still running keeps its thread; the next race gets fresh ones
                throw new AssertionError("DedicatedRace: " + done.get() + " of " + racers.length
                        + " racers did not return within " + TIMEOUT_SECONDS + " s (the code under test hangs)");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(DedicatedRace.class, Math.min(left, 1_000_000));
        }
        Throwable first = null;
        for (int i = 0; i < racers.length; i++) {
            Throwable t = failures.get(i);
            if (t == null) {
                continue;
            }
            if (first == null) {
                first = t;
            } else {
                first.addSuppressed(t);
            }
        }
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new RuntimeException(first);
        }
    }

    /** The names of the dedicated threads (one per racer slot), for tests that check where a racer ran. */
    public static synchronized List<String> threadNames() {
        return RACERS.stream().map(r -> r.thread.getName()).toList();
    }

    private static final class Racer {
        final SynchronousQueue<Runnable> inbox = new SynchronousQueue<>();
        final Thread thread;

        Racer(int index) {
            thread = new Thread(this::loop, "dedicated-racer-" + index);
            thread.setDaemon(true);
            thread.start();
        }

        void hand(Runnable task) {
            try {
                inbox.put(task);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while starting a racer", e);
            }
        }

        private void loop() {
            while (true) {
                Runnable task;
                try {
                    task = inbox.take();
                } catch (InterruptedException e) {
                    continue;
                }
                task.run();
            }
        }
    }
}
