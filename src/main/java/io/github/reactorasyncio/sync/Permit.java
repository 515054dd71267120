package io.github.reactorasyncio.sync;

import java.time.Duration;

/**
 * One permit of a {@link Semaphore} (or the hold of a {@link Lock}), handed out by {@link Semaphore#acquire()}.
 *
 * <p>A permit is returned with {@link #release()}. Releasing is idempotent: the first call returns the permit to
 * its semaphore and answers {@code true}; every later call is a no-op that answers {@code false}. Prefer
 * {@link Semaphore#withPermit(reactor.core.publisher.Mono)}, which releases exactly once on complete, error and
 * cancel; a raw permit that is never released is lost, as in asyncio after an exception between
 * {@code acquire()} and {@code release()}. A sample of such permits that become unreachable while held is
 * reported by the leak net ({@link Diagnostics#sampleLeaks}), with the place {@code acquire()} was called.
 *
 * <p>Corresponds to the value held between {@code await sem.acquire()} and {@code sem.release()} in asyncio.
 */
public interface Permit {

    /**
     * Returns this permit to its semaphore, waking the longest waiter if any.
     *
     * @return {@code true} if this call released the permit, {@code false} if it had been released before
     */
    boolean release();

    /** @return whether {@link #release()} has been called */
    boolean isReleased();

    /**
     * @return the name of the holder, taken from the subscriber's Reactor {@code Context} under
     *     {@link Semaphore#HOLDER_KEY} when present, otherwise {@code "anonymous"}
     */
    String holder();

    /** @return how long this permit has been held (until now, or until it was released) */
    Duration heldFor();
}
