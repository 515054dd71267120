package io.github.reactorasyncio.sync;

import reactor.core.publisher.Mono;

/**
 * A meeting point for a fixed number of tasks: each {@link #await()} waits until {@code parties} of them have
 * arrived, then all continue. Corresponds to {@code asyncio.Barrier}.
 *
 * <ul>
 *   <li>{@link #await()} emits the caller's arrival index, {@code 0 .. parties-1}, distinct within one round; the
 *       last arrival completes the round, wakes the others in arrival order on its own thread, and the barrier
 *       is ready for the next round.</li>
 *   <li>Cancelling an await before its round completes withdraws that arrival (the round then needs one more).</li>
 *   <li>{@link #reset()} fails every waiter of the current round with
 *       {@link java.util.concurrent.BrokenBarrierException} and starts an empty round; {@link #abort()} does the same
 *       and leaves the barrier broken, so every later {@code await()} fails at once, until {@code reset()}.</li>
 * </ul>
 */
public interface Barrier {

    /**
     * A barrier for {@code parties} tasks, with an automatic name.
     *
     * @param parties how many awaits fill a round, {@code >= 1}
     * @return a new, unbroken barrier named {@code Barrier-N}
     * @throws IllegalArgumentException if {@code parties < 1}
     */
    static Barrier create(int parties) {
        return create(Names.next("Barrier"), parties);
    }

    /**
     * A named barrier for {@code parties} tasks.
     *
     * @param name    the name to report this barrier by in {@link #toString()} and error messages; not null
     * @param parties how many awaits fill a round, {@code >= 1}
     * @return a new, unbroken barrier
     * @throws IllegalArgumentException if {@code parties < 1}
     * @throws NullPointerException     if {@code name} is null
     */
    static Barrier create(String name, int parties) {
        return new DefaultBarrier(Names.requireNonNull(name, "name"), parties);
    }

    /**
     * The name given at creation, or the automatic one.
     *
     * @return this barrier's name
     */
    String name();

    /**
     * Waits for the round to fill; emits this arrival's index. Corresponds to {@code await barrier.wait()}.
     *
     * @return a Mono that emits this arrival's index, {@code 0 .. parties-1}, once the round is full, or fails with
     *     {@link java.util.concurrent.BrokenBarrierException} if the barrier is broken or the round is reset or
     *     aborted first
     */
    Mono<Integer> await();

    /** Breaks the current round's waiters and starts afresh; clears a broken state. */
    void reset();

    /** Breaks the current and every later await until {@link #reset()}. */
    void abort();

    /**
     * The number of awaits that fill a round, as given at creation.
     *
     * @return the barrier's party count, {@code >= 1}
     */
    int parties();

    /** @return arrivals waiting in the current round */
    int waiting();

    /**
     * Whether {@link #abort()} has broken the barrier (and no {@link #reset()} has followed).
     *
     * @return {@code true} if every {@link #await()} now fails at once
     */
    boolean isBroken();

    /** @return e.g. {@code Barrier[name=start, waiting=2/3]} */
    @Override
    String toString();
}
