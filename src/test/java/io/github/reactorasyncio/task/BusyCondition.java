package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.github.reactorasyncio.sync.Condition;
import io.github.reactorasyncio.sync.Lock;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The scene of issue 12's defect 2 (a), in virtual time: a waiter holds the lock of a Condition and awaits, lending
 * the lock; another party takes the lock at 0.5 s and keeps it until 3.5 s; at 1 s a library canceller (waitFor,
 * gatherStructured, a task group) cancels the await. asyncio's answer: the canceller signals once the await has its
 * lock back, at 3.5 s, and the code after it runs under the lock, after the other party left.
 */
final class BusyCondition {

    final Condition condition = Condition.create(Lock.create("m"));
    private final AtomicBoolean otherInside = new AtomicBoolean();

    /**
     * Runs the scene: {@code waiter} builds, from the await, the Mono run inside {@code withLock}; it must end by
     * emitting what {@link #seen()} saw when the canceller's failure reached it.
     *
     * @return what the code after the cancelled await saw
     */
    String run(Function<Mono<Void>, Mono<String>> waiter) {
        String[] seen = new String[1];
        StepVerifier.withVirtualTime(() -> {
                    Mono.delay(seconds(0.5)).then(condition.withLock(Mono.fromRunnable(() -> otherInside.set(true))
                            .then(Mono.delay(seconds(3))).then(Mono.fromRunnable(() -> otherInside.set(false)))))
                            .subscribe();
                    return condition.withLock(waiter.apply(condition.await()));
                })
                .thenAwait(seconds(10))
                .consumeNextWith(s -> seen[0] = s)
                .verifyComplete();
        return seen[0];
    }

    /** What the code after the cancelled await sees: the virtual time, whether the other party is inside, the lock. */
    Mono<String> seen() {
        return Mono.fromCallable(() -> "at " + VirtualTimeScheduler.get().now(TimeUnit.MILLISECONDS)
                + " ms, other inside: " + otherInside.get() + ", locked: " + condition.lock().locked());
    }

    /** The answer asyncio gives. */
    static final String AFTER_THE_OTHER_PARTY_LEFT = "at 3500 ms, other inside: false, locked: true";
}
