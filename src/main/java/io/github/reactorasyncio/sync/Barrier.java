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

    /** @throws IllegalArgumentException if {@code parties < 1} */
    static Barrier create(int parties) {
        return create(Names.next("Barrier"), parties);
    }

    /**
     * @throws IllegalArgumentException if {@code parties < 1}
     * @throws NullPointerException     if {@code name} is null
     */
    static Barrier create(String name, int parties) {
        return new DefaultBarrier(Names.requireNonNull(name, "name"), parties);
    }

    String name();

    /** Waits for the round to fill; emits this arrival's index. Corresponds to {@code await barrier.wait()}. */
    Mono<Integer> await();

    /** Breaks the current round's waiters and starts afresh; clears a broken state. */
    void reset();

    /** Breaks the current and every later await until {@link #reset()}. */
    void abort();

    int parties();

    /** @return arrivals waiting in the current round */
    int waiting();

    boolean isBroken();

    /** @return e.g. {@code Barrier[name=start, waiting=2/3]} */
    @Override
    String toString();
}
