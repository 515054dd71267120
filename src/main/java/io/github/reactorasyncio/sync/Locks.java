package io.github.reactorasyncio.sync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Several {@link Lock}s at once, always taken in one global order, so that two flows needing the same locks can
 * never hold one each and wait for the other's (seed 001's second deadlock; its advice: "take locks in the same
 * order throughout the application").
 *
 * <p><b>The order.</b> Locks are acquired in the order they were created by {@link Lock#create}, oldest first,
 * whatever order the caller passes them in, and released in reverse. Two {@code withAll} calls therefore take any
 * two locks they share in the same relative order, and no cycle can form among them. The guarantee covers locks
 * taken through {@code withAll}: a flow that already holds a lock (inside another {@code withLock}) and then calls
 * {@code withAll} for an older one steps outside the order; {@link DeadlockPolicy#DETECT}/{@link
 * DeadlockPolicy#REPORT} still see a cycle it closes.
 *
 * <p>It is {@link Lock#withLock} nested once per lock, so each lock keeps its contract: FIFO per lock, released
 * exactly once on complete, error and cancel (the inner locks first). A cancel while waiting for the second lock
 * withdraws that wait and releases the first. For a {@link Mono} the locks are released before its value goes
 * downstream.
 *
 * <p>Corresponds to asyncio's {@code async with lock1, lock2:} written with one agreed order.
 */
public final class Locks {

    /** Creation order; the same order {@link Diagnostics#snapshot()} lists primitives in. */
    private static final Comparator<DefaultLock> GLOBAL_ORDER = Comparator.comparingLong(lock -> lock.queue.id);

    private Locks() {
    }

    /**
     * Runs {@code work} while holding every one of {@code locks}, taken in the global order.
     *
     * @param <T>   the type of the value {@code work} emits
     * @param work  the work to run once every lock is held; not null
     * @param locks the locks to hold, in any order, each at most once; at least one
     * @return a Mono that acquires the locks oldest first, then mirrors {@code work}, releasing every lock (newest
     *     first) before its terminal signal is passed on
     * @throws NullPointerException     if {@code work}, {@code locks} or one of its elements is null
     * @throws IllegalArgumentException if {@code locks} is empty, names the same lock twice, or holds a lock not
     *                                  created by {@link Lock#create}
     */
    public static <T> Mono<T> withAll(Mono<T> work, Lock... locks) {
        return withAll(work, asList(locks));
    }

    /**
     * As {@link #withAll(Mono, Lock...)}, with the locks in a list.
     *
     * @param <T>   the type of the value {@code work} emits
     * @param work  the work to run once every lock is held; not null
     * @param locks the locks to hold, in any order, each at most once; at least one
     * @return a Mono that acquires the locks in the global order, then mirrors {@code work}, releasing every lock
     *     before its terminal signal is passed on
     * @throws NullPointerException     if {@code work}, {@code locks} or one of its elements is null
     * @throws IllegalArgumentException if {@code locks} is empty, names the same lock twice, or holds a lock not
     *                                  created by {@link Lock#create}
     */
    public static <T> Mono<T> withAll(Mono<T> work, List<? extends Lock> locks) {
        return nest(Names.requireNonNull(work, "work"), locks, Lock::withLock);
    }

    /**
     * As {@link #withAll(Mono, Lock...)}, holding the locks until the flux terminates or is cancelled.
     *
     * @param <T>   the type of the values {@code work} emits
     * @param work  the publisher to run once every lock is held; not null
     * @param locks the locks to hold, in any order, each at most once; at least one
     * @return a Flux that acquires the locks in the global order, then mirrors {@code work}, holding every lock
     *     until it terminates or is cancelled
     * @throws NullPointerException     if {@code work}, {@code locks} or one of its elements is null
     * @throws IllegalArgumentException if {@code locks} is empty, names the same lock twice, or holds a lock not
     *                                  created by {@link Lock#create}
     */
    public static <T> Flux<T> withAll(Flux<T> work, Lock... locks) {
        return withAll(work, asList(locks));
    }

    /**
     * As {@link #withAll(Flux, Lock...)}, with the locks in a list.
     *
     * @param <T>   the type of the values {@code work} emits
     * @param work  the publisher to run once every lock is held; not null
     * @param locks the locks to hold, in any order, each at most once; at least one
     * @return a Flux that acquires the locks in the global order, then mirrors {@code work}, holding every lock
     *     until it terminates or is cancelled
     * @throws NullPointerException     if {@code work}, {@code locks} or one of its elements is null
     * @throws IllegalArgumentException if {@code locks} is empty, names the same lock twice, or holds a lock not
     *                                  created by {@link Lock#create}
     */
    public static <T> Flux<T> withAll(Flux<T> work, List<? extends Lock> locks) {
        return nest(Names.requireNonNull(work, "work"), locks, Lock::withLock);
    }

    private static List<Lock> asList(Lock[] locks) {
        return Arrays.asList(Names.requireNonNull(locks, "locks"));
    }

    /** The outermost lock is the oldest: wrap from the newest outwards. */
    private static <P> P nest(P work, List<? extends Lock> locks, BiFunction<Lock, P, P> withLock) {
        List<DefaultLock> ordered = inGlobalOrder(locks);
        P nested = work;
        for (int i = ordered.size() - 1; i >= 0; i--) {
            nested = withLock.apply(ordered.get(i), nested);
        }
        return nested;
    }

    private static List<DefaultLock> inGlobalOrder(List<? extends Lock> locks) {
        Names.requireNonNull(locks, "locks");
        if (locks.isEmpty()) {
            throw new IllegalArgumentException("Locks.withAll needs at least one lock");
        }
        List<DefaultLock> ordered = new ArrayList<>(locks.size());
        for (int i = 0; i < locks.size(); i++) {
            Lock lock = Names.requireNonNull(locks.get(i), "locks[" + i + "]");
            if (!(lock instanceof DefaultLock own)) {
                throw new IllegalArgumentException("locks[" + i + "] must come from Lock.create(), was "
                        + lock.getClass().getName());
            }
            ordered.add(own);
        }
        ordered.sort(GLOBAL_ORDER);
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i) == ordered.get(i - 1)) {
                throw new IllegalArgumentException("Lock '" + ordered.get(i).name()
                        + "' is passed to Locks.withAll more than once");
            }
        }
        return ordered;
    }
}
