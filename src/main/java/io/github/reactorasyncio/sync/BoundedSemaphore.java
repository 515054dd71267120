package io.github.reactorasyncio.sync;

/**
 * A {@link Semaphore} whose permits can never outnumber its initial count. Corresponds to
 * {@code asyncio.BoundedSemaphore}.
 *
 * <p>Everything in {@link Semaphore}'s contract holds, except {@link #release()}: releasing when every permit is
 * already free throws {@code IllegalStateException("BoundedSemaphore 'name' released too many times (bound 3)")}
 * and changes nothing (asyncio raises {@code ValueError}). The same applies to {@link Permit#release()} when a
 * stray raw {@link #release()} has already returned that permit; inside {@link #withPermit(reactor.core.publisher.Mono)}
 * the error is reported through {@code Hooks.onErrorDropped} and the work's own outcome still reaches downstream.
 */
public interface BoundedSemaphore extends Semaphore {

    /**
     * A bounded semaphore with {@code permits} permits and an automatic name.
     *
     * @param permits the initial number of permits, {@code >= 0}, which is also the bound a release may never
     *     exceed
     * @return a new bounded semaphore with the default {@link DeadlockPolicy#REPORT}, named
     *     {@code BoundedSemaphore-N}
     * @throws IllegalArgumentException if {@code permits < 0}
     */
    static BoundedSemaphore create(int permits) {
        return create(Names.next("BoundedSemaphore"), permits);
    }

    /**
     * A named bounded semaphore with {@code permits} permits.
     *
     * @param name    the name to report this semaphore by in {@link #toString()}, statistics and error messages;
     *     not null
     * @param permits the initial number of permits, {@code >= 0}, which is also the bound
     * @return a new bounded semaphore with the default {@link DeadlockPolicy#REPORT}
     * @throws IllegalArgumentException if {@code permits < 0}
     * @throws NullPointerException     if {@code name} is null
     */
    static BoundedSemaphore create(String name, int permits) {
        return create(name, permits, DeadlockPolicy.REPORT);
    }

    /**
     * A named bounded semaphore with a {@link DeadlockPolicy} other than the default {@link DeadlockPolicy#REPORT}.
     *
     * @param name    the name to report this semaphore by; not null
     * @param permits the initial number of permits, {@code >= 0}, which is also the bound
     * @param policy  what to do when a reactive deadlock forms on this semaphore; not null
     * @return a new bounded semaphore
     * @throws IllegalArgumentException if {@code permits < 0}
     * @throws NullPointerException     if {@code name} or {@code policy} is null
     */
    static BoundedSemaphore create(String name, int permits, DeadlockPolicy policy) {
        return new DefaultBoundedSemaphore(name, permits, policy);
    }

    /**
     * Returns one permit.
     *
     * @throws IllegalStateException if no permit is held ("released too many times")
     */
    @Override
    void release();
}
