package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A mutual-exclusion lock for Reactor that never blocks a thread. Corresponds to {@code asyncio.Lock}.
 *
 * <p>The same contract as {@link Semaphore} with one permit: strict FIFO without barging; cancellation never
 * loses or leaks the lock (a cancel racing the grant passes the lock on); {@link #withLock(Mono)} releases
 * exactly once on complete, error and cancel, before the terminal signal travels downstream; a woken waiter
 * continues on the releasing thread, inside a drain loop that does not grow the stack.
 *
 * <p><b>Not re-entrant</b>, like asyncio's: a {@code withLock} nested inside another {@code withLock} of the same
 * lock can never be granted. Under the default {@link DeadlockPolicy#REPORT} it waits and the deadlock is logged
 * the moment it forms; {@link DeadlockPolicy#DETECT} fails it at once with a {@link DeadlockException};
 * {@link DeadlockPolicy#REENTRANT} lets the holder's descendants in. {@link #release()} when unlocked throws
 * {@code IllegalStateException("Lock 'name' is not acquired")}. Prefer {@code withLock} over {@link #acquire()}:
 * a raw acquire followed by an error before the release leaves the lock held for good (seed 001's third deadlock).
 * Unless the policy is {@link DeadlockPolicy#OFF}, such a hold is reported (never failed) the moment the task or
 * {@code withPermit}/{@code withLock} scope that acquired it ends still holding it: a
 * {@link DeadlockReport.Kind#ABANDONED_LOCK} report naming the lock, the holder, how it ended and who waits.
 * To hold several locks, use {@link Locks#withAll}, which takes them in one global order.
 *
 * <p>{@code withLock} makes the hold visible in the Reactor Context of the work it runs, which is how a
 * {@link Condition} on this lock finds the hold it temporarily gives up while awaiting.
 */
public interface Lock {

    /**
     * A lock with an automatic name and the default {@link DeadlockPolicy#REPORT}.
     *
     * @return a new, unlocked lock named {@code Lock-N}
     */
    static Lock create() {
        return create(Names.next("Lock"));
    }

    /**
     * A named lock with the default {@link DeadlockPolicy#REPORT}.
     *
     * @param name the name to report this lock by in {@link #toString()}, statistics and error messages; not null
     * @return a new, unlocked lock
     * @throws NullPointerException if {@code name} is null
     */
    static Lock create(String name) {
        return create(name, DeadlockPolicy.REPORT);
    }

    /**
     * A lock with a {@link DeadlockPolicy} other than the default {@link DeadlockPolicy#REPORT}:
     * {@link DeadlockPolicy#DETECT} fails a chain that asks again for the lock it holds, or closes a lock cycle.
     *
     * @param name   the name to report this lock by; not null
     * @param policy what to do when a reactive deadlock forms on this lock; not null
     * @return a new, unlocked lock
     * @throws NullPointerException if {@code name} or {@code policy} is null
     */
    static Lock create(String name, DeadlockPolicy policy) {
        return new DefaultLock(name, policy);
    }

    /**
     * The name given at creation, or the automatic one.
     *
     * @return this lock's name
     */
    String name();

    /**
     * Runs {@code work} while holding the lock; releases it exactly once when the work completes, errors or is
     * cancelled. Corresponds to {@code async with lock: await work}.
     *
     * @param <T>  the type of the value {@code work} emits
     * @param work the work to run under the lock; not null
     * @return a Mono that acquires the lock, then mirrors {@code work}'s value, completion or error, releasing the
     *     lock before that signal is passed on
     * @throws NullPointerException if {@code work} is null
     */
    <T> Mono<T> withLock(Mono<T> work);

    /**
     * As {@link #withLock(Mono)}, holding the lock until the flux terminates or is cancelled.
     *
     * @param <T>  the type of the values {@code work} emits
     * @param work the publisher to run under the lock; not null
     * @return a Flux that acquires the lock, then mirrors {@code work}'s values and terminal signal, releasing the
     *     lock before the terminal signal is passed on
     * @throws NullPointerException if {@code work} is null
     */
    <T> Flux<T> withLock(Flux<T> work);

    /**
     * Runs a one-statement critical section while holding the lock: {@code lock.withLock(() -> counter++)}, the
     * same as {@code withLock(Mono.fromRunnable(section))}. Completes empty after the section returned; errors with
     * what it threw; the lock is released exactly once either way. Corresponds to {@code with lock: section()}
     * around synchronous code. The section runs on the thread that is granted the lock: keep it short and
     * non-blocking.
     *
     * @param section the critical section, run once per subscription while the lock is held; not null
     * @return a Mono that completes empty once {@code section} has returned, or fails with what it threw
     * @throws NullPointerException "section" if {@code section} is null
     */
    default Mono<Void> withLock(Runnable section) {
        Objects.requireNonNull(section, "section");
        return withLock(Mono.fromRunnable(section));
    }

    /**
     * Waits for the lock and emits its {@link Permit}; see {@link Semaphore#acquire()}. The caller must
     * {@link Permit#release()} it.
     *
     * @return a Mono that emits the lock's permit once it is this subscription's turn
     */
    Mono<Permit> acquire();

    /**
     * As {@link #acquire()}, failing with {@link java.util.concurrent.TimeoutException} after {@code maxWait}.
     *
     * @param maxWait the longest to wait in the queue for the lock, {@code >= 0}; not null
     * @return a Mono that emits the lock's permit, or fails with a {@link java.util.concurrent.TimeoutException}
     *     if it was not granted within {@code maxWait}
     * @throws NullPointerException     if {@code maxWait} is null
     * @throws IllegalArgumentException if {@code maxWait} is negative
     */
    Mono<Permit> acquire(Duration maxWait);

    /**
     * Takes the lock now if it is free and nobody is queued.
     *
     * @return the lock's permit, or empty if the lock is held or acquires are queued
     */
    Optional<Permit> tryAcquire();

    /**
     * Releases the lock without a {@link Permit} in hand (asyncio's {@code lock.release()}).
     *
     * @throws IllegalStateException if the lock is not held: {@code "Lock 'name' is not acquired"}
     */
    void release();

    /** @return whether the lock is held (asyncio's {@code locked()}) */
    boolean locked();

    /** @return acquires queued */
    int waiting();

    /**
     * The lock's counters and current state, as for a one-permit semaphore.
     *
     * @return a snapshot of this lock's state
     */
    SemaphoreStatistics statistics();

    /** @return e.g. {@code Lock[name=db, locked, waiting=2]} */
    @Override
    String toString();
}
