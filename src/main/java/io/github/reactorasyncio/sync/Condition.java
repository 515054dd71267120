package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A condition variable for Reactor: tasks holding its {@link Lock} wait for a signal, giving the lock up while
 * they wait and getting it back before they continue. Corresponds to {@code asyncio.Condition} (Java reserves
 * {@code wait}/{@code notify}, so the names follow {@code java.util.concurrent.locks.Condition}).
 *
 * <pre>{@code
 * condition.withLock(condition.awaitUntil(() -> state == READY).then(runQuery()))   // wait_for(predicate)
 * condition.withLock(Mono.fromRunnable(() -> state = READY).then(Mono.fromRunnable(condition::signalAll)))
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #await()} must run inside {@code withLock} of this condition's lock (it finds the hold through
 *       the Reactor Context); otherwise it fails with {@code IllegalStateException}. It releases the lock, waits
 *       for a signal, re-acquires the lock (queueing FIFO behind other acquirers) and only then completes.</li>
 *   <li>Waiters are woken in the order they started waiting. {@link #signal(int)} wakes up to {@code n} of them;
 *       a signal with nobody waiting is lost (it is not remembered, unlike an {@link Event}).</li>
 *   <li>{@link #signal(int)}/{@link #signalAll()} require the lock to be held (checked as asyncio does: held by
 *       someone; a plain method call cannot see whose Context it runs in).</li>
 *   <li><b>Cancellation.</b> Cancelling an await removes it from the condition (a signal that had already picked it
 *       passes to the next waiter) and gets the lock back for its {@code withLock} scope through one re-acquire,
 *       FIFO behind other acquirers; if the scope ends first, that re-acquire is withdrawn. Whether the code after
 *       the await holds the lock depends on the canceller: {@code Asyncio.waitFor}, {@code gatherStructured} and
 *       task groups signal only once the re-acquire has finished ({@link CancellationJoin}), as asyncio's
 *       {@code wait_for} does, so their timeout may come late while the lock is busy; Reactor's {@code timeout()},
 *       {@code firstWithSignal} and {@code dispose()} run what follows at once, <b>without the lock</b>, and a
 *       further {@code await()} there fails with {@code IllegalStateException}. Prefer {@link #await(Duration)},
 *       {@link #awaitUntil} or {@code Asyncio.waitFor} to a Reactor operator around an await.</li>
 *   <li><b>Happens-before.</b> Actions before {@code signal} happen-before the woken waiter resumes.</li>
 * </ul>
 */
public interface Condition {

    /**
     * A condition with a lock of its own, as {@code asyncio.Condition()}.
     *
     * @return a new condition over a new, automatically named {@link Lock}
     */
    static Condition create() {
        return create(Lock.create());
    }

    /**
     * A condition over {@code lock}, as {@code asyncio.Condition(lock)}; several conditions may share one lock.
     *
     * @param lock the lock this condition releases while awaiting and re-acquires before continuing; must have
     *     been made by one of the {@code Lock.create} factories
     * @return a new condition, with an automatic name ({@code Condition-N})
     * @throws NullPointerException     if {@code lock} is null
     * @throws IllegalArgumentException if {@code lock} was not made by {@link Lock#create()}
     */
    static Condition create(Lock lock) {
        return new DefaultCondition(Names.next("Condition"), lock);
    }

    /**
     * The automatic name given at creation, used in error messages.
     *
     * @return this condition's name
     */
    String name();

    /** @return the lock this condition releases and re-acquires */
    Lock lock();

    /**
     * Same as {@code lock().withLock(work)}: {@code async with condition: ...}.
     *
     * @param <T>  the type of the value {@code work} emits
     * @param work the work to run holding this condition's lock; not null
     * @return a Mono that acquires the lock, then mirrors {@code work}, releasing the lock before its terminal
     *     signal is passed on
     * @throws NullPointerException if {@code work} is null
     */
    <T> Mono<T> withLock(Mono<T> work);

    /**
     * Same as {@code lock().withLock(work)}.
     *
     * @param <T>  the type of the values {@code work} emits
     * @param work the publisher to run holding this condition's lock; not null
     * @return a Flux that acquires the lock, then mirrors {@code work}, holding the lock until it terminates or is
     *     cancelled
     * @throws NullPointerException if {@code work} is null
     */
    <T> Flux<T> withLock(Flux<T> work);

    /**
     * Same as {@code lock().withLock(section)}: a one-statement critical section, e.g.
     * {@code condition.withLock(() -> condition.signal(2))}; see {@link Lock#withLock(Runnable)}.
     *
     * @param section the critical section, run once per subscription while the lock is held; not null
     * @return a Mono that completes empty once {@code section} has returned, or fails with what it threw
     * @throws NullPointerException "section" if {@code section} is null
     */
    default Mono<Void> withLock(Runnable section) {
        return lock().withLock(section);
    }

    /**
     * Releases the lock, waits for a signal, re-acquires the lock, completes. Corresponds to
     * {@code await condition.wait()}.
     *
     * <p>Termination: completes after signal and re-acquisition; fails with {@code IllegalStateException} when
     * not inside this lock's {@code withLock} or when the scope does not hold the lock now (another await of it
     * lent the lock and has not got it back); on cancel, see the class contract.
     *
     * @return a Mono that completes empty once this await was signalled and the lock is held again
     */
    Mono<Void> await();

    /**
     * As {@link #await()}, giving up after {@code maxWait}: the waiter is removed, the lock re-acquired, and then
     * the Mono fails with {@link java.util.concurrent.TimeoutException} naming the condition and the wait.
     *
     * @param maxWait the longest to wait for a signal, {@code >= 0}; not null. Re-acquiring the lock afterwards
     *     is not limited by it
     * @return a Mono that completes empty once signalled and holding the lock again, or fails with a
     *     {@link java.util.concurrent.TimeoutException} (lock re-acquired) if no signal came within {@code maxWait}
     * @throws NullPointerException     if {@code maxWait} is null
     * @throws IllegalArgumentException if {@code maxWait} is negative
     */
    Mono<Void> await(Duration maxWait);

    /**
     * Waits until {@code predicate} returns a value that is neither {@code null} nor {@code Boolean.FALSE}, and
     * emits it. The predicate is evaluated under the lock, first at subscription and again after every wake-up.
     * Corresponds to {@code await condition.wait_for(predicate)}.
     *
     * <p>Like {@link #await()}, it must run inside {@code withLock} of this condition's lock: if the predicate is
     * not satisfied, the await it then makes fails with {@code IllegalStateException} outside it.
     *
     * @param <T>       the type of the predicate's value
     * @param predicate called under the lock for the awaited value; {@code null} or {@code Boolean.FALSE} means
     *     "not yet"; not null itself
     * @return a Mono that emits the first satisfying value the predicate returned
     * @throws NullPointerException if {@code predicate} is null
     */
    <T> Mono<T> awaitUntil(Supplier<T> predicate);

    /** Wakes the longest waiter, if any (asyncio {@code notify()}). */
    void signal();

    /**
     * Wakes up to {@code n} waiters, oldest first (asyncio {@code notify(n)}); each re-acquires the lock before it
     * resumes.
     *
     * @param n how many waiters to wake at most, {@code >= 0}; fewer are woken if fewer are waiting
     * @throws IllegalStateException    if the lock is not held
     * @throws IllegalArgumentException if {@code n < 0}
     */
    void signal(int n);

    /** Wakes every waiter (asyncio {@code notify_all()}). */
    void signalAll();

    /** @return awaits currently waiting for a signal (not those re-acquiring the lock) */
    int waiting();
}
