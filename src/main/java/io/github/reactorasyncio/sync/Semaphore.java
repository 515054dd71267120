package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A counting semaphore for Reactor: limits how many subscriptions run a piece of work at once, without ever
 * blocking a thread. Corresponds to {@code asyncio.Semaphore}.
 *
 * <pre>{@code
 * Semaphore sem = Semaphore.create("fetch", 10);            // asyncio.Semaphore(10)
 * Flux.fromIterable(urls)
 *     .flatMap(url -> sem.withPermit(client.get(url)))       // async with sem: await session.get(url)
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Strict FIFO.</b> Permits are granted in the order acquires arrived. There is no barging: an acquire
 *       that arrives while others are queued queues behind them even if a permit happens to be free.
 *       {@link #tryAcquire()} respects the queue too.</li>
 *   <li><b>Cancellation never loses or leaks a permit.</b> Cancelling a queued acquire is O(1) and allocates nothing
 *       (a withdrawn head is unlinked at once, any other waiter when it reaches the head or an amortized sweep
 *       runs). If the cancel races a grant, the granted permit is released at once and passes to the next waiter.
 *       {@link #withPermit(Mono)} releases exactly once on complete, error or downstream cancel, including a
 *       cancel while still queued and an inner publisher that throws when subscribed. A cancel after the grant
 *       releases once the work's {@code cancel()} has returned; it does not wait for a callback of the work already
 *       running on another thread, so the next holder may overlap such a callback. To keep a synchronous section
 *       exclusive even then, shield the hold ({@code Asyncio.shield(semaphore.withPermit(work))}): the caller is
 *       detached at once and the permit goes back when the work has ended.</li>
 *   <li><b>Non-blocking.</b> No method parks a thread; all of them are safe on Netty event loops. A granted
 *       waiter continues on the thread that made the permit available (the releasing thread, or the thread of
 *       the acquire if a permit was free). Wake-ups are delivered by a drain loop, so releasing one permit after
 *       another never grows the stack, however many waiters are woken in a row.</li>
 *   <li><b>Happens-before.</b> Everything a holder did before releasing a permit happens-before everything the
 *       next holder of that permit does after it is granted.</li>
 *   <li><b>asyncio parity.</b> {@link #release()} beyond the initial count grows the capacity, as in asyncio
 *       ("two acquires, three releases" lets three in at once afterwards); {@link BoundedSemaphore} refuses.</li>
 *   <li><b>Misuse fails loudly.</b> Negative permits: {@code IllegalArgumentException("permits must be >= 0,
 *       was -1")}; null arguments: {@code NullPointerException} naming the argument.</li>
 * </ul>
 *
 * <p>Each termination case of {@link #withPermit(Mono)}: the work completes, errors or is cancelled → the permit
 * is released before the signal reaches downstream (so a downstream that immediately acquires again can get
 * it). Downstream cancels while queued → the waiter is removed and no permit is taken. A cancelled scope's work
 * is cancelled before its permit goes back, and with nested scopes ({@code outer.withPermit(inner.withPermit(w))})
 * the outer permit also waits for an inner scope whose grant raced the cancel on another thread to have its work
 * subscribed and cancelled, so the next holder never runs beside work that was still starting.
 */
public interface Semaphore {

    /**
     * Reactor {@code Context} key under which a caller may put a {@code String} naming itself; it is recorded as
     * the {@link Permit#holder()} of permits acquired in that context.
     */
    String HOLDER_KEY = "reactor-asyncio.holder";

    /**
     * A semaphore with {@code permits} permits and an automatic name.
     *
     * @param permits the initial number of permits, {@code >= 0}; {@code 0} makes every acquire wait for a
     *     {@link #release()}
     * @return a new semaphore with the default {@link DeadlockPolicy#REPORT}, named {@code Semaphore-N}
     * @throws IllegalArgumentException if {@code permits < 0}
     */
    static Semaphore create(int permits) {
        return create(Names.next("Semaphore"), permits);
    }

    /**
     * A named semaphore with {@code permits} permits. The name appears in {@link #toString()}, statistics and
     * error messages.
     *
     * @param name    the name to report this semaphore by; not null
     * @param permits the initial number of permits, {@code >= 0}
     * @return a new semaphore with the default {@link DeadlockPolicy#REPORT}
     * @throws IllegalArgumentException if {@code permits < 0}
     * @throws NullPointerException     if {@code name} is null
     */
    static Semaphore create(String name, int permits) {
        return create(name, permits, DeadlockPolicy.REPORT);
    }

    /**
     * A named semaphore with a {@link DeadlockPolicy} other than the default {@link DeadlockPolicy#REPORT}.
     *
     * @param name    the name to report this semaphore by; not null
     * @param permits the initial number of permits, {@code >= 0}
     * @param policy  what to do when a chain of work waits for a permit that can never be granted; not null
     * @return a new semaphore
     * @throws IllegalArgumentException if {@code permits < 0}
     * @throws NullPointerException     if {@code name} or {@code policy} is null
     */
    static Semaphore create(String name, int permits, DeadlockPolicy policy) {
        return new DefaultSemaphore(name, permits, policy);
    }

    /** @return this semaphore's name */
    String name();

    /**
     * Runs {@code work} while holding one permit: subscribes to it once a permit is granted and releases the
     * permit exactly once when it completes, errors or is cancelled. Nothing happens until subscription; each
     * subscription acquires its own permit, and the returned Mono may be subscribed any number of times, also
     * concurrently. An uncontended subscription on the thread that called this method allocates nothing beyond
     * the returned Mono, and once a subscription has ended the Mono no longer references its subscriber.
     * Corresponds to {@code async with sem: await work}.
     *
     * @param <T>  the type of the value {@code work} emits
     * @param work the work to run under the permit, subscribed at most once per subscription to the result; not
     *     null
     * @return a Mono that acquires a permit, then mirrors {@code work}'s value, completion or error, releasing the
     *     permit before that signal is passed on
     * @throws NullPointerException if {@code work} is null
     */
    <T> Mono<T> withPermit(Mono<T> work);

    /**
     * As {@link #withPermit(Mono)}, waiting at most {@code maxWait} for the permit: if none is granted by then,
     * the acquire is withdrawn (counted in {@link SemaphoreStatistics#timedOut()}), {@code work} is never
     * subscribed, and the Mono fails with a {@link java.util.concurrent.TimeoutException} naming the semaphore
     * and the wait, e.g. {@code "no permit of Semaphore 'api' within 2s (Semaphore[name=api, available=0/10,
     * waiting=4])"}. The limit applies to the wait only, never to {@code work}. The timer runs on
     * {@link reactor.core.scheduler.Schedulers#parallel()} (virtual time in tests). Either the permit is granted
     * or the wait times out, never both; a permit that is free (with nobody queued) is taken at once, even with a
     * zero {@code maxWait}. Unlike {@code acquire(maxWait)} followed by {@code usingWhen}, there is no window in
     * which a cancel can lose the permit.
     *
     * @param <T>     the type of the value {@code work} emits
     * @param work    the work to run under the permit; not null
     * @param maxWait the longest to wait in the queue for a permit, {@code >= 0}; not null
     * @return a Mono that mirrors {@code work} run under a permit, or fails with a
     *     {@link java.util.concurrent.TimeoutException} if no permit was granted within {@code maxWait}
     * @throws NullPointerException     if {@code work} or {@code maxWait} is null
     * @throws IllegalArgumentException if {@code maxWait} is negative
     */
    <T> Mono<T> withPermit(Mono<T> work, Duration maxWait);

    /**
     * As {@link #withPermit(Mono)}, for a publisher of many values: the permit is held from grant until the
     * flux terminates or is cancelled.
     *
     * @param <T>  the type of the values {@code work} emits
     * @param work the publisher to run under the permit; not null
     * @return a Flux that acquires a permit, then mirrors {@code work}'s values and terminal signal, releasing the
     *     permit before the terminal signal is passed on
     * @throws NullPointerException if {@code work} is null
     */
    <T> Flux<T> withPermit(Flux<T> work);

    /**
     * Runs synchronous {@code work} holding a permit and emits its value: the same as
     * {@code withPermit(Mono.fromCallable(work))}. A {@code null} result completes empty; what it throws is the
     * error; the permit goes back exactly once either way. It runs on the thread that is granted the permit: keep
     * it non-blocking (blocking work belongs in {@code Asyncio.toThread}, inside the permit).
     *
     * @param <T>  the type of the value {@code work} returns
     * @param work the synchronous work, called once per subscription after the permit is granted; not null
     * @return a Mono of {@code work}'s result (empty if it returned {@code null}), or of what it threw
     * @throws NullPointerException "work" if {@code work} is null
     */
    default <T> Mono<T> withPermit(Callable<? extends T> work) {
        Objects.requireNonNull(work, "work");
        return withPermit(Mono.<T>fromCallable(work));
    }

    /**
     * Waits for a permit and emits it. The caller owns the permit once it is emitted and must
     * {@link Permit#release()} it. Cancelling before emission withdraws the acquire (or releases a permit
     * granted concurrently). Corresponds to {@code await sem.acquire()}.
     *
     * <p>A cancel that reaches the acquire only after the permit was emitted cannot take it back: Reactive Streams
     * lets a subscriber drop values that arrive after it decided to cancel (a {@code subscribe(consumer)} disposed
     * from another thread does), and such a dropped permit is lost. {@link #withPermit(Mono)} has no such window.
     *
     * @return a Mono that emits the granted permit once it is this subscription's turn; each subscription acquires
     *     its own permit
     */
    Mono<Permit> acquire();

    /**
     * As {@link #acquire()}, giving up after {@code maxWait}: then the acquire is withdrawn and the Mono fails
     * with a {@link java.util.concurrent.TimeoutException} naming the semaphore and the wait. The timer runs on
     * {@link reactor.core.scheduler.Schedulers#parallel()} (virtual time in tests). Either the permit is
     * granted or the wait times out, never both.
     *
     * @param maxWait the longest to wait in the queue for a permit, {@code >= 0}; not null
     * @return a Mono that emits the granted permit, or fails with a {@link java.util.concurrent.TimeoutException}
     *     if none was granted within {@code maxWait}
     * @throws NullPointerException     if {@code maxWait} is null
     * @throws IllegalArgumentException if {@code maxWait} is negative
     */
    Mono<Permit> acquire(Duration maxWait);

    /**
     * Takes a permit now if one is free and nobody is queued (FIFO is respected).
     *
     * @return the permit, or empty if none can be had immediately
     */
    Optional<Permit> tryAcquire();

    /**
     * Returns one permit without a {@link Permit} in hand, as asyncio's {@code sem.release()}: it wakes the
     * longest waiter, or makes one more permit available. Releasing when no permit is held grows the capacity
     * by one (asyncio semantics); {@link BoundedSemaphore} throws instead.
     */
    void release();

    /**
     * @return {@code true} if an acquire cannot succeed immediately: no permit is free, or acquires are queued
     *     (asyncio's {@code locked()})
     */
    boolean locked();

    /** @return permits that can be had right now */
    int availablePermits();

    /** @return acquires currently queued */
    int waiting();

    /** @return a snapshot of this semaphore's state */
    SemaphoreStatistics statistics();

    /** @return e.g. {@code Semaphore[name=fetch, available=2/5, waiting=3]} */
    @Override
    String toString();
}
