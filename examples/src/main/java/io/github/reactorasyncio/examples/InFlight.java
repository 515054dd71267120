package io.github.reactorasyncio.examples;

import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;

/**
 * Counts the pieces of work running at once and remembers the highest count seen: how the examples show that a
 * limit held (or did not). Thread-safe, because the examples' real-time runs use {@code Schedulers.parallel()}.
 */
final class InFlight {

    private final AtomicInteger running = new AtomicInteger();
    /** The highest value {@link #running} has reached. */
    private final AtomicInteger highest = new AtomicInteger();

    /**
     * {@code work}, counted from subscription until it terminates or is cancelled. The count drops before the
     * terminal signal travels on, so a permit released by a downstream scope is not handed to the next piece of
     * work while this one still counts.
     */
    <T> Mono<T> count(Mono<T> work) {
        return Mono.defer(() -> {
                    highest.accumulateAndGet(running.incrementAndGet(), Math::max);
                    return work;
                })
                .doOnTerminate(running::decrementAndGet)
                .doOnCancel(running::decrementAndGet);
    }

    /** @return the most pieces of work that ran at once */
    int max() {
        return highest.get();
    }
}
